"""`StatusEnum`: the status of a message (send response, get-status response)."""

from __future__ import annotations

from .base import StringEnum


class StatusEnum(StringEnum):
    """Status of a message; `queued` right after a send, `scheduled` until a scheduled send.

    Only a `scheduled` message can be cancelled (it then becomes `cancelled`).
    """

    ENROUTE = "enroute"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    REJECTED = "rejected"
    UNDELIVERABLE = "undeliverable"
    QUEUED = "queued"
    PROCESSED = "processed"
    CANCELLED = "cancelled"
    SCHEDULED = "scheduled"
    FAILED = "failed"
