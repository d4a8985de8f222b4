"""A WSGI application that receives, verifies and parses MessageMedia callbacks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import quote

from ..models.delivery_report import DeliveryReport
from ..models.reply import Reply
from ._receiver import PATH_SAFE, Answer, Receiver, Refusal, RequestHead, handled, handler_failed
from ._signatures import KeyInput

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["Handler", "WebhookApp", "make_wsgi_app"]

Handler: TypeAlias = "Callable[[DeliveryReport | Reply], object]"


def _read_at_most(stream: Any, limit: int) -> bytes:
    """Read up to `limit` bytes, tolerating short reads, stopping at EOF."""
    chunks: list[bytes] = []
    while limit > 0 and (chunk := stream.read(min(limit, 65536))):
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _head_of(environ: WSGIEnvironment) -> RequestHead:
    """The request as the receiver decides on it, from a WSGI environ."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")  # gunicorn / uWSGI
    if not (isinstance(target, str) and target.startswith("/")):
        # PATH_INFO is unquoted and latin-1 decoded (PEP 3333): undo both.
        target = quote(path, safe=PATH_SAFE, encoding="latin-1")
        query = environ.get("QUERY_STRING")
        target += f"?{query}" if query else ""
    return RequestHead(
        method=environ.get("REQUEST_METHOD", ""),
        path=path,
        target=target,
        http_version=environ.get("SERVER_PROTOCOL") or "HTTP/1.1",
        headers={k[5:].replace("_", "-"): str(v) for k, v in environ.items() if k[:5] == "HTTP_"},
        content_length=str(environ.get("CONTENT_LENGTH") or ""),
        terminated=bool(environ.get("wsgi.input_terminated")),
    )


@dataclass(frozen=True)
class WebhookApp(Receiver):
    """A WSGI application that receives MessageMedia callbacks and hands them to `handler`.

    Answers (all JSON): 200 `{"ok": true}` once `handler` returned; 400 bad payload or
    Content-Length; 401 signature not verified (only when `public_key` is set); 404 path
    other than `path` (only when set); 405 not a POST; 411 no Content-Length; 413 body
    over `max_body`; 500 `handler` raised (logged; MessageMedia retries non-2xx answers).

    Attributes:
        handler: Called with each parsed DeliveryReport or Reply; raise to get a retry.
        public_key: If set, require a valid signature (see `verify_signature`).
        path: If set, the only path served, compared with SCRIPT_NAME + PATH_INFO.
        max_body: Largest accepted body, in bytes.
        expected_key_id, max_age, now: Passed to `verify_signature` (`max_age`, the
            replay protection, is off by default).

    Raises:
        ConfigurationError: `public_key` cannot be loaded, or `max_body` is negative.
        ImportError: `public_key` is set and `cryptography` is not installed.
    """

    handler: Handler

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        head = _head_of(environ)
        try:
            limit = self.read_limit(head)
            callback = self.callback_of(head, _read_at_most(environ["wsgi.input"], limit))
        except Refusal as refusal:
            return _respond(start_response, refusal.answer)
        try:
            self.handler(callback)
        except Exception:
            return _respond(start_response, handler_failed())
        return _respond(start_response, handled())


def _respond(start_response: StartResponse, answer: Answer) -> list[bytes]:
    start_response(answer.status_line, list(answer.headers))
    return [answer.body]


def make_wsgi_app(
    handler: Handler,
    *,
    public_key: KeyInput | None = None,
    path: str | None = None,
    max_body: int = 1 << 20,
    expected_key_id: str | None = None,
    max_age: float | None = None,
) -> WebhookApp:
    """Build the WSGI receiver of MessageMedia callbacks (arguments and answers: `WebhookApp`).

    Raises:
        ConfigurationError: `public_key` cannot be loaded, or `max_body` is negative.
        ImportError: `public_key` is set and `cryptography` is not installed.
    """
    return WebhookApp(
        handler,
        public_key=public_key,
        path=path,
        max_body=max_body,
        expected_key_id=expected_key_id,
        max_age=max_age,
    )
