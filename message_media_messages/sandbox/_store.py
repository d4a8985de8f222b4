"""Thread-safe in-memory state: messages, delivery reports, replies, credits, lifecycle steps."""

from __future__ import annotations

import copy
import itertools
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from ._clock import SandboxClock, iso_utc
from ._lifecycle import (
    AUTO_REPLY,
    FINAL_STATUSES,
    NO_CREDIT_CODE,
    MessageState,
    auto_reply_text,
    build_delivery_report,
    build_reply,
)
from ._retention import Retention, compact

__all__ = ["Sink", "Store"]

logger = logging.getLogger("message_media_messages.sandbox")

Sink = Callable[[str, dict[str, Any]], None]
Item = dict[str, Any]
CHECK_LIMIT = 100
_MAX_ROUNDS = 10  # more than enough transitions to reach any final status


class Store:
    """All sandbox state, behind one lock.

    Webhook payloads produced while the lock is held are queued and handed to the sink
    after the lock is released, so a slow sink can never stall the API.

    Memory is bounded: messages are evicted oldest first, by count and by simulated age
    (see `Retention`: an evicted message answers 404, its unconfirmed DRs and replies go).

    Args:
        clock: The sandbox clock.
        initial_credits: Credits each account starts with.
        sink: Called as `sink(callback_url, payload)` for each webhook.
        retention: The limits; None for the defaults (1,000,000 messages, 45 days).
    """

    def __init__(
        self,
        clock: SandboxClock,
        initial_credits: int,
        sink: Sink | None = None,
        retention: Retention | None = None,
    ):
        self.retention = retention if retention is not None else Retention()
        self.clock = clock
        self.initial_credits = initial_credits
        self.sink = sink
        self._lock = threading.Lock()
        self._messages: dict[str, MessageState] = {}
        self._active: dict[str, MessageState] = {}  # neither final nor cancelled, in send order
        self._reports: dict[str, dict[str, Item]] = {}  # account -> unconfirmed, oldest first
        self._replies: dict[str, dict[str, Item]] = {}
        self._credits: dict[str, int] = {}
        self._outbox: list[tuple[str, Item]] = []

    # ------------------------------------------------------------------ API operations

    def submit(self, account: str, messages: Iterable[Item]) -> list[Item]:
        """Store validated messages (from `rules.clean_message`) of `account`, a credit each.

        Returns:
            The echoes for the 202 response (status always `queued`, as the API says).
        """
        with self._lock:
            now = self.clock.now()
            echoes = [
                {**self._create(account, fields, now).view(), "status": "queued"}
                for fields in messages
            ]
            self._evict(now)
            return echoes

    def _create(self, account: str, fields: Item, now: float) -> MessageState:
        credits = self._credits.get(account, self.initial_credits)
        message = MessageState.new(str(uuid.uuid4()), account, compact(fields), now)
        if credits > 0:
            self._credits[account] = credits - 1
        else:  # accepted, as the API does, but it ends rejected with "usage threshold reached"
            message.outcome, message.final_code = "rejected", NO_CREDIT_CODE
        self._messages[message.message_id] = message
        self._active[message.message_id] = message
        self.retention.track(message)
        return message

    def _evict(self, now: float) -> None:
        self.retention.evict(now, (self._messages, self._active), (self._reports, self._replies))

    def get(self, account: str, message_id: str) -> Item | None:
        """Return the message as the status endpoint shows it, or None if not this account's."""
        with self._lock:
            self._evict(self.clock.now())
            message = self._messages.get(message_id)
            return message.view() if message and message.account == account else None

    def cancel(self, account: str, message_id: str) -> tuple[Item | None, str | None]:
        """Cancel a scheduled message.

        Args:
            account: The requesting account.
            message_id: The message to cancel.

        Returns:
            `(message, None)` when cancelled, `(None, status)` when the message is not
            `scheduled`, `(None, None)` when this account has no such message.
        """
        with self._lock:
            self._evict(self.clock.now())
            message = self._messages.get(message_id)
            if message is None or message.account != account:
                return None, None
            if message.status != "scheduled":
                return None, message.status
            message.status = "cancelled"
            self._active.pop(message_id, None)
            return message.view(), None

    def credits(self, account: str) -> int:
        """Return the account's remaining credits."""
        with self._lock:
            return self._credits.get(account, self.initial_credits)

    def check_reports(self, account: str) -> list[Item]:
        """Return the oldest (up to 100) unconfirmed delivery reports of `account`."""
        return self._check(self._reports, account)

    def confirm_reports(self, account: str, ids: Iterable[str]) -> int:
        """Confirm delivery reports; unknown ids are ignored. Returns how many were removed."""
        return self._confirm(self._reports, account, ids)

    def check_replies(self, account: str) -> list[Item]:
        """Return the oldest (up to 100) unconfirmed replies of `account`."""
        return self._check(self._replies, account)

    def confirm_replies(self, account: str, ids: Iterable[str]) -> int:
        """Confirm replies; unknown ids are ignored. Returns how many were removed."""
        return self._confirm(self._replies, account, ids)

    def _check(self, bucket: dict[str, dict[str, Item]], account: str) -> list[Item]:
        with self._lock:
            return list(itertools.islice(bucket.get(account, {}).values(), CHECK_LIMIT))

    def _confirm(self, bucket: dict[str, dict[str, Item]], account: str, ids: Iterable[str]) -> int:
        with self._lock:
            unconfirmed = bucket.get(account, {})
            return sum(unconfirmed.pop(i, None) is not None for i in ids)

    # ------------------------------------------------------------------ lifecycle

    def advance(self, steps: int = 1, to_final: bool = False, seconds: float = 0.0) -> Item:
        """Move simulated time, release due scheduled messages, then step the lifecycle.

        Args:
            steps: Lifecycle steps to apply to every moving message (0: only the clock).
            to_final: Step until every moving message has reached a final status.
            seconds: Seconds to move the clock first (releasing scheduled messages due).

        Returns:
            `{"released": n, "transitions": n, "now": iso}`.

        Raises:
            ValueError: `steps` or `seconds` is negative.
        """
        if steps < 0 or seconds < 0:
            raise ValueError("steps and seconds must be >= 0")
        with self._lock:
            self.clock.advance(seconds)
            now = self.clock.now()
            self._evict(now)
            released = self._release(now)
            transitions = 0
            for _ in range(_MAX_ROUNDS if to_final else steps):
                changed = sum(self._step(m, now) for m in list(self._active.values()))
                transitions += changed
                if not changed:
                    break
            events = self._drain()
        self._emit(events)
        return {"released": released, "transitions": transitions, "now": iso_utc(now)}

    def _release(self, now: float) -> int:
        """Scheduled messages whose time has come become `queued`; returns how many."""
        released = 0
        for message in self._active.values():
            if message.status == "scheduled" and (message.due is None or message.due <= now):
                message.status = "queued"
                released += 1
        return released

    def _step(self, message: MessageState, now: float) -> bool:
        """Move one message one status on; returns whether it moved."""
        transition = message.transition(now)
        if transition is None:
            return False
        status, code = transition
        message.status = status
        if status in FINAL_STATUSES:
            self._active.pop(message.message_id, None)
        stamp = iso_utc(now)
        view = message.view()
        if message.fields.get("delivery_report"):
            report = build_delivery_report(view, message.account, status, code, stamp)
            self._file(self._reports, message, report, "delivery_report_id")
        if status == "delivered" and message.fields["destination_number"].endswith(AUTO_REPLY):
            reply = build_reply(view, message.account, auto_reply_text(view["content"]), stamp)
            self._file(self._replies, message, reply, "reply_id")
        return True

    def _file(
        self, bucket: dict[str, dict[str, Item]], message: MessageState, item: Item, key: str
    ) -> None:
        """Store a DR or reply for checking, and queue its webhook if there is a callback."""
        bucket.setdefault(message.account, {})[item[key]] = item
        if message.filed is None:
            message.filed = []
        message.filed.append(item[key])
        callback = message.fields.get("callback_url")
        if callback:
            self._outbox.append((callback, item))

    def inject_reply(self, message_id: str, content: str) -> Item:
        """Simulate a reply from the handset to any stored message.

        Args:
            message_id: The message replied to (any account).
            content: The reply text.

        Returns:
            A copy of the stored reply.

        Raises:
            KeyError: No such message.
        """
        with self._lock:
            message = self._messages[message_id]
            stamp = iso_utc(self.clock.now())
            reply = build_reply(message.view(), message.account, content, stamp)
            self._file(self._replies, message, reply, "reply_id")
            events = self._drain()
        self._emit(events)
        return copy.deepcopy(reply)

    def messages(self, account: str | None = None) -> list[Item]:
        """Return copies of every stored message (of one account if given), oldest first.

        Each has the echoed fields plus `message_id`, `status` and `account`.
        """
        with self._lock:
            chosen = [m for m in self._messages.values() if account in (None, m.account)]
            return [copy.deepcopy({**m.view(), "account": m.account}) for m in chosen]

    def summary(self) -> dict[str, int]:
        """Return counts of stored messages, moving messages and unconfirmed DRs and replies."""
        with self._lock:
            return {
                "messages": len(self._messages),
                "active_messages": len(self._active),
                "unconfirmed_delivery_reports": sum(map(len, self._reports.values())),
                "unconfirmed_replies": sum(map(len, self._replies.values())),
                "evicted_messages": self.retention.evicted,
            }

    def reset(self) -> None:
        """Drop all messages, DRs, replies and credit usage; simulated time = wall time."""
        with self._lock:
            for container in (self._messages, self._active, self._reports, self._replies):
                container.clear()
            self.retention.clear()
            self._credits.clear()
            self._outbox.clear()
            self.clock.reset()

    def _drain(self) -> list[tuple[str, Item]]:
        events, self._outbox = self._outbox, []
        return events

    def _emit(self, events: list[tuple[str, Item]]) -> None:
        """Hand webhooks to the sink, outside the lock; a failing sink is logged, not raised."""
        sink = self.sink
        if sink is None:
            return
        for url, payload in events:
            try:
                sink(url, payload)
            except Exception:
                logger.exception("sandbox webhook sink failed for %s", url)
