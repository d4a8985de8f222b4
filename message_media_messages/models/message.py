"""`Message`: one message, as sent in a request and echoed in the send response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from ._base import Model


@dataclass
class Message(Model):
    """A message to send (or, in a send response, the message as accepted).

    Positional order is the official SDK's. Timestamp fields accept a datetime or an ISO 8601
    string; a string with an offset becomes an aware UTC datetime, one without stays naive
    (validation rejects naive times), an unparsable one is kept as given.

    Attributes:
        content: the text, 1 to 5000 characters.
        destination_number: E.164 number, e.g. `+61491570156`.
        callback_url: URL to which delivery reports and replies are POSTed.
        delivery_report: whether to request delivery reports (default False).
        format: `FormatEnum` value: SMS (default), MMS or TTS.
        message_expiry_timestamp: latest time at which the message may be delivered.
        metadata: up to 10 string pairs, echoed in delivery reports and replies.
        scheduled: when to send (absent: now).
        source_number: sender number or ID (must be registered to the account).
        source_number_type: `SourceNumberTypeEnum` value; only with `source_number`.
        message_id: set by the API (response only).
        status: `StatusEnum` value set by the API (response only).
        media: MMS only: URLs of png/jpeg/gif images.
        subject: MMS only: subject, up to 64 characters.
    """

    _timestamps: ClassVar[tuple[str, ...]] = ("message_expiry_timestamp", "scheduled")

    content: str | None = None
    destination_number: str | None = None
    callback_url: str | None = None
    delivery_report: bool | None = False
    format: str | None = None
    message_expiry_timestamp: datetime | str | None = None
    metadata: dict[str, Any] | None = None
    scheduled: datetime | str | None = None
    source_number: str | None = None
    source_number_type: str | None = None
    message_id: str | None = None
    status: str | None = None
    media: list[str] | None = None
    subject: str | None = None
