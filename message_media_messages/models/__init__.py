"""The API's models and enums, under their official 2.x names and module paths."""

from .base import Model, StringEnum
from .cancel_scheduled_message_request import CancelScheduledMessageRequest
from .check_delivery_reports_response import CheckDeliveryReportsResponse
from .check_replies_response import CheckRepliesResponse
from .confirm_delivery_reports_as_received_request import ConfirmDeliveryReportsAsReceivedRequest
from .confirm_delivery_reports_as_received_request_1 import (
    ConfirmDeliveryReportsAsReceivedRequest1,
)
from .confirm_replies_as_received_request import ConfirmRepliesAsReceivedRequest
from .confirm_replies_as_received_request_1 import ConfirmRepliesAsReceivedRequest1
from .delivery_report import DeliveryReport
from .format_1_enum import Format1Enum
from .format_enum import FormatEnum
from .get_message_status_response import GetMessageStatusResponse
from .message import Message
from .reply import Reply
from .send_messages_request import SendMessagesRequest
from .send_messages_response import SendMessagesResponse
from .source_number_type_enum import SourceNumberTypeEnum
from .status_2_enum import Status2Enum
from .status_enum import StatusEnum
from .vendor_account_id import VendorAccountId

__all__ = [
    "CancelScheduledMessageRequest",
    "CheckDeliveryReportsResponse",
    "CheckRepliesResponse",
    "ConfirmDeliveryReportsAsReceivedRequest",
    "ConfirmDeliveryReportsAsReceivedRequest1",
    "ConfirmRepliesAsReceivedRequest",
    "ConfirmRepliesAsReceivedRequest1",
    "DeliveryReport",
    "Format1Enum",
    "FormatEnum",
    "GetMessageStatusResponse",
    "Message",
    "Model",
    "Reply",
    "SendMessagesRequest",
    "SendMessagesResponse",
    "SourceNumberTypeEnum",
    "Status2Enum",
    "StatusEnum",
    "StringEnum",
    "VendorAccountId",
]
