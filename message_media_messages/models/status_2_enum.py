"""`Status2Enum`: the status a delivery report carries."""

from __future__ import annotations

from .base import StringEnum


class Status2Enum(StringEnum):
    """Status of a message as reported by a delivery report.

    Attributes:
        ENROUTE: received by the gateway, being processed.
        FAILED: failed (no active route, or undeliverable downstream).
        SUBMITTED: submitted to a carrier for delivery.
        DELIVERED: delivery confirmed.
        EXPIRED: expired before delivery.
        REJECTED: permanently rejected (limits, credit, blocked number, filtered content).
        UNDELIVERABLE: undeliverable (listed by the API, not described).
    """

    ENROUTE = "enroute"
    FAILED = "failed"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    REJECTED = "rejected"
    UNDELIVERABLE = "undeliverable"
