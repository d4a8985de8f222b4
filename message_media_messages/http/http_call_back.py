"""HttpCallBack: the 2.x hook called before each request and after each response."""

from __future__ import annotations

from .http_context import HttpContext
from .http_request import HttpRequest


class HttpCallBack:
    """Base class of call-backs (official 2.x path and names).

    Subclass it and set an instance as `client.http_call_back`, or on one controller
    (`client.messages.http_call_back = catcher`). `on_before_request` gets each
    `HttpRequest` once it is signed, before every attempt; `on_after_response` gets the
    final `HttpContext` (`context.response.status_code`, `.headers`, `.raw_body`).
    As in the official SDK, the base methods raise `NotImplementedError`.
    """

    def on_before_request(self, request: HttpRequest) -> None:
        """Called with the request just before it is sent."""
        raise NotImplementedError("override on_before_request in the subclass")

    def on_after_response(self, context: HttpContext) -> None:
        """Called with the request and its final response."""
        raise NotImplementedError("override on_after_response in the subclass")
