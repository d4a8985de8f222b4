"""Response bodies as the transport reads them: asked for as they are, bounded in size."""

from __future__ import annotations

from typing import Any

_CHUNK = 64 * 1024  # bytes read at a time from a body of unknown length


def wire_headers(headers: dict[str, str]) -> dict[str, str]:
    """The request's headers, asking for the body as it is: no content encoding is decoded."""
    wire = {name: value for name, value in headers.items() if name.lower() != "accept-encoding"}
    wire["Accept-Encoding"] = "identity"
    return wire


def encoding_refusal(encoding: str | None) -> str | None:
    """Why a body in this `Content-Encoding` is refused, or None for identity (or none)."""
    codings = [c.strip().lower() for c in (encoding or "").split(",")]
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
