"""A hardened, drop-in Python SDK for the MessageMedia Messages REST API.

Public names are imported on first use, so `import message_media_messages.sandbox`
(standard library only) does not pull in requests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .configuration import SDK_VERSION as __version__

if TYPE_CHECKING:
    from .configuration import Configuration
    from .exceptions import (
        APIConnectionError,
        APIException,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        MessageMediaError,
        NotFoundError,
        RateLimitError,
        SendMessages400ResponseException,
        ServerError,
        TransportError,
        UnexpectedResponseError,
        ValidationError,
    )
    from .http.retry import RetryPolicy
    from .message_media_messages_client import MessageMediaMessagesClient
    from .models import (
        CancelScheduledMessageRequest,
        ConfirmDeliveryReportsAsReceivedRequest,
        ConfirmRepliesAsReceivedRequest,
        DeliveryReport,
        FormatEnum,
        Message,
        Reply,
        SendMessagesRequest,
        SourceNumberTypeEnum,
        StatusEnum,
    )
    from .sandbox import SandboxServer

_HOMES = {
    "Configuration": "configuration",
    "MessageMediaMessagesClient": "message_media_messages_client",
    "RetryPolicy": "http.retry",
    "SandboxServer": "sandbox",
    **dict.fromkeys(
        [
            "APIConnectionError",
            "APIException",
            "APITimeoutError",
            "AuthenticationError",
            "BadRequestError",
            "ConfigurationError",
            "MessageMediaError",
            "NotFoundError",
            "RateLimitError",
            "SendMessages400ResponseException",
            "ServerError",
            "TransportError",
            "UnexpectedResponseError",
            "ValidationError",
        ],
        "exceptions",
    ),
    **dict.fromkeys(
        [
            "CancelScheduledMessageRequest",
            "ConfirmDeliveryReportsAsReceivedRequest",
            "ConfirmRepliesAsReceivedRequest",
            "DeliveryReport",
            "FormatEnum",
            "Message",
            "Reply",
            "SendMessagesRequest",
            "SourceNumberTypeEnum",
            "StatusEnum",
        ],
        "models",
    ),
}

__all__ = ["__version__", *sorted(_HOMES)]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
