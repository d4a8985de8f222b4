"""The sandbox's memory bound: messages kept by count and by simulated age, oldest out first."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable
from typing import Any

from ._lifecycle import MessageState

__all__ = ["MAX_MESSAGES", "RETENTION_DAYS", "Retention", "compact"]

Index = dict[str, MessageState]
Buckets = dict[str, dict[str, dict[str, Any]]]

MAX_MESSAGES = 1_000_000  # stored messages kept by default (the oldest are evicted first)
RETENTION_DAYS = 45.0  # "The expiry date for getting an entity is 45 days" (API.md)
_REPEATED = frozenset({"format", "destination_number", "source_number", "source_number_type"})


def compact(fields: dict[str, Any]) -> dict[str, Any]:
    """Share one copy of the values many messages repeat (numbers, format); returns `fields`."""
    for key in _REPEATED.intersection(fields):
        if type(fields[key]) is str:
            fields[key] = sys.intern(fields[key])
    return fields


class Retention:
    """The stored messages in the order they were accepted, and which of them must go.

    A message is evicted, oldest first, once more than `max_messages` are stored or once
    it is `retention_days` old in simulated time (the API keeps an entity 45 days), its
    age counted from when it was accepted or, if scheduled later, from its scheduled time
    (going oldest first, one scheduled far ahead holds the later ones until its own
    period ends; the count still applies). An evicted message is gone as if it never
    existed: its status lookup and cancel answer 404, it leaves `messages()`, it makes no
    more lifecycle steps, and its unconfirmed delivery reports and replies go with it.

    Args:
        max_messages: Most messages kept (>= 1).
        retention_days: Simulated days a message is kept (> 0).

    Raises:
        ValueError: A limit out of range.
    """

    def __init__(self, max_messages: int = MAX_MESSAGES, retention_days: float = RETENTION_DAYS):
        if not isinstance(max_messages, int) or max_messages < 1 or not retention_days > 0:
            raise ValueError("need max_messages >= 1 and retention_days > 0")
        self.max_messages, self.retention_days = max_messages, retention_days
        self.evicted = 0
        self._order: deque[MessageState] = deque()  # oldest first: popped in O(1)

    def track(self, message: MessageState) -> None:
        """Note a newly stored message (the newest)."""
        self._order.append(message)

    def evict(self, now: float, indexes: Iterable[Index], buckets: Iterable[Buckets]) -> None:
        """Drop the messages beyond the count or past the retention period, oldest first.

        Args:
            now: The simulated time.
            indexes: Every dict of messages by id (each evicted message leaves them all).
            buckets: The account -> {id: item} dicts of unconfirmed DRs and replies.
        """
        order, cutoff = self._order, now - self.retention_days * 86_400.0
        indexes, buckets = tuple(indexes), tuple(buckets)
        while order and (len(order) > self.max_messages or order[0].created <= cutoff):
            message = order.popleft()
            self.evicted += 1
            for index in indexes:
                index.pop(message.message_id, None)
            for item_id in message.filed or ():  # DR and reply ids are UUIDs: unique
                for bucket in buckets:
                    bucket.get(message.account, {}).pop(item_id, None)

    def clear(self) -> None:
        """Forget every message and the eviction count."""
        self._order.clear()
        self.evicted = 0
