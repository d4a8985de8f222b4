"""`CheckRepliesResponse`: the oldest unconfirmed replies (up to 100)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ._base import Model
from .reply import Reply


@dataclass
class CheckRepliesResponse(Model):
    """Unconfirmed replies; they come back until confirmed.

    Attributes:
        replies: the replies, oldest first (a list: empty, never None, when the JSON has none).
    """

    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {"replies": (Reply, True)}

    replies: list[Reply] = field(default_factory=list)
