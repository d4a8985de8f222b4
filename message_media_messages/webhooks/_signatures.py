"""Verify the RSA signature of MessageMedia's signed ("Enterprise") webhooks."""

from __future__ import annotations

import base64
import binascii
import functools
import time
from collections.abc import Callable, Mapping
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from ..exceptions.api_exception import WebhookSignatureError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["DIGEST_TYPES", "WebhookSignatureError", "load_public_key", "verify_signature"]

DIGEST_TYPES = frozenset({"SHA224", "SHA256", "SHA512"})
_INSTALL_HINT = 'signed webhooks need cryptography: pip install "message-media-messages[webhooks]"'


KeyInput = str | bytes | bytearray | memoryview


def load_public_key(public_key: KeyInput) -> RSAPublicKey:
    """Load base64 DER SPKI (MessageMedia's form), PEM, or raw DER bytes as an RSA key.

    Text must be encodable as UTF-8; bytes may come as `bytes`, `bytearray` or
    `memoryview`. Cached, so a receiver checks its key once and reuses it per request.

    Raises:
        WebhookSignatureError: The key is of another type, not encodable, malformed or
            not RSA.
        ImportError: `cryptography` (the `webhooks` extra) is not installed.
    """
    return _load_key_bytes(_key_bytes(public_key))


def _key_bytes(public_key: object) -> bytes:
    """The key as immutable bytes (hashable for the cache), or a typed refusal."""
    if isinstance(public_key, str):
        try:
            return public_key.encode("utf-8")
        except UnicodeEncodeError:
            raise WebhookSignatureError("malformed public key: not valid Unicode") from None
    if isinstance(public_key, (bytes, bytearray, memoryview)):
        return bytes(public_key)
    raise WebhookSignatureError(f"public key must be str or bytes, not {type(public_key).__name__}")


@functools.lru_cache(maxsize=16)
def _load_key_bytes(raw: bytes) -> RSAPublicKey:
    try:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    if not raw.strip():
        raise WebhookSignatureError("malformed public key: it is empty")
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
    """Reject a Date header further than `max_age` seconds from `now()` (either way)."""
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
    public_key: KeyInput,
    http_version: str = "HTTP/1.1",
    expected_key_id: str | None = None,
    max_age: float | None = None,
    now: Callable[[], float] = time.time,
) -> None:
    """Check a signed ("Enterprise") webhook as API.md section 4.3 describes.

    The signed data is the request line `f"{method} {path} {http_version}"`, the Date value and
    the raw body, concatenated; RSA PKCS#1 v1.5 with the `X-Messagemedia-Digest-Type` digest.

    Args:
        method: The request method, as received (`"POST"`).
        path: The request target as received: raw path and `?query` if any (UTF-8 if not ASCII).
        headers: The request headers (names in any case).
        body: The raw body bytes (never a re-serialised parse).
        public_key: The key as MessageMedia returns it (base64 DER SPKI), or PEM; str or bytes.
        http_version: The request's protocol, e.g. `"HTTP/1.1"`.
        expected_key_id: If set, `X-Messagemedia-Key-Id` must equal it.
        max_age: Replay protection, off by default: reject a Date more than this many seconds
            from `now()`; retries may keep their first Date (undocumented), so allow for them.
        now: Clock returning POSIX seconds, for `max_age`.

    Raises:
        WebhookSignatureError: A header is missing or unsupported, the signature or key is
            malformed, the Date is too old, or the signature does not match.
        ImportError: `cryptography` (the `webhooks` extra) is not installed.
    """
    key = load_public_key(public_key)
    digest, date, signature = _signed_headers(headers, expected_key_id)
    if max_age is not None:
        _check_age(date, max_age, now)
    data = _signed_data(f"{method} {path} {http_version}{date}", body)
    _verify_rsa(key, signature, data, digest)


def _signed_data(line: str, body: bytes) -> bytes:
    """What MessageMedia signs: request line and Date (as UTF-8), then the raw body."""
    try:
        return line.encode() + bytes(body)
    except UnicodeEncodeError:
        raise WebhookSignatureError("request line or Date cannot be encoded") from None


def _verify_rsa(key: RSAPublicKey, signature: bytes, data: bytes, digest: str) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    algorithm = {"SHA224": hashes.SHA224(), "SHA256": hashes.SHA256(), "SHA512": hashes.SHA512()}
    try:
        key.verify(signature, data, padding.PKCS1v15(), algorithm[digest])
    except InvalidSignature:
        raise WebhookSignatureError("signature does not match the request") from None
