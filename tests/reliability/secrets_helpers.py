"""Shared by the secrets tests: a sandbox account with known credentials, and leak checks."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

KEY = "crlf-key-7Q2xW"
SECRET = "crlf-SECRET-9981-zz"
DEST = "+61491570156"
UNKNOWN_ID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
SIGNATURE = re.compile(r'signature="([^"]+)"')


def one_sms(content: str = "hello") -> dict[str, Any]:
    return {"messages": [{"content": content, "destination_number": DEST}]}


def basic_token(key: str, secret: str) -> str:
    return base64.b64encode(f"{key}:{secret}".encode()).decode()


class Recorder:
    """A 2.x `HttpCallBack` that records every Authorization value the client signed,
    and may add a header to each request first (as a user's gateway call-back would)."""

    def __init__(self, extra: dict[str, str] | None = None, taint: str | None = None) -> None:
        self.extra = extra or {}
        self.taint = taint  # appended to the named header's value after signing
        self.authorizations: list[str] = []

    def on_before_request(self, request: Any) -> None:
        self.authorizations.append(request.headers.get("Authorization", ""))
        request.headers.update(self.extra)
        if self.taint is not None:
            request.headers[self.taint] = request.headers[self.taint] + "\r"

    def on_after_response(self, context: Any) -> None:
        pass

    def secrets(self) -> set[str]:
        """Everything that must never be shown: key, secret, tokens, signatures."""
        signed = [a for a in self.authorizations if a]
        signatures = [m.group(1) for a in signed for m in [SIGNATURE.search(a)] if m]
        return {KEY, SECRET, basic_token(KEY, SECRET), *signed, *signatures}


def log_texts(records: Iterable[logging.LogRecord]) -> list[str]:
    """Every text a log record can turn into, tracebacks included."""
    formatter = logging.Formatter()
    texts = []
    for record in records:
        texts += [formatter.format(record), repr(record.args), str(record.msg)]
    return texts


def files_under(folder: Path) -> dict[str, bytes]:
    """Every byte of every file below `folder` (journal side files included)."""
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leaks(secrets: Iterable[str], texts: Iterable[str | bytes]) -> list[tuple[str, str]]:
    """(secret, where) for each secret found in a text (bytes are searched as UTF-8)."""
    found = []
    for text in texts:
        for secret in secrets:
            needle: str | bytes = secret.encode() if isinstance(text, bytes) else secret
            if needle in text:  # type: ignore[operator]
                found.append((secret, repr(text[:100])))
    return sorted(set(found))
