"""The I/O-free decisions of the webhook receivers: what to read, what to answer, and why."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass

from ..exceptions.api_exception import ConfigurationError
from ._payloads import Callback, WebhookPayloadError, parse_callback
from ._signatures import KeyInput, WebhookSignatureError, load_public_key, verify_signature

__all__ = ["PATH_SAFE", "Answer", "Receiver", "Refusal", "RequestHead", "handled", "handler_failed"]

# The name the receiver logged under when it lived in `webhooks`: keep users' log config working.
logger = logging.getLogger("message_media_messages.webhooks")

# RFC 3986 pchar delimiters: servers hand the path over unquoted, so re-quote everything else.
PATH_SAFE = "/:@!$&'()*+,;="


@dataclass(frozen=True)
class Answer:
    """One JSON answer of a receiver, as both the WSGI and the ASGI app send it."""

    status: int
    reason: str
    body: bytes
    headers: tuple[tuple[str, str], ...]

    @property
    def status_line(self) -> str:
        """`"413 Content Too Large"`: the WSGI form of the status."""
        return f"{self.status} {self.reason}"


def _answer(status: int, reason: str, payload: object, *extra: tuple[str, str]) -> Answer:
    body = json.dumps(payload).encode()
    headers = (("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra)
    return Answer(status, reason, body, headers)


_HANDLED = _answer(200, "OK", {"ok": True})
_FAILED = _answer(500, "Internal Server Error", {"ok": False, "error": "handler failed"})


def handled() -> Answer:
    """The answer once the handler returned: 200 `{"ok": true}`."""
    return _HANDLED


def handler_failed() -> Answer:
    """Log the handler's exception (call it in the `except` block) and answer 500."""
    logger.exception("webhook handler failed; answering 500 so the sender retries")
    return _FAILED


class Refusal(Exception):
    """An early non-200 answer of a receiver (internal control flow)."""

    def __init__(self, status: int, reason: str, error: str, *extra: tuple[str, str]) -> None:
        super().__init__(error)
        self.answer = _answer(status, reason, {"ok": False, "error": error}, *extra)


@dataclass(frozen=True)
class RequestHead:
    """What a server tells about a request before its body, in one form for WSGI and ASGI.

    Attributes:
        method: The request method.
        path: The full path, mount point included, decoded (compared with `path`).
        target: The request target as received: raw path and `?query` (the signed one).
        http_version: The protocol, e.g. `"HTTP/1.1"`.
        headers: The request headers (names in any case).
        content_length: The Content-Length value, `""` if there is none.
        terminated: The server marks the end of a body sent without a length (chunked).
    """

    method: str
    path: str
    target: str
    http_version: str
    headers: Mapping[str, str]
    content_length: str
    terminated: bool


@dataclass(frozen=True)
class Receiver:
    """The settings and decisions both receivers share (the apps add the handler and the I/O).

    Raises:
        ConfigurationError: `public_key` cannot be loaded, or `max_body` is negative.
        ImportError: `public_key` is set and `cryptography` is not installed.
    """

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

    def read_limit(self, head: RequestHead) -> int:
        """Check path, method and Content-Length; return how many body bytes to read at most.

        Raises:
            Refusal: 404, 405, 411, 400 (bad Content-Length) or 413 (declared too large).
        """
        if self.path is not None and head.path != self.path:
            raise Refusal(404, "Not Found", "not found")
        if head.method != "POST":
            raise Refusal(405, "Method Not Allowed", "only POST is allowed", ("Allow", "POST"))
        text = head.content_length.strip()
        if not text:
            if not head.terminated:
                raise Refusal(411, "Length Required", "Content-Length is required")
            return self.max_body + 1  # the server marks EOF: one byte more tells "too large"
        if not (text.isascii() and text.isdigit()):
            raise Refusal(400, "Bad Request", f"invalid Content-Length {text!r}")
        if int(text) > self.max_body:
            raise self._too_large()
        return int(text)

    def callback_of(self, head: RequestHead, body: bytes) -> Callback:
        """Check the body read (at most `read_limit` bytes) and its signature; parse it.

        Raises:
            Refusal: 413 (over `max_body`), 400 (short body or bad payload) or 401.
        """
        if len(body) > self.max_body:
            raise self._too_large()
        text = head.content_length.strip()
        if text and len(body) < int(text):
            raise Refusal(400, "Bad Request", "body shorter than Content-Length")
        if self.public_key is not None:
            self._verify(head, body, self.public_key)
        try:
            callback = parse_callback(body)
        except WebhookPayloadError as exc:
            raise Refusal(400, "Bad Request", str(exc)) from None
        logger.debug("webhook %s received on %s", type(callback).__name__, head.path)
        return callback

    def _too_large(self) -> Refusal:
        return Refusal(413, "Content Too Large", f"body over {self.max_body} bytes")

    def _verify(self, head: RequestHead, body: bytes, key: KeyInput) -> None:
        """Verify the signature over the request as received; 401 on failure."""
        try:
            verify_signature(
                method=head.method,
                path=head.target,
                headers=head.headers,
                body=body,
                public_key=key,
                http_version=head.http_version,
                expected_key_id=self.expected_key_id,
                max_age=self.max_age,
                now=self.now,
            )
        except WebhookSignatureError as exc:
            logger.warning("webhook on %s rejected: %s", head.path, exc.reason)
            raise Refusal(401, "Unauthorized", "signature verification failed") from None
