"""An ASGI application that receives, verifies and parses MessageMedia callbacks."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeAlias
from urllib.parse import quote

from ..models.delivery_report import DeliveryReport
from ..models.reply import Reply
from ._payloads import Callback
from ._receiver import (
    PATH_SAFE,
    Answer,
    Receiver,
    Refusal,
    RequestHead,
    handled,
    handler_failed,
    logger,
)
from ._signatures import KeyInput

__all__ = ["AsgiHandler", "AsgiWebhookApp", "make_asgi_app"]

AsgiHandler: TypeAlias = "Callable[[DeliveryReport | Reply], Awaitable[object] | object]"
Scope: TypeAlias = "MutableMapping[str, Any]"
Message: TypeAlias = "MutableMapping[str, Any]"
Receive: TypeAlias = "Callable[[], Awaitable[Message]]"
Send: TypeAlias = "Callable[[Message], Awaitable[None]]"
_POLICY_VIOLATION = 1008  # the WebSocket close code for "this endpoint takes no WebSockets"


class _Disconnected(Exception):
    """The client went away before its body was complete (internal control flow)."""


def _head_of(scope: Scope) -> RequestHead:
    """The request as the receiver decides on it, from an ASGI `http` scope."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name, value = bytes(raw_name).decode("latin-1"), bytes(raw_value).decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    path = str(scope.get("path", ""))  # the ASGI spec: `path` includes `root_path`
    raw = scope.get("raw_path")
    if isinstance(raw, bytes) and raw.startswith(b"/"):
        target = raw.decode("utf-8", "surrogateescape")  # unencodable: a 401, never a crash
    else:
        target = quote(path, safe=PATH_SAFE)  # `path` is percent- and UTF-8-decoded
    query = bytes(scope.get("query_string", b""))
    target += f"?{query.decode('latin-1')}" if query else ""
    version = str(scope.get("http_version") or "1.1")
    return RequestHead(
        method=str(scope.get("method", "")),
        path=path,
        target=target,
        http_version=f"HTTP/{version}",
        headers=headers,
        content_length=headers.get("content-length", ""),
        # HTTP/1 without a length has no body unless chunked; HTTP/2 and 3 frame every body.
        terminated="chunked" in headers.get("transfer-encoding", "").lower()
        or version not in ("1.0", "1.1"),
    )


async def _read_at_most(receive: Receive, limit: int) -> bytes:
    """Read the body's `http.request` messages until its end or `limit` bytes, no further."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        message = await receive()
        if message.get("type") == "http.disconnect":
            raise _Disconnected
        if message.get("type") != "http.request":
            continue
        chunk = bytes(message.get("body", b""))
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)[:limit]


async def _send(send: Send, answer: Answer) -> None:
    headers = [(name.lower().encode(), value.encode()) for name, value in answer.headers]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to set up or tear down: confirm startup and shutdown as they come."""
    while True:
        kind = (await receive()).get("type")
        if kind == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif kind == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _is_async(handler: object) -> bool:
    """Whether calling `handler` gives a coroutine without running any code (an `async def`)."""
    call = getattr(handler, "__call__", None)  # noqa: B004 (an instance with `async def __call__`)
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(call)


@dataclass(frozen=True)
class AsgiWebhookApp(Receiver):
    """An ASGI application that receives MessageMedia callbacks and hands them to `handler`.

    The same checks, answers and settings as `WebhookApp` (its docstring lists them), on
    ASGI: `path` is compared with the scope's `path` (which includes `root_path`), and the
    signature with the request as received (`raw_path` and `query_string`). An `async def`
    handler is awaited; a plain one runs in a worker thread (`asyncio.to_thread`), so a slow
    handler does not block the event loop. `lifespan` is confirmed; a WebSocket is refused
    (closed with code 1008); a client that disconnects mid-body gets no answer and its
    callback never reaches the handler.

    Attributes:
        handler: Called with each parsed DeliveryReport or Reply; raise to get a retry.

    Raises:
        ConfigurationError: `public_key` cannot be loaded, or `max_body` is negative.
        ImportError: `public_key` is set and `cryptography` is not installed.
    """

    handler: AsgiHandler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)
        elif kind == "websocket":
            if (await receive()).get("type") == "websocket.connect":
                await send({"type": "websocket.close", "code": _POLICY_VIOLATION})
        else:  # the ASGI spec: raise on a scope type the application does not know
            raise ValueError(f"the webhook receiver serves HTTP only, not {kind!r}")

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = _head_of(scope)
        try:
            limit = self.read_limit(head)
            callback = self.callback_of(head, await _read_at_most(receive, limit))
        except Refusal as refusal:
            answer = refusal.answer
        except _Disconnected:
            logger.warning("webhook on %s: the client disconnected mid-body", head.path)
            return
        else:
            answer = await self._handle(callback)
        await _send(send, answer)

    async def _handle(self, callback: Callback) -> Answer:
        """Run the handler (awaited, or in a thread if it is not async); 200 or 500."""
        try:
            if _is_async(self.handler):
                result = self.handler(callback)
            else:
                result = await asyncio.to_thread(self.handler, callback)
            if inspect.isawaitable(result):  # also e.g. a partial of an async function
                await result
        except Exception:
            return handler_failed()
        return handled()


def make_asgi_app(
    handler: AsgiHandler,
    *,
    public_key: KeyInput | None = None,
    path: str | None = None,
    max_body: int = 1 << 20,
    expected_key_id: str | None = None,
    max_age: float | None = None,
) -> AsgiWebhookApp:
    """Build the ASGI receiver of MessageMedia callbacks (see `AsgiWebhookApp`).

    Args:
        handler: An `async def` (awaited) or plain function (run in a worker thread),
            called with each parsed DeliveryReport or Reply; raise to get a retry.
        public_key, path, max_body, expected_key_id, max_age: As for `make_wsgi_app`.

    Raises:
        ConfigurationError: `public_key` cannot be loaded, or `max_body` is negative.
        ImportError: `public_key` is set and `cryptography` is not installed.
    """
    return AsgiWebhookApp(
        handler,
        public_key=public_key,
        path=path,
        max_body=max_body,
        expected_key_id=expected_key_id,
        max_age=max_age,
    )
