"""The sandbox's memory bound: messages evicted oldest first, by count and by simulated age."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from sandbox_helpers import ApiClient, message

from message_media_messages.sandbox import SandboxServer
from message_media_messages.sandbox._cli import _server, build_parser
from message_media_messages.sandbox._clock import SandboxClock
from message_media_messages.sandbox._retention import Retention
from message_media_messages.sandbox._store import Store

DAY = 86_400.0
Make = Callable[..., SandboxServer]


def _sent(client: ApiClient, count: int, **fields: Any) -> list[str]:
    answer = client.send(*(message(content=f"m{i}", **fields) for i in range(count)))
    assert answer.status == 202
    return [m["message_id"] for m in answer.json()["messages"]]


def _status(client: ApiClient, message_id: str) -> int:
    return client.request("GET", f"/v1/messages/{message_id}").status


def test_the_defaults_keep_a_million_messages_for_45_days() -> None:
    store = Store(SandboxClock(), 10)
    assert (store.retention.max_messages, store.retention.retention_days) == (1_000_000, 45.0)
    options = SandboxServer().app.options
    assert (options.max_messages, options.retention_days) == (1_000_000, 45.0)


def test_beyond_max_messages_the_oldest_are_evicted_and_answer_404(
    make_sandbox: Make, make_client: Callable[..., ApiClient]
) -> None:
    sandbox = make_sandbox(max_messages=3)
    client = make_client(sandbox)
    ids = _sent(client, 2) + _sent(client, 3)  # five sent, in two requests
    assert [_status(client, i) for i in ids] == [404, 404, 200, 200, 200]
    body = client.request("GET", f"/v1/messages/{ids[0]}").json()
    assert body == {"message": "Resource not found."}  # as for any unknown id
    cancel = client.request("PUT", f"/v1/messages/{ids[1]}", {"status": "cancelled"})
    assert cancel.status == 404
    assert [m["message_id"] for m in sandbox.messages()] == ids[2:]  # oldest first
    stats = sandbox.stats()
    assert (stats["messages"], stats["evicted_messages"]) == (3, 2)
    with pytest.raises(KeyError):
        sandbox.inject_reply(ids[0], "STOP")


def test_a_message_older_than_the_retention_period_is_evicted(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    old = _sent(client, 1)[0]
    sandbox.advance(steps=0, seconds=44 * DAY)
    assert _status(client, old) == 200  # 44 days: still kept
    recent = _sent(client, 1)[0]
    sandbox.advance(steps=0, seconds=2 * DAY)  # the first is 46 days old, the second 2
    assert _status(client, old) == 404
    assert _status(client, recent) == 200
    assert sandbox.stats()["evicted_messages"] == 1


def test_age_eviction_is_seen_without_an_advance_as_wall_time_passes() -> None:
    now = [1_000_000.0]
    store = Store(SandboxClock(lambda: now[0]), 10, retention=Retention(retention_days=45))
    (echo,) = store.submit("acct", [message()])
    now[0] += 45 * DAY - 1
    assert store.get("acct", echo["message_id"]) is not None
    now[0] += 1  # exactly 45 days
    assert store.get("acct", echo["message_id"]) is None
    assert store.cancel("acct", echo["message_id"]) == (None, None)


def test_an_evicted_message_takes_its_unconfirmed_reports_and_replies_with_it(
    make_sandbox: Make, make_client: Callable[..., ApiClient]
) -> None:
    sandbox = make_sandbox(retention_days=45)
    client = make_client(sandbox)
    old = _sent(client, 1, number="+61491570905", delivery_report=True)[0]  # auto-reply
    sandbox.advance(to_final=True, seconds=DAY)
    kept = _sent(client, 1, delivery_report=True)[0]
    sandbox.advance(to_final=True)
    sandbox.inject_reply(kept, "STOP")
    reports = client.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert sorted({r["message_id"] for r in reports}) == sorted({old, kept})
    assert sandbox.stats()["unconfirmed_replies"] == 2
    sandbox.advance(steps=0, seconds=44.5 * DAY)  # old: 45.5 days; kept: 44.5 days
    reports = client.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert {r["message_id"] for r in reports} == {kept}
    assert len(reports) == 3  # enroute, submitted, delivered
    replies = client.request("GET", "/v1/replies").json()["replies"]
    assert [r["message_id"] for r in replies] == [kept]
    assert sandbox.stats()["unconfirmed_delivery_reports"] == 3


def test_evicted_messages_no_longer_move(
    make_sandbox: Make, make_client: Callable[..., ApiClient]
) -> None:
    sandbox = make_sandbox(max_messages=1)
    client = make_client(sandbox)
    _sent(client, 2)
    assert sandbox.stats()["active_messages"] == 1
    assert sandbox.advance(to_final=True)["transitions"] == 3  # one message, three steps


def test_the_limits_are_checked() -> None:
    for bad in ({"max_messages": 0}, {"retention_days": 0}, {"retention_days": -1.0}):
        with pytest.raises(ValueError, match="max_messages >= 1 and retention_days > 0"):
            SandboxServer(**bad)


def test_the_command_line_sets_the_limits() -> None:
    args = build_parser().parse_args(["--max-messages", "10", "--retention-days", "2.5"])
    options = _server(args).app.options
    assert (options.max_messages, options.retention_days) == (10, 2.5)
    defaults = _server(build_parser().parse_args([])).app.options
    assert (defaults.max_messages, defaults.retention_days) == (1_000_000, 45.0)


def test_memory_stays_bounded_by_max_messages() -> None:
    store = Store(SandboxClock(), 10**6, retention=Retention(max_messages=1_000))
    batch = [message(content=f"message number {i}", metadata={"row": str(i)}) for i in range(100)]
    tracemalloc.start()
    try:
        for _ in range(10):
            store.submit("acct", [dict(m) for m in batch])
        at_cap = tracemalloc.get_traced_memory()[0]
        for _ in range(90):  # nine times more messages: memory must not grow with them
            store.submit("acct", [dict(m) for m in batch])
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert store.summary()["messages"] == 1_000
    assert store.summary()["evicted_messages"] == 9_000
    assert after < at_cap * 1.2, (at_cap, after)


def test_a_scheduled_message_is_kept_45_days_past_its_scheduled_time(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    due = sandbox.clock.now() + 60 * DAY
    scheduled = datetime.fromtimestamp(due, timezone.utc).isoformat().replace("+00:00", "Z")
    later = _sent(client, 1, scheduled=scheduled)[0]
    sandbox.advance(steps=0, seconds=100 * DAY)  # 40 days past its time: kept
    assert client.request("GET", f"/v1/messages/{later}").json()["status"] == "queued"
    sandbox.advance(steps=0, seconds=6 * DAY)
    assert _status(client, later) == 404
