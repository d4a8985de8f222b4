"""A WSGI application that receives, verifies and parses MessageMedia callbacks."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import quote

from ..exceptions.api_exception import ConfigurationError
from ..models.delivery_report import DeliveryReport
from ..models.reply import Reply
from ._payloads import Callback, WebhookPayloadError, parse_callback
from ._signatures import KeyInput, WebhookSignatureError, load_public_key, verify_signature

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["Handler", "WebhookApp", "make_wsgi_app"]

# The name the receiver logged under when it lived in `webhooks`: keep users' log config working.
logger = logging.getLogger("message_media_messages.webhooks")

Handler: TypeAlias = "Callable[[DeliveryReport | Reply], object]"
# RFC 3986 pchar delimiters: WSGI servers unquote PATH_INFO, so re-quote everything else.
_PATH_SAFE = "/:@!$&'()*+,;="


class _Refusal(Exception):
    """An early non-200 answer of the receiver (internal control flow)."""

    def __init__(self, status: str, error: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(error)
        self.status, self.error, self.headers = status, error, list(headers)


def _read_at_most(stream: Any, limit: int) -> bytes:
    """Read up to `limit` bytes, tolerating short reads, stopping at EOF."""
    chunks: list[bytes] = []
    while limit > 0 and (chunk := stream.read(min(limit, 65536))):
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class WebhookApp:
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
    _: KW_ONLY
    public_key: KeyInput | None = None
    path: str | None = None
    max_body: int = 1 << 20
    expected_key_id: str | None = None
    max_age: float | None = None
    now: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.max_body < 0:
            raise ConfigurationError(f"max_body must be >= 0, got {self.max_body}")
        if self.public_key is not None:
            try:
                load_public_key(self.public_key)  # fail at start-up, not with 401s later
            except WebhookSignatureError as exc:
                raise ConfigurationError(exc.reason) from None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            callback = self._receive(environ)
        except _Refusal as refusal:
            answer = {"ok": False, "error": refusal.error}
            return _respond(start_response, refusal.status, answer, refusal.headers)
        try:
            self.handler(callback)
        except Exception:
            logger.exception("webhook handler failed; answering 500 so the sender retries")
            answer = {"ok": False, "error": "handler failed"}
            return _respond(start_response, "500 Internal Server Error", answer)
        return _respond(start_response, "200 OK", {"ok": True})

    def _receive(self, environ: WSGIEnvironment) -> Callback:
        """Check path, method, size and signature; return the parsed callback."""
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if self.path is not None and path != self.path:
            raise _Refusal("404 Not Found", "not found")
        if environ.get("REQUEST_METHOD") != "POST":
            raise _Refusal("405 Method Not Allowed", "only POST is allowed", [("Allow", "POST")])
        body = self._read_body(environ)
        if self.public_key is not None:
            self._verify(environ, path, body, self.public_key)
        try:
            callback = parse_callback(body)
        except WebhookPayloadError as exc:
            raise _Refusal("400 Bad Request", str(exc)) from None
        logger.debug("webhook %s received on %s", type(callback).__name__, path)
        return callback

    def _read_body(self, environ: WSGIEnvironment) -> bytes:
        """The raw body: exactly CONTENT_LENGTH bytes, never more than max_body."""
        text = str(environ.get("CONTENT_LENGTH") or "").strip()
        if not text and not environ.get("wsgi.input_terminated"):
            raise _Refusal("411 Length Required", "Content-Length is required")
        if text and not (text.isascii() and text.isdigit()):
            raise _Refusal("400 Bad Request", f"invalid Content-Length {text!r}")
        length = int(text) if text else self.max_body + 1  # chunked: the server marks EOF
        if length > self.max_body and text:
            raise _Refusal("413 Content Too Large", f"body over {self.max_body} bytes")
        body = _read_at_most(environ["wsgi.input"], length)
        if len(body) > self.max_body:
            raise _Refusal("413 Content Too Large", f"body over {self.max_body} bytes")
        if text and len(body) < length:
            raise _Refusal("400 Bad Request", "body shorter than Content-Length")
        return body

    def _verify(self, environ: WSGIEnvironment, path: str, body: bytes, key: KeyInput) -> None:
        """Rebuild the signed request line from the environ and verify; 401 on failure."""
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI")  # gunicorn / uWSGI
        if not (isinstance(target, str) and target.startswith("/")):
            # PATH_INFO is unquoted and latin-1 decoded (PEP 3333): undo both.
            target = quote(path, safe=_PATH_SAFE, encoding="latin-1")
            query = environ.get("QUERY_STRING")
            target += f"?{query}" if query else ""
        headers = {k[5:].replace("_", "-"): str(v) for k, v in environ.items() if k[:5] == "HTTP_"}
        try:
            verify_signature(
                method=environ["REQUEST_METHOD"],
                path=target,
                headers=headers,
                body=body,
                public_key=key,
                http_version=environ.get("SERVER_PROTOCOL") or "HTTP/1.1",
                expected_key_id=self.expected_key_id,
                max_age=self.max_age,
                now=self.now,
            )
        except WebhookSignatureError as exc:
            logger.warning("webhook on %s rejected: %s", path, exc.reason)
            raise _Refusal("401 Unauthorized", "signature verification failed") from None


def _respond(
    start_response: StartResponse, status: str, answer: object, extra: Iterable[Any] = ()
) -> list[bytes]:
    body = json.dumps(answer).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(status, [*headers, *extra])
    return [body]


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
