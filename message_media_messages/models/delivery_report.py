"""`DeliveryReport`: a status change of a sent message, as returned by check delivery reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from ._base import Model
from .vendor_account_id import VendorAccountId


@dataclass
class DeliveryReport(Model):
    """One delivery report.

    Positional order is the official SDK's; `billing_units` and `error_code` (which the
    official SDK drops) come after the official parameters.

    Attributes:
        callback_url: the callback URL of the original message.
        date_received: when this report was generated (UTC).
        delay: deprecated (the 2026 spec marks it so: "no longer in use"); always 0.
            Kept so old code and stored reports still read; do not rely on it.
        delivery_report_id: UUID of this report (used to confirm it).
        message_id: UUID of the original message.
        metadata: metadata of the original message.
        original_text: text of the original message.
        source_number: where the report came from (the original destination).
        status: `Status2Enum` value (unknown values are kept as given).
        submitted_date: when the status changed (UTC).
        vendor_account_id: vendor and account of the original message.
        billing_units: billing units of the report (if enabled on the account).
        error_code: the detailed status code, e.g. `"220"` (webhook payloads).
    """

    _timestamps: ClassVar[tuple[str, ...]] = ("date_received", "submitted_date")
    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {
        "vendor_account_id": (VendorAccountId, False)
    }

    callback_url: str | None = None
    date_received: datetime | str | None = None
    delay: int | None = None
    delivery_report_id: str | None = None
    message_id: str | None = None
    metadata: dict[str, Any] | None = None
    original_text: str | None = None
    source_number: str | None = None
    status: str | None = None
    submitted_date: datetime | str | None = None
    vendor_account_id: VendorAccountId | None = None
    billing_units: int | None = None
    error_code: str | None = None
