"""Endpoint controllers (2.x module paths kept); names load on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models._lazy import lazy_names

if TYPE_CHECKING:
    from .base_controller import BaseController as BaseController
    from .delivery_reports_controller import DeliveryReportsController as DeliveryReportsController
    from .messages_controller import MessagesController as MessagesController
    from .replies_controller import RepliesController as RepliesController

_HOMES = {
    "BaseController": "base_controller",
    "DeliveryReportsController": "delivery_reports_controller",
    "MessagesController": "messages_controller",
    "RepliesController": "replies_controller",
}

__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = __dir__()
