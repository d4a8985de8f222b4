"""Redaction: the one place that decides what of a request or URL may never be shown."""

from __future__ import annotations

import re
from collections.abc import Mapping

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})

# scheme://user:password@ -- the password part of a URL's userinfo, anywhere in a text.
_USERINFO_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/?#@]*):[^\s/?#]*@")


def redact_url(text: str) -> str:
    """The text with the password of every URL's userinfo replaced by `***`.

    `https://user:pw@host/x` becomes `https://user:***@host/x`; a URL without a
    password, and any other text, is returned unchanged.
    """
    return _USERINFO_PASSWORD.sub(r"\1:***@", text)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of `headers` with every credential-bearing value (Basic token, HMAC
    signature, proxy credentials) replaced whole by `[redacted]`."""
    return {
        name: REDACTED if name.lower() in SECRET_HEADERS else value
        for name, value in headers.items()
    }
