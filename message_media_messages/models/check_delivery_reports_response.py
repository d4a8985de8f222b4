"""`CheckDeliveryReportsResponse`: the oldest unconfirmed delivery reports (up to 100)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ._base import Model
from .delivery_report import DeliveryReport


@dataclass
class CheckDeliveryReportsResponse(Model):
    """Unconfirmed delivery reports; they come back until confirmed.

    Attributes:
        delivery_reports: the reports, oldest first (a list: empty, never None, when the JSON
            has none).
    """

    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {
        "delivery_reports": (DeliveryReport, True)
    }

    delivery_reports: list[DeliveryReport] = field(default_factory=list)
