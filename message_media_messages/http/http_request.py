"""HttpRequest: the plain data of one request, built once and signed as sent."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HttpRequest:
    """One HTTP request, exactly as it goes on the wire.

    Attributes:
        http_method: "GET", "POST" or "PUT".
        path: the path sent and signed, e.g. "/v1/messages".
        headers: request headers (never logged).
        body: the exact body bytes, or None.
        query_url: the full URL (2.x attribute name).
    """

    http_method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    query_url: str = ""

    def add_header(self, name: str, value: str) -> None:
        """Set a header (2.x method name)."""
        self.headers[name] = value

    def __repr__(self) -> str:
        size = 0 if self.body is None else len(self.body)
        return f"HttpRequest({self.http_method} {self.path}, {size} body bytes)"
