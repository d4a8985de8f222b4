"""RequestsClient: the official 2.x module path, kept importable; it has no role here."""

from __future__ import annotations

from .http_client import HttpClient


class RequestsClient(HttpClient):
    """Kept so that `from message_media_messages.http.requests_client import
    RequestsClient` still imports.

    Instead of `RequestsClient(timeout=60, max_retries=..., retry_interval=...)`, give
    the client its settings: `MessageMediaMessagesClient(key, secret, timeout=60,
    max_retries=3)`, or `retry_policy=RetryPolicy(...)` for the backoff. Creating one
    raises `NotImplementedError` saying so (a silently ignored timeout would be worse).
    """
