"""`SendMessagesResponse`: the messages accepted by a send, each with its `message_id`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ._base import Model
from .message import Message


@dataclass
class SendMessagesResponse(Model):
    """The accepted messages, in request order, each with `message_id` and status `queued`.

    Attributes:
        messages: the messages as accepted (a list: empty, never None, when the JSON has none).
    """

    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {"messages": (Message, True)}

    messages: list[Message] = field(default_factory=list)
