"""`CancelScheduledMessageRequest`: the body of a cancel (`PUT /v1/messages/{id}`)."""

from __future__ import annotations

from dataclasses import dataclass

from ._base import Model


@dataclass
class CancelScheduledMessageRequest(Model):
    """Cancels a scheduled message.

    Attributes:
        status: must be `"cancelled"` (the default).
    """

    status: str | None = "cancelled"
