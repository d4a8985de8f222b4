"""iter_unconfirmed end to end: typed items, at-least-once confirmation, limits, following."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.models import DeliveryReport, Reply
from message_media_messages.sandbox import SandboxServer

DEST = "+61491570156"
DR_CONFIRM = "/v1/delivery_reports/confirmed"
REPLY_CONFIRM = "/v1/replies/confirmed"


class Boom(Exception):
    """Raised by a caller's processing step."""


@pytest.fixture
def basic(make_client: Callable[..., MessageMediaMessagesClient]) -> MessageMediaMessagesClient:
    return make_client()


def send(client: MessageMediaMessagesClient, n: int, **fields: Any) -> list[str]:
    """Send n messages (any number); return their message ids in order."""
    rows = [{"content": f"msg {i}", "destination_number": DEST, **fields} for i in range(n)]
    result = client.messages.send_batch(rows)
    assert result.counts == {"accepted": n}
    return [r.message_id for r in result.rows]


def reports(client: MessageMediaMessagesClient, sandbox: SandboxServer, n: int) -> None:
    """Make n unconfirmed delivery reports (one per message: queued -> enroute)."""
    send(client, n, delivery_report=True)
    sandbox.advance()
    assert sandbox.stats()["unconfirmed_delivery_reports"] == n


def replies(client: MessageMediaMessagesClient, sandbox: SandboxServer, n: int) -> list[str]:
    """Make n unconfirmed replies; return their contents in order."""
    texts = [f"reply {i}" for i in range(n)]
    for message_id, text in zip(send(client, n), texts, strict=True):
        sandbox.inject_reply(message_id, text)
    assert sandbox.stats()["unconfirmed_replies"] == n
    return texts


def pending_reports(client: MessageMediaMessagesClient) -> list[str]:
    return [d.delivery_report_id for d in client.delivery_reports.check_delivery_reports()
            .delivery_reports or []]  # fmt: skip


def pending_replies(client: MessageMediaMessagesClient) -> list[str]:
    return [r.reply_id for r in client.replies.check_replies().replies or []]


def confirm_sizes(sandbox: SandboxServer, path: str, key: str) -> list[int]:
    """How many ids each confirm request carried (ids are 36-character UUIDs)."""
    empty = len(json.dumps({key: []}, separators=(",", ":")))  # '{"key":[]}'
    sizes = []
    for entry in sandbox.request_log(path):
        body = entry["body_size"] - empty + 1  # n ids take 38 n + (n - 1) bytes
        assert body % 39 == 0, entry
        sizes.append(body // 39)
    return sizes


# --------------------------------------------------------------------------- delivery reports


def test_delivery_reports_are_typed_and_all_confirmed(client, sandbox):
    send(client, 5, delivery_report=True)
    sandbox.advance()
    expected = pending_reports(client)

    items = list(client.delivery_reports.iter_unconfirmed())

    assert all(isinstance(item, DeliveryReport) for item in items)
    assert [item.delivery_report_id for item in items] == expected
    assert {item.status for item in items} == {"enroute"}
    assert {item.original_text for item in items} == {f"msg {i}" for i in range(5)}
    assert pending_reports(client) == []
    assert confirm_sizes(sandbox, DR_CONFIRM, "delivery_report_ids") == [5]


@pytest.mark.parametrize("k", [1, 2, 5])
def test_break_after_k_confirms_exactly_the_k_minus_1_moved_past(basic, sandbox, k):
    reports(basic, sandbox, 6)
    before = pending_reports(basic)
    taken = []

    for item in basic.delivery_reports.iter_unconfirmed():
        taken.append(item.delivery_report_id)
        if len(taken) == k:
            break  # the k-th item is still being processed: it must stay unconfirmed

    assert taken == before[:k]
    assert pending_reports(basic) == before[k - 1 :]
    assert sandbox.stats()["unconfirmed_delivery_reports"] == 6 - (k - 1)


def test_an_open_iterator_confirms_nothing_until_the_caller_moves_on(basic, sandbox):
    reports(basic, sandbox, 4)
    before = pending_reports(basic)
    it = basic.delivery_reports.iter_unconfirmed()

    first = next(it)
    assert pending_reports(basic) == before  # handed over, not yet processed
    second = next(it)
    assert pending_reports(basic) == before  # confirmed in a batch, not one by one
    it.close()

    assert [first.delivery_report_id, second.delivery_report_id] == before[:2]
    assert pending_reports(basic) == before[1:]


def test_a_processing_error_leaves_the_current_item_unconfirmed(basic, sandbox):
    reports(basic, sandbox, 5)
    before = pending_reports(basic)
    processed = []

    def process(item: DeliveryReport) -> None:
        if len(processed) == 2:
            raise Boom(item.delivery_report_id)
        processed.append(item.delivery_report_id)

    with pytest.raises(Boom) as failed:
        for item in basic.delivery_reports.iter_unconfirmed():
            process(item)

    assert str(failed.value) == before[2]
    assert processed == before[:2]
    assert pending_reports(basic) == before[2:]  # the failed item comes back next time
    again = [item.delivery_report_id for item in basic.delivery_reports.iter_unconfirmed()]
    assert again == before[2:]
    assert pending_reports(basic) == []


@pytest.mark.parametrize("limit", [0, 1, 4, 6, 10])
def test_limit_stops_after_n_items_and_confirms_them(basic, sandbox, limit):
    reports(basic, sandbox, 6)
    before = pending_reports(basic)

    items = list(basic.delivery_reports.iter_unconfirmed(limit=limit))

    assert [item.delivery_report_id for item in items] == before[:limit]
    assert pending_reports(basic) == before[limit:]


def test_follow_polls_with_the_clients_sleep_until_the_limit(make_client, sandbox):
    stepped: list[float] = []

    def sleep(seconds: float) -> None:  # each idle wait lets the sandbox move one step
        stepped.append(seconds)
        sandbox.advance()

    client = make_client(sleep=sleep)
    send(client, 3, delivery_report=True)  # queued: no report yet
    checks = sandbox.requests_seen("/v1/delivery_reports")

    items = list(client.delivery_reports.iter_unconfirmed(follow=True, poll_interval=7.5, limit=5))

    # empty -> wait -> 3 enroute reports -> empty -> wait -> 3 submitted ones, stop after 2
    assert stepped == [7.5, 7.5]
    assert [item.status for item in items] == ["enroute"] * 3 + ["submitted"] * 2
    assert len({item.delivery_report_id for item in items}) == 5
    remaining = client.delivery_reports.check_delivery_reports().delivery_reports
    assert [r.status for r in remaining] == ["submitted"]
    assert remaining[0].delivery_report_id not in {i.delivery_report_id for i in items}
    assert sandbox.requests_seen("/v1/delivery_reports") - checks == 4 + 2 + 1  # + 1: above


def test_without_follow_an_empty_check_ends_without_sleeping(make_client, sandbox, sleeps):
    client = make_client(sleep=sleeps)
    assert list(client.delivery_reports.iter_unconfirmed(poll_interval=3)) == []
    assert list(client.replies.iter_unconfirmed(poll_interval=3)) == []
    assert sleeps.calls == []
    assert sandbox.requests_seen("/v1/delivery_reports") == 1
    assert sandbox.requests_seen("/v1/replies") == 1


def test_more_than_100_reports_are_all_yielded_and_confirmed_in_hundreds(basic, sandbox):
    reports(basic, sandbox, 150)

    items = list(basic.delivery_reports.iter_unconfirmed())

    ids = [item.delivery_report_id for item in items]
    assert len(ids) == len(set(ids)) == 150
    assert {len(i) for i in ids} == {36}
    assert sandbox.stats()["unconfirmed_delivery_reports"] == 0
    assert pending_reports(basic) == []
    assert confirm_sizes(sandbox, DR_CONFIRM, "delivery_report_ids") == [100, 50]


# --------------------------------------------------------------------------- replies


def test_replies_are_typed_and_all_confirmed(client, sandbox):
    texts = replies(client, sandbox, 4)

    items = list(client.replies.iter_unconfirmed())

    assert all(isinstance(item, Reply) for item in items)
    assert [item.content for item in items] == texts
    assert pending_replies(client) == []
    assert confirm_sizes(sandbox, REPLY_CONFIRM, "reply_ids") == [4]


def test_replies_break_and_limit_confirm_only_what_was_moved_past(basic, sandbox):
    replies(basic, sandbox, 6)
    before = pending_replies(basic)

    taken = []
    for item in basic.replies.iter_unconfirmed():
        taken.append(item.reply_id)
        if len(taken) == 3:
            break
    assert taken == before[:3]
    assert pending_replies(basic) == before[2:]

    limited = list(basic.replies.iter_unconfirmed(limit=2))
    assert [r.reply_id for r in limited] == before[2:4]
    assert pending_replies(basic) == before[4:]


def test_a_processing_error_leaves_the_current_reply_unconfirmed(basic, sandbox):
    replies(basic, sandbox, 3)
    before = pending_replies(basic)

    with pytest.raises(Boom):
        for item in basic.replies.iter_unconfirmed():
            if item.reply_id == before[1]:
                raise Boom

    assert pending_replies(basic) == before[1:]


def test_auto_replies_are_followed(make_client, sandbox):
    client = make_client(sleep=lambda seconds: sandbox.advance(to_final=True))
    rows = [{"content": f"ping {i}", "destination_number": "+61491570905"} for i in range(3)]
    assert client.messages.send_batch(rows).counts == {"accepted": 3}

    items = list(client.replies.iter_unconfirmed(follow=True, poll_interval=1, limit=3))

    assert sorted(item.content for item in items) == [f"Auto-reply to: ping {i}" for i in range(3)]
    assert pending_replies(client) == []


def test_more_than_100_replies_are_confirmed_in_hundreds(basic, sandbox):
    replies(basic, sandbox, 120)

    items = list(basic.replies.iter_unconfirmed())

    assert len({item.reply_id for item in items}) == 120
    assert pending_replies(basic) == []
    assert confirm_sizes(sandbox, REPLY_CONFIRM, "reply_ids") == [100, 20]
