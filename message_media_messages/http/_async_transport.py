"""The asyncio transport: the ONLY module importing httpx (the `async` extra).

`AsyncTransport` is the default `AsyncBaseTransport`: httpx's connection pool, driven below
its client (one request, no redirects, no cookies, nothing decoded), with the response's
whole-attempt deadline as a real cancel scope and no thread per call.
"""

from __future__ import annotations

import contextlib
import os
import ssl
import urllib.request
from collections.abc import AsyncGenerator
from typing import Any, cast
from urllib.parse import urlsplit

import anyio
import httpx

from .._setting_checks import usable_url
from ..configuration import DEFAULT_MAX_RESPONSE_BYTES
from ..exceptions.api_exception import ConfigurationError
from ._base_transport import Timeout
from ._body import check_headers, encoding_refusal, wire_headers
from ._failures import classify, error_for
from ._redaction import redact_url
from .http_request import HttpRequest
from .http_response import HttpResponse

# Failures only connecting raises: nothing of the request was written yet.
_CONNECT_ONLY = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError, httpx.PoolTimeout)
_WRITING = "http11.send_request_headers.started"  # from here the request may reach the server
_WRITTEN = "http11.receive_response_headers.started"  # sent: the read budget starts
_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
MAX_OPEN = 100  # connections open at once at least (httpx's default); more calls wait


class _Attempt:
    """One request going out: whether it started, and the cancel scope of its deadline."""

    __slots__ = ("read", "scope", "writing")

    def __init__(self, read: float) -> None:
        self.read, self.writing = read, False
        self.scope = anyio.CancelScope()

    async def trace(self, event: str, info: Any) -> None:
        """httpcore's trace hook: marks the write, and starts the deadline once it is done."""
        if event == _WRITING:
            self.writing = True
        elif event == _WRITTEN:
            self.scope.deadline = anyio.current_time() + self.read


class AsyncTransport:
    """Sends `HttpRequest`s over one pool of keep-alive connections, on the running loop.

    Requests go to their own `origin` and `path`, exactly as they were signed; `base_uri`
    only chooses the proxy.
    Proxies: `proxies` by scheme ("https", "http" or "all"), else the environment's
    (`HTTPS_PROXY`, `NO_PROXY`, ...), read once here.
    """

    def __init__(
        self,
        base_uri: str,
        *,
        timeout: tuple[float, float],
        verify: bool | str = True,
        proxies: dict[str, str] | None = None,
        pool_maxsize: int = 10,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._default_timeout, self._max_body = timeout, max_response_bytes
        proxy = _proxy_for(base_uri, proxies)
        limits = httpx.Limits(
            max_connections=max(MAX_OPEN, pool_maxsize), max_keepalive_connections=pool_maxsize
        )
        try:
            if proxy is not None and not usable_url(proxy, _PROXY_SCHEMES):
                raise ValueError("not an http(s) or socks5 URL with a host and a usable port")
            self._pool = httpx.AsyncHTTPTransport(
                verify=_ssl_context(verify), limits=limits, proxy=proxy, trust_env=False
            )
        except (ValueError, TypeError, httpx.InvalidURL) as exc:
            shown, cause = redact_url(repr(proxy)), redact_url(str(exc))
            raise ConfigurationError(f"the proxy {shown} cannot be used: {cause}") from None

    async def send(self, request: HttpRequest, *, timeout: Timeout | None = None) -> HttpResponse:
        """Send one request and return the whole response (see `AsyncBaseTransport.send`).

        The read timeout bounds each wait for data and the whole response, counted from
        when the request has been written: past it the attempt is cancelled, however the
        answer trickles in, and its connection closed (never left half-read in the pool).

        Raises:
            APIConnectionError, APITimeoutError: as the sync transport raises them.
            ConfigurationError: a header value cannot be sent (nothing was sent).
            CancelledError: the task was cancelled; it carries `maybe_sent`.
        """
        check_headers(request.headers)
        connect, read = timeout if timeout is not None else self._default_timeout
        attempt = _Attempt(read)
        outgoing = httpx.Request(
            request.http_method, request.origin + request.path,
            headers=wire_headers(request.headers), content=request.body,
            extensions={"timeout": {"connect": connect, "read": read, "write": read,
                                    "pool": None}, "trace": attempt.trace},
        )  # fmt: skip
        try:
            with attempt.scope:
                return await self._exchange(outgoing)
        except httpx.TransportError as exc:
            left = attempt.writing and not isinstance(exc, _CONNECT_ONLY)
            timed_out = isinstance(exc, httpx.TimeoutException)
            raise error_for(classify(exc, left=left, timed_out=timed_out), request) from exc
        except anyio.get_cancelled_exc_class() as cancelled:
            cancelled.maybe_sent = attempt.writing  # type: ignore[attr-defined]
            raise
        # Only the deadline's own cancellation ends up here (the scope caught it).
        cause = TimeoutError(f"no complete response {read:g} s after the request was written")
        failure = classify(cause, left=True, timed_out=True, expired=True)
        raise error_for(failure, request)

    async def _exchange(self, outgoing: httpx.Request) -> HttpResponse:
        """The whole response, or its head alone when its body is refused unread."""
        raw = await self._pool.handle_async_request(outgoing)
        try:
            if raw.status_code == 101:  # no request of ours asks to switch protocols
                raise httpx.RemoteProtocolError("101 Switching Protocols, which was not asked for")
            empty = raw.status_code in (204, 304) or raw.headers.get("content-length") == "0"
            refused = None if empty else encoding_refusal(raw.headers.get("content-encoding"))
            if refused is None:
                body = await _bounded_body(raw, self._max_body)
                if body is not None:
                    return HttpResponse(raw.status_code, raw.headers, body)
                limit = self._max_body
                refused = f"the response body is over the {limit}-byte limit (max_response_bytes)"
            return HttpResponse(raw.status_code, raw.headers, refused_body=refused)
        finally:
            await raw.aclose()  # a body left unread closes its connection

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._pool.aclose()


async def _bounded_body(raw: httpx.Response, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` bytes (never reading much past limit)."""
    length = raw.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    stream = cast(AsyncGenerator[bytes, None], raw.aiter_raw())  # httpx's is a generator
    async with contextlib.aclosing(stream):  # closed now, not when collected
        async for chunk in stream:
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _proxy_for(base_uri: str, proxies: dict[str, str] | None) -> str | None:
    """The proxy for the API host: the given ones by scheme, else the environment's."""
    parts = urlsplit(base_uri)
    if proxies:
        return proxies.get(parts.scheme) or proxies.get("all")
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    found = urllib.request.getproxies_environment()
    return found.get(parts.scheme) or found.get("all")


def _ssl_context(verify: bool | str) -> ssl.SSLContext | bool:
    """What httpx is given for `verify`: True (its CA bundle), False, or a CA file's context."""
    if isinstance(verify, bool):
        return verify
    if os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    return ssl.create_default_context(cafile=verify)

