"""Basic and HMAC authentication: pure functions of (method, path, body bytes, date)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.utils import formatdate

HMAC_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
# What `from message_media_messages.http.auth import *` gives: the signing functions and,
# as the official `__all__` meant (it listed "auth_manager.py", which raised), the
# `auth_manager` submodule; never the stdlib modules imported here.
__all__ = [
    "HMAC_ALGORITHMS",
    "auth_manager",
    "basic_authorization",
    "content_md5",
    "hmac_headers",
    "hmac_signature",
    "http_date",
    "signing_string",
]


def http_date(epoch_seconds: float) -> str:
    """Format a POSIX time as an RFC 7231 `Date` value, always in GMT.

    Args:
        epoch_seconds: seconds since the epoch (time zone independent).
    """
    return formatdate(epoch_seconds, usegmt=True)


def basic_authorization(api_key: str, api_secret: str) -> str:
    """The `Authorization` value for HTTP Basic auth."""
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode("ascii")
    return "Basic " + token


def content_md5(body: bytes) -> str:
    """Lower-case hex MD5 of the exact body bytes, as the API expects in `x-Content-MD5`."""
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def signing_string(method: str, path: str, date: str, body_md5: str | None) -> str:
    """The text signed by HMAC auth (API.md §3.3), with the real request method."""
    md5_line = "" if body_md5 is None else f"x-Content-MD5: {body_md5}\n"
    return f"date: {date}\n{md5_line}{method} {path} HTTP/1.1"


def hmac_signature(secret: str, text: str, algorithm: str = "sha1") -> str:
    """Base64 of HMAC(secret, text) with the named digest ("sha1" or "sha256")."""
    digest = hmac.new(secret.encode(), text.encode(), HMAC_ALGORITHMS[algorithm]).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_headers(
    api_key: str,
    api_secret: str,
    method: str,
    path: str,
    body: bytes | None,
    date: str,
    algorithm: str = "sha1",
) -> dict[str, str]:
    """The headers that sign one request with HMAC.

    Args:
        api_key: the API key (sent as the HMAC username).
        api_secret: the API secret (the HMAC key; never sent).
        method: the real HTTP method of the request (PUT is signed as PUT).
        path: the request path as sent, without scheme, host or query.
        body: the exact body bytes sent, or None.
        date: the `Date` value, from `http_date`.
        algorithm: "sha1" (what every official SDK sends) or "sha256".

    Returns:
        `date`, `Authorization` and, with a body, `x-Content-MD5`.
    """
    headers = {"date": date}
    body_md5 = None
    if body is not None:
        body_md5 = content_md5(body)
        headers["x-Content-MD5"] = body_md5
    signature = hmac_signature(api_secret, signing_string(method, path, date, body_md5), algorithm)
    signed = "date x-Content-MD5 request-line" if body_md5 else "date request-line"
    headers["Authorization"] = (
        f'hmac username="{api_key}", algorithm="hmac-{algorithm}", '
        f'headers="{signed}", signature="{signature}"'
    )
    return headers
