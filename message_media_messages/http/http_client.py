"""HttpClient: the official 2.x module path, kept importable; it has no role here."""

from __future__ import annotations

from typing import Any

INSTEAD = (
    "{name} (official SDK 2.x) is not used by this SDK: every client owns one pooled "
    "transport. Set timeouts, retries, TLS and proxies on the client instead: "
    "MessageMediaMessagesClient(key, secret, timeout=30, max_retries=3, verify=..., "
    "proxies=...), or pass retry_policy=RetryPolicy(...)"
)


class HttpClient:
    """Kept so that `from message_media_messages.http.http_client import HttpClient`
    still imports.

    Instead: the settings of `MessageMediaMessagesClient` (`timeout`, `max_retries`,
    `retry_policy`, `verify`, `proxies`, `pool_maxsize`). Creating one raises `NotImplementedError`
    saying so, rather than silently ignoring the settings given to it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(INSTEAD.format(name=type(self).__name__))
