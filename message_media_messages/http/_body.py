"""Headers as the transport sends them (checked, identity asked for); bodies as it reads them."""

from __future__ import annotations

from typing import Any

from ..configuration import check_header_value

_CHUNK = 64 * 1024  # bytes read at a time from a body of unknown length


def check_headers(headers: dict[str, Any]) -> None:
    """Refuse, naming the header, what http.client would refuse quoting the value.

    Its `ValueError: Invalid header value b'...'` would carry an `Authorization`
    value (key, HMAC signature) into error texts, logs, ledgers and journals.
    """
    try:  # the usual case, all printable ASCII: one pass over every value at once
        joined = " ".join(headers.values())
        if joined.isascii() and joined.isprintable():  # ASCII printable: U+0020-U+007E
            return
    except TypeError:  # a value that is not text (bytes, int): checked one by one below
        pass
    for name, value in headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        check_header_value(f"the {name} header", str(text) if isinstance(text, int) else text)


def wire_headers(headers: dict[str, str]) -> dict[str, str]:
    """The request's headers, asking for the body as it is: no content encoding is decoded."""
    wire = {name: value for name, value in headers.items() if name.lower() != "accept-encoding"}
    wire["Accept-Encoding"] = "identity"
    return wire


def encoding_refusal(encoding: str | None) -> str | None:
    """Why a body in this `Content-Encoding` is refused, or None for identity (or none)."""
    if not encoding or encoding == "identity":
        return None
    codings = [c.strip().lower() for c in encoding.split(",")]
    if all(coding in ("", "identity") for coding in codings):
        return None
    return (
        f"the response body is encoded ({encoding!r:.60}) though only identity was "
        "asked for; not decoded"
    )


def bounded_body(raw: Any, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` bytes (never reading past limit + 1)."""
    length = raw.length_remaining  # from Content-Length; None when unknown
    if length is not None:
        return bytes(raw.read(decode_content=False)) if length <= limit else None
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = raw.read(min(_CHUNK, limit + 1 - size), decode_content=False)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return None
