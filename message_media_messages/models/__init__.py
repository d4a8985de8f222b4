"""The API's models and enums, under their official 2.x names and module paths.

Names load on first use: importing one model does not import the other modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names

if TYPE_CHECKING:
    from ._base import Model as Model, StringEnum as StringEnum
    from .cancel_scheduled_message_request import (
        CancelScheduledMessageRequest as CancelScheduledMessageRequest,
    )
    from .check_delivery_reports_response import (
        CheckDeliveryReportsResponse as CheckDeliveryReportsResponse,
    )
    from .check_replies_response import CheckRepliesResponse as CheckRepliesResponse
    from .confirm_delivery_reports_as_received_request import (
        ConfirmDeliveryReportsAsReceivedRequest as ConfirmDeliveryReportsAsReceivedRequest,
    )
    from .confirm_delivery_reports_as_received_request_1 import (
        ConfirmDeliveryReportsAsReceivedRequest1 as ConfirmDeliveryReportsAsReceivedRequest1,
    )
    from .confirm_replies_as_received_request import (
        ConfirmRepliesAsReceivedRequest as ConfirmRepliesAsReceivedRequest,
    )
    from .confirm_replies_as_received_request_1 import (
        ConfirmRepliesAsReceivedRequest1 as ConfirmRepliesAsReceivedRequest1,
    )
    from .delivery_report import DeliveryReport as DeliveryReport
    from .format_1_enum import Format1Enum as Format1Enum
    from .format_enum import FormatEnum as FormatEnum
    from .get_message_status_response import GetMessageStatusResponse as GetMessageStatusResponse
    from .message import Message as Message
    from .reply import Reply as Reply
    from .send_messages_request import SendMessagesRequest as SendMessagesRequest
    from .send_messages_response import SendMessagesResponse as SendMessagesResponse
    from .source_number_type_enum import SourceNumberTypeEnum as SourceNumberTypeEnum
    from .status_2_enum import Status2Enum as Status2Enum
    from .status_enum import StatusEnum as StatusEnum
    from .vendor_account_id import VendorAccountId as VendorAccountId

_HOMES = {
    "CancelScheduledMessageRequest": "cancel_scheduled_message_request",
    "CheckDeliveryReportsResponse": "check_delivery_reports_response",
    "CheckRepliesResponse": "check_replies_response",
    "ConfirmDeliveryReportsAsReceivedRequest": "confirm_delivery_reports_as_received_request",
    "ConfirmDeliveryReportsAsReceivedRequest1": "confirm_delivery_reports_as_received_request_1",
    "ConfirmRepliesAsReceivedRequest": "confirm_replies_as_received_request",
    "ConfirmRepliesAsReceivedRequest1": "confirm_replies_as_received_request_1",
    "DeliveryReport": "delivery_report",
    "Format1Enum": "format_1_enum",
    "FormatEnum": "format_enum",
    "GetMessageStatusResponse": "get_message_status_response",
    "Message": "message",
    "Model": "_base",
    "Reply": "reply",
    "SendMessagesRequest": "send_messages_request",
    "SendMessagesResponse": "send_messages_response",
    "SourceNumberTypeEnum": "source_number_type_enum",
    "Status2Enum": "status_2_enum",
    "StatusEnum": "status_enum",
    "StringEnum": "_base",
    "VendorAccountId": "vendor_account_id",
}

__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = __dir__()
