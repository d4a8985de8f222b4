"""A hardened, drop-in Python SDK for the MessageMedia Messages REST API.

Public names are imported on first use, so `import message_media_messages.sandbox`
(standard library only) does not pull in requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .configuration import SDK_VERSION as __version__
from .models._lazy import lazy_names

if TYPE_CHECKING:
    from .batch import BatchResult as BatchResult
    from .batch import BatchRow as BatchRow
    from .configuration import Configuration as Configuration
    from .exceptions import (
        APIConnectionError as APIConnectionError,
    )
    from .exceptions import (
        APIException as APIException,
    )
    from .exceptions import (
        APITimeoutError as APITimeoutError,
    )
    from .exceptions import (
        AuthenticationError as AuthenticationError,
    )
    from .exceptions import (
        BadRequestError as BadRequestError,
    )
    from .exceptions import (
        ConfigurationError as ConfigurationError,
    )
    from .exceptions import JournalError as JournalError
    from .exceptions import JournalLockedError as JournalLockedError
    from .exceptions import JournalMismatchError as JournalMismatchError
    from .exceptions import JournalUnusableError as JournalUnusableError
    from .exceptions import JournalWriteError as JournalWriteError
    from .exceptions import (
        MessageMediaError as MessageMediaError,
    )
    from .exceptions import (
        NotFoundError as NotFoundError,
    )
    from .exceptions import (
        RateLimitError as RateLimitError,
    )
    from .exceptions import (
        SendMessages400ResponseException as SendMessages400ResponseException,
    )
    from .exceptions import (
        ServerError as ServerError,
    )
    from .exceptions import (
        TransportError as TransportError,
    )
    from .exceptions import (
        UnexpectedResponseError as UnexpectedResponseError,
    )
    from .exceptions import (
        ValidationError as ValidationError,
    )
    from .http.retry import RetryPolicy as RetryPolicy
    from .message_media_messages_client import (
        MessageMediaMessagesClient as MessageMediaMessagesClient,
    )
    from .models import (
        CancelScheduledMessageRequest as CancelScheduledMessageRequest,
    )
    from .models import (
        ConfirmDeliveryReportsAsReceivedRequest as ConfirmDeliveryReportsAsReceivedRequest,
    )
    from .models import (
        ConfirmRepliesAsReceivedRequest as ConfirmRepliesAsReceivedRequest,
    )
    from .models import (
        DeliveryReport as DeliveryReport,
    )
    from .models import (
        FormatEnum as FormatEnum,
    )
    from .models import (
        Message as Message,
    )
    from .models import (
        Reply as Reply,
    )
    from .models import (
        SendMessagesRequest as SendMessagesRequest,
    )
    from .models import (
        SourceNumberTypeEnum as SourceNumberTypeEnum,
    )
    from .models import (
        StatusEnum as StatusEnum,
    )
    from .sandbox import SandboxServer as SandboxServer

_HOMES = {
    "Configuration": "configuration",
    "MessageMediaMessagesClient": "message_media_messages_client",
    "RetryPolicy": "http.retry",
    "SandboxServer": "sandbox",
    "BatchResult": "batch",
    "BatchRow": "batch",
    **dict.fromkeys(
        [
            "APIConnectionError",
            "APIException",
            "APITimeoutError",
            "AuthenticationError",
            "BadRequestError",
            "ConfigurationError",
            "JournalError",
            "JournalLockedError",
            "JournalMismatchError",
            "JournalUnusableError",
            "JournalWriteError",
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


__getattr__ = lazy_names(__name__, _HOMES)
