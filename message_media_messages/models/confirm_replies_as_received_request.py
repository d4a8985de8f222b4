"""`ConfirmRepliesAsReceivedRequest`: reply ids to confirm (up to 100)."""

from __future__ import annotations

from dataclasses import dataclass

from ._base import Model


@dataclass
class ConfirmRepliesAsReceivedRequest(Model):
    """Marks replies as received, so check no longer returns them.

    Attributes:
        reply_ids: 1 to 100 `reply_id` values (of the replies, not of the original messages).
    """

    reply_ids: list[str] | None = None
