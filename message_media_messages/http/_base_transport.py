"""BaseTransport: the one-method interface a client sends its requests through."""

from __future__ import annotations

from typing import Protocol

from .http_request import HttpRequest
from .http_response import HttpResponse

Timeout = tuple[float, float]  # (connect, read) seconds


class BaseTransport(Protocol):
    """What `MessageMediaMessagesClient(transport=...)` accepts: any object with `send`.

    The default is `message_media_messages.http.transport.Transport` (requests' pooled
    connections). A test or an embedding application may pass its own; it needs no base
    class. `close()` is called by `client.close()` when the object has one.
    """

    def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        """Send one request, once, and return the whole response.

        Args:
            request: the request exactly as signed: `http_method`, `path` (with any
                path prefix of the base URI), `headers`, `body` bytes or None, and
                `origin` (scheme, host and port).
            timeout: (connect, read) seconds for this call. The read timeout bounds each
                wait for data and also the whole response, counted from when the request
                has been written (the response's deadline).

        Returns:
            The response, whatever its status (the client maps statuses to errors);
            its `headers` looked up in lower case.

        Raises:
            TransportError: no usable response. Raise `APIConnectionError` or
                `APITimeoutError` with `failure` set to one of the kinds of
                `message_media_messages.http.retry` and `maybe_sent=False` only when the
                request provably never left: the client's retry decisions rest on both.
        """
        ...


class AsyncBaseTransport(Protocol):
    """What `AsyncMessageMediaMessagesClient(transport=...)` accepts: any object with an
    async `send`, with the same contract as `BaseTransport.send`.

    The default is the httpx transport of `http/_async_transport.py`. `aclose()` is awaited
    by `client.aclose()` when the object has one. When the task is cancelled during a send,
    the `CancelledError` raised should carry `maybe_sent` (whether any byte of the request
    was written); without it the client assumes it may have been.
    """

    async def send(self, request: HttpRequest, *, timeout: Timeout) -> HttpResponse:
        """Send one request, once, and return the whole response (see `BaseTransport.send`)."""
        ...
