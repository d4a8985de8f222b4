"""Verify MessageMedia's signed webhooks and parse delivery-report and reply callbacks."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import KW_ONLY, dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar
from urllib.parse import quote

from .exceptions.api_exception import ConfigurationError, MessageMediaError
from .models.delivery_report import DeliveryReport
from .models.reply import Reply

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["DIGEST_TYPES", "WebhookApp", "WebhookPayloadError", "WebhookSignatureError"]
__all__ += ["make_wsgi_app", "parse_callback", "parse_delivery_report", "parse_reply"]
__all__ += ["verify_signature"]

logger = logging.getLogger("message_media_messages.webhooks")

Body: TypeAlias = "bytes | str | Mapping[str, Any]"
Callback: TypeAlias = "DeliveryReport | Reply"
Handler: TypeAlias = "Callable[[DeliveryReport | Reply], object]"
_M = TypeVar("_M", DeliveryReport, Reply)

DIGEST_TYPES = frozenset({"SHA224", "SHA256", "SHA512"})
_INSTALL_HINT = 'signed webhooks need cryptography: pip install "message-media-messages[webhooks]"'
# RFC 3986 pchar delimiters: WSGI servers unquote PATH_INFO, so re-quote everything else.
_PATH_SAFE = "/:@!$&'()*+,;="


class WebhookSignatureError(MessageMediaError):
    """A webhook's signature is missing, malformed or does not match.

    Attributes:
        reason: Why the request was rejected.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"webhook signature rejected: {reason}")


class WebhookPayloadError(MessageMediaError, ValueError):
    """A webhook body is not JSON, or not a delivery report / reply object."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _decode(body: Body) -> Mapping[str, Any]:
    """Return the body as a JSON object, raising WebhookPayloadError for anything else."""
    if isinstance(body, Mapping):
        return body
    if not isinstance(body, (bytes, str)):
        raise WebhookPayloadError(f"expected bytes, str or a mapping, got {type(body).__name__}")
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise WebhookPayloadError(f"body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _build(model: type[_M], data: Mapping[str, Any], id_key: str) -> _M:
    """Build ``model`` from ``data``, which must carry a string ``id_key``."""
    if not isinstance(data.get(id_key), str) or not data[id_key]:
        raise WebhookPayloadError(f"{model.__name__} payload needs a non-empty string {id_key!r}")
    try:
        return model.from_dictionary(data)
    except (TypeError, ValueError, OverflowError) as exc:
        raise WebhookPayloadError(f"malformed {model.__name__} payload: {exc}") from None


def parse_delivery_report(body: Body) -> DeliveryReport:
    """Parse a delivery-report callback; unknown keys go to ``additional_properties``.

    Args:
        body: The raw request body (bytes or str) or an already decoded JSON object.

    Raises:
        WebhookPayloadError: Not a JSON object, no string ``delivery_report_id``, or a
            field of the wrong type.
    """
    return _build(DeliveryReport, _decode(body), "delivery_report_id")


def parse_reply(body: Body) -> Reply:
    """Parse a reply callback; unknown keys go to ``additional_properties``.

    Args:
        body: The raw request body (bytes or str) or an already decoded JSON object.

    Raises:
        WebhookPayloadError: Not a JSON object, no string ``reply_id``, or a field of the
            wrong type.
    """
    return _build(Reply, _decode(body), "reply_id")


def parse_callback(body: Body) -> Callback:
    """Parse either callback kind, told apart by ``delivery_report_id`` vs ``reply_id``.

    Args:
        body: The raw request body (bytes or str) or an already decoded JSON object.

    Raises:
        WebhookPayloadError: As the parse functions, or if the object has both ids or neither.
    """
    data = _decode(body)
    is_report, is_reply = "delivery_report_id" in data, "reply_id" in data
    if is_report == is_reply:
        which = "both" if is_report else "neither"
        raise WebhookPayloadError(f"payload has {which} of 'delivery_report_id' and 'reply_id'")
    if is_report:
        return _build(DeliveryReport, data, "delivery_report_id")
    return _build(Reply, data, "reply_id")


@functools.lru_cache(maxsize=16)
def _load_public_key(public_key: str | bytes) -> RSAPublicKey:
    """Load base64 DER SPKI (MessageMedia's form), PEM, or raw DER bytes as an RSA key."""
    try:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    raw = public_key.encode("utf-8") if isinstance(public_key, str) else bytes(public_key)
    try:
        if b"-----BEGIN" in raw:
            key = serialization.load_pem_public_key(raw.strip())
        else:
            try:
                der = base64.b64decode(b"".join(raw.split()), validate=True)
            except binascii.Error:
                der = raw  # not base64 text: try it as raw DER
            key = serialization.load_der_public_key(der)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise WebhookSignatureError(f"malformed public key: {exc}") from None
    if not isinstance(key, RSAPublicKey):
        raise WebhookSignatureError(f"public key is {type(key).__name__}, not RSA")
    return key


def _check_age(date: str, max_age: float, now: Callable[[], float]) -> None:
    """Reject a Date header further than ``max_age`` seconds from ``now()`` (either way)."""
    try:
        sent = parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError):
        raise WebhookSignatureError(f"Date header {date!r} is not an HTTP date") from None
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=timezone.utc)
    age = now() - sent.timestamp()
    if abs(age) > max_age:
        raise WebhookSignatureError(f"Date is {age:.0f} s from now; max_age is {max_age:g} s")


def _signed_headers(headers: Mapping[str, str], key_id: str | None) -> tuple[str, str, bytes]:
    """Check the X-Messagemedia-* headers; return (digest type, Date, decoded signature)."""
    found = {name.lower(): value for name, value in headers.items()}
    for name in ("X-Messagemedia-Signature", "X-Messagemedia-Digest-Type", "Date"):
        if not found.get(name.lower()):
            raise WebhookSignatureError(f"missing {name} header")
    cipher = found.get("x-messagemedia-cipher-type")
    if cipher is not None and cipher.strip().upper() != "RSA":
        raise WebhookSignatureError(f"unsupported X-Messagemedia-Cipher-Type {cipher!r}")
    digest = found["x-messagemedia-digest-type"].strip().upper()
    if digest not in DIGEST_TYPES:
        raise WebhookSignatureError(f"unsupported X-Messagemedia-Digest-Type {digest!r}")
    if key_id is not None and found.get("x-messagemedia-key-id") != key_id:
        raise WebhookSignatureError(f"X-Messagemedia-Key-Id is not {key_id!r}")
    try:
        signature = base64.b64decode(found["x-messagemedia-signature"].strip(), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSignatureError("X-Messagemedia-Signature is not valid base64") from None
    return digest, found["date"], signature


def verify_signature(
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    public_key: str | bytes,
    http_version: str = "HTTP/1.1",
    expected_key_id: str | None = None,
    max_age: float | None = None,
    now: Callable[[], float] = time.time,
) -> None:
    """Check a signed ("Enterprise") webhook as API.md section 4.3 describes.

    The signed data is ``f"{method} {path} {http_version}"``, the Date header value and the
    raw body, concatenated without separators; the signature is RSA PKCS#1 v1.5 with the
    digest named in ``X-Messagemedia-Digest-Type``. Header names are case-insensitive.

    Args:
        method: The request method, as received (``"POST"``).
        path: The request target as received: raw path plus ``?query`` if any (text
            outside ASCII is encoded as UTF-8).
        headers: The request headers.
        body: The raw body bytes (never a re-serialised parse).
        public_key: The key's ``public_key`` as MessageMedia returns it (base64 DER
            SubjectPublicKeyInfo), or PEM text.
        http_version: The request's protocol, e.g. ``"HTTP/1.1"``.
        expected_key_id: If set, ``X-Messagemedia-Key-Id`` must equal it.
        max_age: Replay protection, off by default: if set, reject a Date more than this
            many seconds away from ``now()``. MessageMedia does not document whether retries
            are re-signed with a fresh Date, so choose it above the retry horizon.
        now: Clock returning POSIX seconds, for ``max_age``.

    Raises:
        WebhookSignatureError: A header is missing or unsupported, the signature or key is
            malformed, the Date is too old, or the signature does not match.
        ImportError: ``cryptography`` (the ``webhooks`` extra) is not installed.
    """
    key = _load_public_key(public_key)
    digest, date, signature = _signed_headers(headers, expected_key_id)
    if max_age is not None:
        _check_age(date, max_age, now)
    try:
        line = f"{method} {path} {http_version}{date}".encode()
    except UnicodeEncodeError:
        raise WebhookSignatureError("request line or Date cannot be encoded") from None
    _verify_rsa(key, signature, line + bytes(body), digest)


def _verify_rsa(key: RSAPublicKey, signature: bytes, data: bytes, digest: str) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    algorithm = {"SHA224": hashes.SHA224(), "SHA256": hashes.SHA256(), "SHA512": hashes.SHA512()}
    try:
        key.verify(signature, data, padding.PKCS1v15(), algorithm[digest])
    except InvalidSignature:
        raise WebhookSignatureError("signature does not match the request") from None


class _Refusal(Exception):
    """An early non-200 answer of the receiver (internal control flow)."""

    def __init__(self, status: str, error: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(error)
        self.status, self.error, self.headers = status, error, list(headers)


def _read_at_most(stream: Any, limit: int) -> bytes:
    """Read up to ``limit`` bytes, tolerating short reads, stopping at EOF."""
    chunks: list[bytes] = []
    while limit > 0 and (chunk := stream.read(min(limit, 65536))):
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class WebhookApp:
    """A WSGI application that receives MessageMedia callbacks and hands them to ``handler``.

    Answers (all JSON): 200 ``{"ok": true}`` once ``handler`` returned; 400 bad payload or
    Content-Length; 401 signature not verified (only when ``public_key`` is set); 404 path
    other than ``path`` (only when set); 405 not a POST; 411 no Content-Length; 413 body
    over ``max_body``; 500 ``handler`` raised (logged; MessageMedia retries non-2xx answers).

    Attributes:
        handler: Called with each parsed DeliveryReport or Reply; raise to get a retry.
        public_key: If set, require a valid signature (see ``verify_signature``).
        path: If set, the only path served, compared with SCRIPT_NAME + PATH_INFO.
        max_body: Largest accepted body, in bytes.
        expected_key_id, max_age, now: Passed to ``verify_signature`` (``max_age``, the
            replay protection, is off by default).

    Raises:
        ConfigurationError: ``public_key`` cannot be loaded, or ``max_body`` is negative.
        ImportError: ``public_key`` is set and ``cryptography`` is not installed.
    """

    handler: Handler
    _: KW_ONLY
    public_key: str | bytes | None = None
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
                _load_public_key(self.public_key)  # fail at start-up, not with 401s later
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

    def _verify(self, environ: WSGIEnvironment, path: str, body: bytes, key: str | bytes) -> None:
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
    public_key: str | bytes | None = None,
    path: str | None = None,
    max_body: int = 1 << 20,
    expected_key_id: str | None = None,
    max_age: float | None = None,
) -> WebhookApp:
    """Build the WSGI receiver of MessageMedia callbacks (arguments and answers: ``WebhookApp``).

    Raises:
        ConfigurationError: ``public_key`` cannot be loaded, or ``max_body`` is negative.
        ImportError: ``public_key`` is set and ``cryptography`` is not installed.
    """
    return WebhookApp(
        handler,
        public_key=public_key,
        path=path,
        max_body=max_body,
        expected_key_id=expected_key_id,
        max_age=max_age,
    )
