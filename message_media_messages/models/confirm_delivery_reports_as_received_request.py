"""`ConfirmDeliveryReportsAsReceivedRequest`: delivery report ids to confirm (up to 100)."""

from __future__ import annotations

from dataclasses import dataclass

from ._base import Model


@dataclass
class ConfirmDeliveryReportsAsReceivedRequest(Model):
    """Marks delivery reports as received, so check no longer returns them.

    Attributes:
        delivery_report_ids: 1 to 100 `delivery_report_id` values.
    """

    delivery_report_ids: list[str] | None = None
