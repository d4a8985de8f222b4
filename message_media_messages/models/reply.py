"""`Reply`: a message received in reply to a sent message, as returned by check replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from ._base import Model
from .vendor_account_id import VendorAccountId


@dataclass
class Reply(Model):
    """One reply.

    Attributes:
        callback_url: the callback URL of the original message.
        content: text of the reply.
        date_received: when the reply was received (UTC).
        destination_number: the address the reply was sent to (absent if the original
            message had no `source_number`).
        message_id: UUID of the original message.
        metadata: metadata of the original message.
        reply_id: UUID of this reply (used to confirm it).
        source_number: the replier's number.
        vendor_account_id: vendor and account of the original message.
    """

    _timestamps: ClassVar[tuple[str, ...]] = ("date_received",)
    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {
        "vendor_account_id": (VendorAccountId, False)
    }

    callback_url: str | None = None
    content: str | None = None
    date_received: datetime | str | None = None
    destination_number: str | None = None
    message_id: str | None = None
    metadata: dict[str, Any] | None = None
    reply_id: str | None = None
    source_number: str | None = None
    vendor_account_id: VendorAccountId | None = None
