"""`ConfirmRepliesAsReceivedRequest1`: the 2.x duplicate, kept for surface parity."""

from __future__ import annotations

from dataclasses import dataclass

from ._base import Model


@dataclass
class ConfirmRepliesAsReceivedRequest1(Model):
    """Same as `ConfirmRepliesAsReceivedRequest`.

    Attributes:
        reply_ids: 1 to 100 `reply_id` values.
    """

    reply_ids: list[str] | None = None
