"""HttpResponse: the plain data of one response."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class HttpResponse:
    """One HTTP response.

    Attributes:
        status_code: the HTTP status.
        headers: response headers (look names up in lower case; the transport's
            mapping is case-insensitive).
        content: the raw body bytes.
        refused_body: why the body was refused unread (over the size limit, or in a
            content encoding the SDK did not ask for), or None; `content` is then empty.
    """

    __slots__ = ("content", "headers", "refused_body", "status_code")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str] | None = None,
        content: bytes = b"",
        *,
        refused_body: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.headers: Mapping[str, str] = {} if headers is None else headers
        self.content = content
        self.refused_body = refused_body

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    @property
    def raw_body(self) -> str:
        """The body as text (2.x attribute name)."""
        return self.text

    def json_or_none(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if not self.content:
            return None
        try:
            return json.loads(self.content)
        except (ValueError, RecursionError):
            return None

    def __repr__(self) -> str:
        return f"HttpResponse({self.status_code}, {len(self.content)} body bytes)"
