"""HttpRequest: the plain data of one request, built once and signed as sent."""

from __future__ import annotations

import copy

from ._redaction import redact_headers, redact_url


class HttpRequest:
    """One HTTP request, exactly as it goes on the wire.

    Attributes:
        http_method: "GET", "POST" or "PUT".
        path: the path sent and signed, e.g. "/v1/messages".
        headers: request headers (never logged).
        body: the exact body bytes, or None.
        origin: the scheme, host and port the request goes to, e.g.
            "https://api.messagemedia.com".
        query_url: the full URL (2.x attribute name), built when read.
    """

    __slots__ = ("_query_url", "body", "headers", "http_method", "origin", "path")

    def __init__(
        self,
        http_method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        query_url: str = "",
        *,
        origin: str = "",
    ) -> None:
        self.http_method = http_method
        self.path = path
        self.headers = {} if headers is None else headers
        self.body = body
        self.origin = origin
        self._query_url = query_url  # as given (2.x code may set it), else built when read

    @property
    def query_url(self) -> str:
        """The full URL (2.x attribute): the origin and the path, unless one was set."""
        return self._query_url or self.origin + self.path

    @query_url.setter
    def query_url(self, url: str) -> None:
        self._query_url = url

    @property
    def parameters(self) -> str | None:
        """The body as text, or None (2.x attribute: the official SDK kept the JSON here)."""
        return None if self.body is None else self.body.decode("utf-8", "replace")

    @property
    def query_parameters(self) -> dict[str, str]:
        """Always empty: no endpoint takes query parameters (2.x attribute)."""
        return {}

    @property
    def files(self) -> dict[str, object]:
        """Always empty: no endpoint uploads files (2.x attribute)."""
        return {}

    def add_header(self, name: str, value: str) -> None:
        """Set a header (2.x method name)."""
        self.headers[name] = value

    def redacted(self) -> HttpRequest:
        """A copy safe to keep, show or pickle: credential headers and URL passwords masked."""
        kept = copy.copy(self)
        kept.headers = redact_headers(self.headers)
        kept.origin = redact_url(self.origin)
        kept._query_url = redact_url(self._query_url)
        return kept

    def __repr__(self) -> str:
        size = 0 if self.body is None else len(self.body)
        return f"HttpRequest({self.http_method} {self.path}, {size} body bytes)"
