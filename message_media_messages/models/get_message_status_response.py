"""`GetMessageStatusResponse`: a message and its current status (`GET /v1/messages/{id}`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from ._base import Model


@dataclass
class GetMessageStatusResponse(Model):
    """The message as stored by the API, with its current status.

    Positional order is the official SDK's; `media` and `subject` (which the official SDK drops)
    come after the official parameters.

    Attributes:
        callback_url, content, destination_number, delivery_report, format,
        message_expiry_timestamp, metadata, scheduled, source_number, source_number_type,
        media, subject: as in `Message`.
        message_id: the message's UUID.
        status: `StatusEnum` value (unknown values are kept as given).
    """

    _timestamps: ClassVar[tuple[str, ...]] = ("message_expiry_timestamp", "scheduled")

    callback_url: str | None = None
    content: str | None = None
    destination_number: str | None = None
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
