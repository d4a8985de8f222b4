"""`Status2Enum`: the status a delivery report carries."""

from __future__ import annotations

from ._base import StringEnum


class Status2Enum(StringEnum):
    """Status of a message as reported by a delivery report.

    The official SDK's values come first, in its order; the 2026 spec's additions follow
    (its delivery-report status is the same 14-value list as the message status).

    Attributes:
        ENROUTE: received by the gateway, being processed.
        FAILED: failed (no active route, or undeliverable downstream).
        SUBMITTED: submitted to a carrier for delivery.
        DELIVERED: delivery confirmed.
        EXPIRED: expired before delivery.
        REJECTED: permanently rejected (limits, credit, blocked number, filtered content).
        UNDELIVERABLE: no longer in the 2026 spec; kept for old reports and stored data.
        HELD: held by the gateway (e.g. for screening) before it moves on.
        PROCESSING: being processed by the gateway.
        READ: read on the handset (where the channel reports it).
        UNDEFINED: the API could not say.
        QUEUED: accepted, not yet processed (the 2026 spec lists it for reports too).
        PROCESSED: processed by the gateway.
        SCHEDULED: waiting for its scheduled time.
        CANCELLED: a scheduled message that was cancelled.
    """

    ENROUTE = "enroute"
    FAILED = "failed"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    REJECTED = "rejected"
    UNDELIVERABLE = "undeliverable"
    HELD = "held"
    PROCESSING = "processing"
    READ = "read"
    UNDEFINED = "undefined"
    QUEUED = "queued"
    PROCESSED = "processed"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
