"""HttpContext: a request paired with its response (2.x name)."""

from __future__ import annotations

from .http_request import HttpRequest
from .http_response import HttpResponse


class HttpContext:
    """The request that was sent and the response that came back."""

    __slots__ = ("request", "response")

    def __init__(self, request: HttpRequest, response: HttpResponse) -> None:
        self.request = request
        self.response = response

    def __repr__(self) -> str:
        return f"HttpContext({self.request!r}, {self.response!r})"
