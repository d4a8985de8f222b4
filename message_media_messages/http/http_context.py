"""HttpContext: a request paired with its response (2.x name)."""

from __future__ import annotations

from dataclasses import dataclass

from .http_request import HttpRequest
from .http_response import HttpResponse


@dataclass
class HttpContext:
    """The request that was sent and the response that came back."""

    request: HttpRequest
    response: HttpResponse
