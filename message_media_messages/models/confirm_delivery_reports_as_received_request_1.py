"""`ConfirmDeliveryReportsAsReceivedRequest1`: the 2.x duplicate, kept for surface parity."""

from __future__ import annotations

from dataclasses import dataclass

from ._base import Model


@dataclass
class ConfirmDeliveryReportsAsReceivedRequest1(Model):
    """Same as `ConfirmDeliveryReportsAsReceivedRequest`.

    Attributes:
        delivery_report_ids: 1 to 100 `delivery_report_id` values.
    """

    delivery_report_ids: list[str] | None = None
