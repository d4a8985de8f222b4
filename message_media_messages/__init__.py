"""A hardened, drop-in Python SDK for the MessageMedia Messages REST API.

Public names are imported on first use, so `import message_media_messages.sandbox`
(standard library only) does not pull in requests. `_HOMES` is the one export table:
`__all__` and `dir()` come from it; the `TYPE_CHECKING` imports say the same to type
checkers, and a test keeps the two equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .configuration import SDK_VERSION
from .models._lazy import lazy_names

__version__ = SDK_VERSION

if TYPE_CHECKING:
    from ._async_client import (
        AsyncMessageMediaMessagesClient as AsyncMessageMediaMessagesClient,
    )
    from ._numbers import normalize_number as normalize_number
    from .batch import BatchResult as BatchResult, BatchRow as BatchRow
    from .configuration import Configuration as Configuration
    from .exceptions import (
        APIConnectionError as APIConnectionError,
        APIException as APIException,
        APITimeoutError as APITimeoutError,
        AuthenticationError as AuthenticationError,
        BadRequestError as BadRequestError,
        ConfigurationError as ConfigurationError,
        JournalError as JournalError,
        JournalLockedError as JournalLockedError,
        JournalMismatchError as JournalMismatchError,
        JournalUnusableError as JournalUnusableError,
        JournalWriteError as JournalWriteError,
        MessageMediaError as MessageMediaError,
        NotFoundError as NotFoundError,
        RateLimitError as RateLimitError,
        SendMessages400ResponseException as SendMessages400ResponseException,
        ServerError as ServerError,
        TransportError as TransportError,
        UnexpectedResponseError as UnexpectedResponseError,
        ValidationError as ValidationError,
        WebhookPayloadError as WebhookPayloadError,
        WebhookSignatureError as WebhookSignatureError,
    )
    from .http import AsyncBaseTransport as AsyncBaseTransport, BaseTransport as BaseTransport
    from .http.retry import RetryPolicy as RetryPolicy
    from .message_media_messages_client import (
        MessageMediaMessagesClient as MessageMediaMessagesClient,
    )
    from .models import (
        CancelScheduledMessageRequest as CancelScheduledMessageRequest,
        ConfirmDeliveryReportsAsReceivedRequest as ConfirmDeliveryReportsAsReceivedRequest,
        ConfirmRepliesAsReceivedRequest as ConfirmRepliesAsReceivedRequest,
        DeliveryReport as DeliveryReport,
        FormatEnum as FormatEnum,
        Message as Message,
        Reply as Reply,
        SendMessagesRequest as SendMessagesRequest,
        SourceNumberTypeEnum as SourceNumberTypeEnum,
        StatusEnum as StatusEnum,
    )
    from .sandbox import SandboxServer as SandboxServer

_EXCEPTIONS = """APIConnectionError APIException APITimeoutError AuthenticationError
    BadRequestError ConfigurationError JournalError JournalLockedError JournalMismatchError
    JournalUnusableError JournalWriteError MessageMediaError NotFoundError RateLimitError
    SendMessages400ResponseException ServerError TransportError UnexpectedResponseError
    ValidationError WebhookPayloadError WebhookSignatureError""".split()  # noqa: SIM905 (a table of names reads better unquoted)
_MODELS = """CancelScheduledMessageRequest ConfirmDeliveryReportsAsReceivedRequest
    ConfirmRepliesAsReceivedRequest DeliveryReport FormatEnum Message Reply
    SendMessagesRequest SourceNumberTypeEnum StatusEnum""".split()  # noqa: SIM905
_HOMES = {
    "AsyncBaseTransport": "http",
    "AsyncMessageMediaMessagesClient": "_async_client",
    "BaseTransport": "http",
    "BatchResult": "batch",
    "BatchRow": "batch",
    "Configuration": "configuration",
    "MessageMediaMessagesClient": "message_media_messages_client",
    "RetryPolicy": "http.retry",
    "SandboxServer": "sandbox",
    "normalize_number": "_numbers",
    **dict.fromkeys(_EXCEPTIONS, "exceptions"),
    **dict.fromkeys(_MODELS, "models"),
}

__getattr__, __dir__ = lazy_names(__name__, _HOMES, "__version__")
__all__ = __dir__()
