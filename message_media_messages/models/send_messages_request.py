"""`SendMessagesRequest`: the body of a send (`POST /v1/messages`), up to 100 messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ._base import Model
from .message import Message


@dataclass
class SendMessagesRequest(Model):
    """Messages to send in one request (1 to 100); if any is invalid, none is sent.

    Attributes:
        messages: the messages.
    """

    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {"messages": (Message, True)}

    messages: list[Message] | None = None
