"""Two accounts on one sandbox, 16 threads sharing two clients: no crossed credentials, no loss.

The acceptance figures are the issue's: 50,000 calls mixed across all eight endpoints, and a
100,000-row `send_batch` at concurrency 8. Every request is tallied as the sandbox records it
(user agent -> account, auth scheme, status), so the check covers all 50,000 requests, not
only the last 10,000 that `request_log` keeps.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

pytestmark = pytest.mark.slow

CALLS = 50_000
THREADS = 16
BATCH_ROWS = 100_000
BATCH_CONCURRENCY = 8
POOL = 16
DESTINATION = "+61491570156"  # delivered
AUTO_REPLY = "+61491570905"  # delivered, then a reply
FAR_FUTURE = "2099-01-01T00:00:00.000Z"  # stays scheduled: cancellable


@dataclass(frozen=True)
class Identity:
    """One account of the sandbox and how its client authenticates."""

    key: str
    secret: str
    hmac: bool

    @property
    def scheme(self) -> str:
        return "hmac" if self.hmac else "basic"

    @property
    def agent(self) -> str:
        return f"reliability-{self.scheme}/1.0"

    def client(self, sandbox: SandboxServer) -> MessageMediaMessagesClient:
        return MessageMediaMessagesClient(
            self.key,
            self.secret,
            self.hmac,
            base_uri=sandbox.url,
            pool_maxsize=POOL,
            max_retries=0,  # a hidden retry would hide an error: every attempt must succeed
            user_agent=self.agent,
        )


BASIC = Identity("acct-basic", "secret-basic-0123456789", hmac=False)
HMAC = Identity("acct-hmac", "secret-hmac-9876543210", hmac=True)
IDENTITIES = (BASIC, HMAC)


class RequestTally:
    """Wraps the sandbox app's `record`: counts (user agent, account, scheme, status) per request.

    `request_log()` keeps only the last 10,000 records; this sees every one.
    """

    def __init__(self, record: Callable[..., None]) -> None:
        self._record = record
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str | None, str | None, str | None, int | None]] = Counter()

    def __call__(self, request: Any, result: Any, status: int | None, fault: Any) -> None:
        key = (
            request.headers.get("user-agent"),
            getattr(result, "account", None),
            getattr(result, "scheme", None),
            status,
        )
        with self._lock:
            self.counts[key] += 1
        self._record(request, result, status, fault)


@dataclass
class Worker:
    """One thread's share of the mixed calls, and what it saw."""

    number: int
    identity: Identity
    client: MessageMediaMessagesClient
    calls: int
    calls_made: Counter[str] = field(default_factory=Counter)
    sent: dict[str, str] = field(default_factory=dict)  # content -> message_id
    cancelled: set[str] = field(default_factory=set)
    report_message_ids: set[str] = field(default_factory=set)
    reply_message_ids: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    _last_id: str = ""
    _scheduled_id: str = ""
    _pending_reports: list[str] = field(default_factory=list)
    _pending_replies: list[str] = field(default_factory=list)

    def run(self) -> None:
        ops = itertools.cycle(self.OPS)
        for i in range(self.calls):
            op = next(ops)
            try:
                op(self, i)
            except Exception as exc:  # every failure is a finding: keep going, report all
                self.errors.append(f"thread {self.number} call {i} {op.__name__}: {exc!r}")
            self.calls_made[op.__name__] += 1

    def _content(self, i: int) -> str:
        return f"{self.identity.key}|t{self.number}|n{i}"

    def send(self, i: int) -> None:
        destination = AUTO_REPLY if i % 4 == 0 else DESTINATION
        message = {
            "content": self._content(i),
            "destination_number": destination,
            "delivery_report": True,
        }
        result = self.client.messages.send_messages({"messages": [message]})
        echoed = result.messages[0]
        assert echoed.content == message["content"], echoed
        self._last_id = echoed.message_id
        self.sent[message["content"]] = echoed.message_id

    def status(self, i: int) -> None:
        result = self.client.messages.get_message_status(self._last_id)
        assert result.message_id == self._last_id, result

    def credits(self, i: int) -> None:
        result = self.client.messages.check_credits_remaining()
        assert isinstance(result["remaining_credits"], int), result

    def send_scheduled(self, i: int) -> None:
        message = {
            "content": self._content(i),
            "destination_number": DESTINATION,
            "scheduled": FAR_FUTURE,
        }
        result = self.client.messages.send_messages({"messages": [message]})
        self._scheduled_id = result.messages[0].message_id
        self.sent[message["content"]] = self._scheduled_id

    def cancel(self, i: int) -> None:
        result = self.client.messages.cancel_scheduled_message(self._scheduled_id)
        assert result["message_id"] == self._scheduled_id, result
        assert result["status"] == "cancelled", result
        self.cancelled.add(self._scheduled_id)

    def check_reports(self, i: int) -> None:
        reports = self.client.delivery_reports.check_delivery_reports().delivery_reports or []
        self.report_message_ids.update(r.message_id for r in reports)
        self._pending_reports = [r.delivery_report_id for r in reports]

    def confirm_reports(self, i: int) -> None:
        ids = self._pending_reports or [f"no-such-report-{self.number}-{i}"]  # ignored by the API
        self.client.delivery_reports.confirm_delivery_reports_as_received(
            {"delivery_report_ids": ids}
        )

    def check_replies(self, i: int) -> None:
        replies = self.client.replies.check_replies().replies or []
        self.reply_message_ids.update(r.message_id for r in replies)
        self._pending_replies = [r.reply_id for r in replies]

    def confirm_replies(self, i: int) -> None:
        ids = self._pending_replies or [f"no-such-reply-{self.number}-{i}"]
        self.client.replies.confirm_replies_as_received({"reply_ids": ids})

    def status_cancelled(self, i: int) -> None:
        result = self.client.messages.get_message_status(self._scheduled_id)
        assert result.status == "cancelled", result

    # Ten calls a cycle over all eight endpoints; each call depends only on earlier ones.
    OPS: ClassVar[tuple[Callable[[Worker, int], None], ...]] = (
        send,
        status,
        credits,
        send_scheduled,
        cancel,
        check_reports,
        confirm_reports,
        check_replies,
        confirm_replies,
        status_cancelled,
    )


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(accounts={BASIC.key: BASIC.secret, HMAC.key: HMAC.secret}) as server:
        yield server


def _advance_until(sandbox: SandboxServer, stop: threading.Event) -> None:
    """Keep the lifecycle moving so that delivery reports and replies come in during the run."""
    while not stop.wait(0.05):
        sandbox.advance()


def test_two_accounts_sixteen_threads_fifty_thousand_calls(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    tally = RequestTally(sandbox.app.record)
    monkeypatch.setattr(sandbox.app, "record", tally)
    clients = {identity: identity.client(sandbox) for identity in IDENTITIES}
    workers = [
        Worker(n, IDENTITIES[n % 2], clients[IDENTITIES[n % 2]], CALLS // THREADS)
        for n in range(THREADS)
    ]
    stop = threading.Event()
    advancer = threading.Thread(target=_advance_until, args=(sandbox, stop), daemon=True)
    threads = [threading.Thread(target=w.run, name=f"worker-{w.number}") for w in workers]

    started = time.perf_counter()
    advancer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    stop.set()
    advancer.join()
    for client in clients.values():
        client.close()
    print(f"\n{CALLS} calls, {THREADS} threads: {elapsed:.1f} s, {CALLS / elapsed:,.0f} calls/s")

    # Zero errors, and exactly the calls planned.
    errors = [e for w in workers for e in w.errors]
    assert errors == [], f"{len(errors)} errors, first: {errors[:5]}"
    made = sum(sum(w.calls_made.values()) for w in workers)
    assert made == CALLS

    # Every request, as the sandbox authenticated it: the right account, in the right scheme.
    by_identity = {identity.agent: identity for identity in IDENTITIES}
    wrong = {
        key: n
        for key, n in tally.counts.items()
        if key[0] not in by_identity
        or (key[1], key[2]) != (by_identity[key[0]].key, by_identity[key[0]].scheme)
        or key[3] not in (200, 202)
    }
    assert wrong == {}, "requests authenticated as the wrong account, or failed"
    for identity in IDENTITIES:
        planned = sum(sum(w.calls_made.values()) for w in workers if w.identity is identity)
        seen = sum(n for key, n in tally.counts.items() if key[0] == identity.agent)
        assert seen == planned, identity
    stats = sandbox.stats()
    assert stats["requests"] == CALLS
    assert stats["auth_failures"] == 0
    assert stats["server_errors"] == 0
    # The public log agrees on the requests it still holds.
    for entry in sandbox.request_log():
        identity = by_identity[entry["headers"]["User-Agent"]]
        assert (entry["account"], entry["auth_scheme"]) == (identity.key, identity.scheme)

    # Every message stored once, under the account that sent it.
    for identity in IDENTITIES:
        sent = {c: m for w in workers if w.identity is identity for c, m in w.sent.items()}
        stored = sandbox.messages(identity.key)
        contents = Counter(m["content"] for m in stored)
        assert [c for c, n in contents.items() if n > 1] == []
        assert set(contents) == set(sent)
        assert {m["message_id"] for m in stored} == set(sent.values())
        assert all(m["account"] == identity.key for m in stored)
        cancelled = set().union(*(w.cancelled for w in workers if w.identity is identity))
        assert {m["message_id"] for m in stored if m["status"] == "cancelled"} == cancelled
        # Reports and replies went only to the account whose messages they are about.
        reports = set().union(*(w.report_message_ids for w in workers if w.identity is identity))
        replies = set().union(*(w.reply_message_ids for w in workers if w.identity is identity))
        assert reports, "no delivery report came back during the run"
        assert replies, "no reply came back during the run"
        assert reports <= set(sent.values())
        assert replies <= set(sent.values())
    assert len(sandbox.messages()) == sum(len(w.sent) for w in workers)


def test_send_batch_hundred_thousand_rows_concurrency_eight(sandbox: SandboxServer) -> None:
    rows = (
        {"content": f"batch row {i}", "destination_number": DESTINATION} for i in range(BATCH_ROWS)
    )
    with HMAC.client(sandbox) as client:
        started = time.perf_counter()
        result = client.messages.send_batch(rows, concurrency=BATCH_CONCURRENCY)
        elapsed = time.perf_counter() - started
    print(f"\n{BATCH_ROWS} rows, concurrency {BATCH_CONCURRENCY}: {elapsed:.1f} s")

    assert result.counts == {"accepted": BATCH_ROWS}
    ids = [row.message_id for row in result.rows]
    assert len(ids) == BATCH_ROWS
    assert None not in ids
    assert len(set(ids)) == BATCH_ROWS
    assert [row.index for row in result.rows] == list(range(BATCH_ROWS))
    assert sandbox.requests_seen("/v1/messages") == BATCH_ROWS // 100  # never split, never resent

    stored = sandbox.messages()
    assert len(stored) == BATCH_ROWS
    contents = Counter(m["content"] for m in stored)
    assert len(contents) == BATCH_ROWS  # every row once
    assert set(contents) == {f"batch row {i}" for i in range(BATCH_ROWS)}
    by_id = {m["message_id"]: m["content"] for m in stored}
    # Each row's message_id is the one the sandbox stored for that row's content.
    assert all(by_id[row.message_id] == f"batch row {row.index}" for row in result.rows)
    assert {m["account"] for m in stored} == {HMAC.key}
