"""`CheckDeliveryReportsResponse`: the oldest unconfirmed delivery reports (up to 100)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ._base import Model
from .delivery_report import DeliveryReport


@dataclass
class CheckDeliveryReportsResponse(Model):
    """Unconfirmed delivery reports; they come back until confirmed.

    Attributes:
        delivery_reports: the reports, oldest first.
    """

    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {
        "delivery_reports": (DeliveryReport, True)
    }

    delivery_reports: list[DeliveryReport] | None = None
