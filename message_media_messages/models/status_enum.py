"""`StatusEnum`: the status of a message (send response, get-status response)."""

from __future__ import annotations

from ._base import StringEnum


class StatusEnum(StringEnum):
    """Status of a message; `queued` right after a send, `scheduled` until a scheduled send.

    Only a `scheduled` message can be cancelled (it then becomes `cancelled`). The official
    SDK's values come first, in its order; `held`, `processing`, `read` and `undefined` are
    the 2026 spec's additions. `undeliverable` is no longer in the spec but is kept for old
    responses and stored data.
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
    HELD = "held"
    PROCESSING = "processing"
    READ = "read"
    UNDEFINED = "undefined"
