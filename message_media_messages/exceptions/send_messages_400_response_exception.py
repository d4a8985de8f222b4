"""The 400 raised by a send, kept under its official 2.x name and module path."""

from __future__ import annotations

from .api_exception import BadRequestError


class SendMessages400ResponseException(BadRequestError):
    """HTTP 400 on send: no message of the request was sent.

    Attributes:
        message: the server's `message` (as in 2.x); `details` lists each problem.
    """
