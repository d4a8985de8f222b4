"""Plain request/response values and the API's JSON error bodies."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

__all__ = [
    "GENERIC_400",
    "ApiRequest",
    "ApiResponse",
    "auth_failure",
    "empty_response",
    "error_response",
    "json_response",
    "not_found",
]

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
GENERIC_400 = "Request failed to parse correctly. Please ensure input is valid and try again."


@dataclass(frozen=True)
class ApiRequest:
    """One parsed HTTP request, independent of the socket it came from.

    Attributes:
        method: Upper-case HTTP method.
        target: The request target exactly as on the request line.
        path: The path part of the target (no query string).
        headers: Header values keyed by lower-case name (last one wins).
        raw_headers: Header (name, value) pairs as sent, in order.
        body: The exact body bytes (empty when none).
        has_length: Whether the request carried a Content-Length header.
    """

    method: str
    target: str
    path: str
    headers: Mapping[str, str]
    raw_headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    has_length: bool = True


@dataclass(frozen=True)
class ApiResponse:
    """A response before it is written: status, body bytes and extra headers."""

    status: int
    body: bytes = b""
    content_type: str | None = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = field(default=())

    def render(self, date: str, close: bool, server: str = "MessageMediaSandbox") -> bytes:
        """Serialize to the bytes of an HTTP/1.1 response.

        Args:
            date: Value of the `Date` header.
            close: Add `Connection: close` (the server closes after writing).
            server: Value of the `Server` header.

        Returns:
            Status line, headers, blank line and body, ready for a single write.
        """
        try:
            reason = HTTPStatus(self.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {self.status} {reason}", f"Server: {server}", f"Date: {date}"]
        if self.content_type is not None:
            lines.append(f"Content-Type: {self.content_type}")
        lines.append(f"Content-Length: {len(self.body)}")
        lines.extend(f"{name}: {value}" for name, value in self.headers)
        if close:
            lines.append("Connection: close")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("latin-1") + self.body


def json_response(
    status: int, payload: object, headers: Sequence[tuple[str, str]] = ()
) -> ApiResponse:
    """Build a JSON response (compact, UTF-8).

    Args:
        status: HTTP status code.
        payload: Any JSON-serializable value.
        headers: Extra (name, value) headers.

    Returns:
        The response.
    """
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return ApiResponse(status, body, JSON_TYPE, tuple(headers))


def error_response(
    status: int,
    message: str,
    details: Sequence[str] | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> ApiResponse:
    """Build the API's error body `{"message": ..., "details": [...]}`.

    Args:
        status: HTTP status code.
        message: The `message` field.
        details: The `details` list; omitted from the body when None.
        headers: Extra (name, value) headers.

    Returns:
        The response.
    """
    payload: dict[str, Any] = {"message": message}
    if details is not None:
        payload["details"] = list(details)
    return json_response(status, payload, headers)


def empty_response(status: int) -> ApiResponse:
    """Build a response with an empty body (the 202 of the confirm endpoints).

    Args:
        status: HTTP status code.

    Returns:
        The response, declared `text/plain` as in the OpenAPI spec.
    """
    return ApiResponse(status, b"", TEXT_TYPE)


def not_found() -> ApiResponse:
    """Return the API's 404 `{"message": "Resource not found."}`."""
    return error_response(404, "Resource not found.")


def auth_failure(reason: str, authenticated: bool = False) -> ApiResponse:
    """Return the API's refusal body `{"message": "Invalid authentication credentials"}`.

    Args:
        reason: Why the request was refused (never a secret or an expected signature),
            sent as the only detail.
        authenticated: The credentials were good but may not act as the requested
            `Account`: 403, as the official 1.1.0 tests expect for an unknown account.
            Otherwise (missing, malformed or wrong credentials) 401, as the 2026 spec
            documents for every operation.

    Returns:
        The response.
    """
    status = 403 if authenticated else 401
    return error_response(status, "Invalid authentication credentials", [reason])
