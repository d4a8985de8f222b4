"""HttpMethodEnum: the HTTP method names (official 2.x path)."""

from __future__ import annotations


class HttpMethodEnum:
    """HTTP methods as plain string constants, as in the official SDK."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"

    @classmethod
    def to_string(cls, value: str) -> str | None:
        """The constant's name for `value`, or None."""
        return next((name for name in _METHODS if getattr(cls, name) == value), None)

    @classmethod
    def from_string(cls, name: str) -> str | None:
        """The constant named `name` (any case), or None."""
        upper = name.upper()
        return getattr(cls, upper) if upper in _METHODS else None


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
