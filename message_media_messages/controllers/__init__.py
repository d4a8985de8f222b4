"""Endpoint controllers (2.x module paths kept)."""

from .base_controller import BaseController
from .delivery_reports_controller import DeliveryReportsController
from .messages_controller import MessagesController
from .replies_controller import RepliesController

__all__ = [
    "BaseController",
    "DeliveryReportsController",
    "MessagesController",
    "RepliesController",
]
