"""The async send_batch's own ways: rows from an async iterable, N requests in flight on one
loop (no thread), a cancel that never leads to a double send; default_region and max_segments
said as the sync batch says them. The rest of its behaviour is the sync one's:
tests/integration/test_batch.py runs for both clients."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from message_media_messages import (
    AsyncMessageMediaMessagesClient,
    ConfigurationError,
    MessageMediaMessagesClient,
    SandboxServer,
)
from message_media_messages.http._async_transport import AsyncTransport

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def sms(i: int) -> dict[str, Any]:
    return {"content": f"row {i}", "destination_number": "+61491570156"}


async def rows(n: int) -> AsyncIterator[dict[str, Any]]:
    for i in range(n):
        if i % 50 == 0:
            await asyncio.sleep(0)  # an async source: other tasks run meanwhile
        yield sms(i)


def ours() -> list[str]:
    """This process's threads, but for the in-process sandbox's (one per connection)."""
    return sorted(t.name for t in threading.enumerate() if "process_request" not in t.name)


def contents(sandbox: SandboxServer) -> Counter[str]:
    return Counter(m["content"] for m in sandbox.messages())


class Counting:
    """An `AsyncBaseTransport` around the real one: how many sends are in flight at once."""

    def __init__(self, inner: AsyncTransport) -> None:
        self.inner, self.now, self.peak, self.threads = inner, 0, 0, set()

    async def send(self, request: Any, *, timeout: Any) -> Any:
        self.now += 1
        self.peak = max(self.peak, self.now)
        self.threads.add(threading.get_ident())
        try:
            await asyncio.sleep(0.05)  # hold each request so the others can start
            return await self.inner.send(request, timeout=timeout)
        finally:
            self.now -= 1

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_rows_from_an_async_iterable_n_requests_in_flight_on_one_loop(sandbox):
    transport = Counting(AsyncTransport(sandbox.url, timeout=(5, 10)))
    before = ours()
    async with AsyncMessageMediaMessagesClient(
        sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url, transport=transport
    ) as client:
        result = await client.messages.send_batch(rows(1000), concurrency=4)
        assert ours() == before  # no worker threads, unlike the sync batch
    assert result.counts == {"accepted": 1000}
    assert [row.index for row in result.rows] == list(range(1000))
    assert transport.peak == 4  # exactly `concurrency` requests at once
    assert transport.threads == {threading.get_ident()}  # all sent from this loop's thread
    assert contents(sandbox) == Counter(f"row {i}" for i in range(1000))


async def test_a_cancelled_batch_resumes_without_sending_a_row_twice(sandbox, tmp_path):
    journal = str(tmp_path / "batch.sqlite")
    client = AsyncMessageMediaMessagesClient(
        sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url, timeout=(5, 30)
    )
    async with client:
        # The 3rd request is processed, then hangs: cancelled while its answer is awaited.
        task = asyncio.create_task(client.messages.send_batch(rows(500), journal=journal))
        while len(sandbox.messages()) < 200:
            await asyncio.sleep(0.01)
        sandbox.fail_next("hang", path="/v1/messages", method="POST", seconds=5, process=True)
        while sandbox.stats()["faults_applied"] < 1:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        stored = contents(sandbox)
        assert max(stored.values()) == 1

        resumed = await client.messages.send_batch(rows(500), journal=journal)
        unknown = [row.index for row in resumed.rows if row.outcome == "unknown"]
        resumed.close()
    after = contents(sandbox)
    assert max(after.values()) == 1  # no row sent twice
    assert len(unknown) == 100  # the chunk in flight at the cancel: never resent
    assert resumed.counts == {"accepted": 400, "unknown": 100}
    assert all(f"row {i}" not in after or after[f"row {i}"] == 1 for i in unknown)


async def test_a_dry_run_reads_an_async_iterable_and_sends_nothing(sandbox):
    async with AsyncMessageMediaMessagesClient(
        sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url
    ) as client:
        result = await client.messages.send_batch(rows(120), dry_run=True)
    assert result.counts == {"valid": 120, "invalid": 0}
    assert result.total_segments == 120
    assert sandbox.requests_seen() == 0


# -- default_region and max_segments: the sync batch's meaning, through the same row check ------

E164 = "must be '+' then 8 to 15 digits after '+' (E.164, first digit 1-9, e.g. +61491570156)"
LONG = "😀" * 200  # UCS-2: 400 units, 7 SMS segments
LOCAL_ROWS = [
    {"content": "a", "destination_number": "0491 570 156"},
    {"content": "b", "destination_number": "(04) 9157 0157"},
    {"content": "c", "destination_number": "+61491570158"},
    {"content": "d", "destination_number": "0491 57"},
    {"content": "e", "destination_number": "12345"},
    {"content": LONG, "destination_number": "0491 570 159"},
    {"content": LONG, "destination_number": "0491 570 160", "format": "MMS"},
]


def listed() -> list[dict[str, Any]]:
    return [dict(row) for row in LOCAL_ROWS]


async def streamed() -> AsyncIterator[dict[str, Any]]:
    for row in LOCAL_ROWS:
        await asyncio.sleep(0)
        yield dict(row)


def client_of(sandbox: SandboxServer) -> AsyncMessageMediaMessagesClient:
    return AsyncMessageMediaMessagesClient(
        sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url
    )


def sync_client_of(sandbox: SandboxServer) -> MessageMediaMessagesClient:
    return MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)


@pytest.mark.parametrize("source", [listed, streamed])
async def test_default_region_and_max_segments_from_a_list_or_an_async_iterable(sandbox, source):
    async with client_of(sandbox) as client:
        result = await client.messages.send_batch(source(), default_region="au", max_segments=6)
    outcomes = [row.outcome for row in result.rows]
    assert outcomes == ["accepted"] * 3 + ["invalid"] * 3 + ["accepted"]  # an MMS has no parts
    assert sorted(m["destination_number"] for m in sandbox.messages()) == [
        "+61491570156", "+61491570157", "+61491570158", "+61491570160"]  # fmt: skip
    assert [row.error for row in result.rows[3:6]] == [
        f"messages[3].destination_number: {E164}; '0491 57' is not a possible phone number in AU",
        f"messages[4].destination_number: {E164}; '12345' is not a possible phone number in AU",
        "messages[5].content: is 7 SMS segments, over max_segments=6",
    ]


@pytest.mark.parametrize("source", [listed, streamed])
async def test_a_dry_run_localises_and_caps_as_the_send_does(sandbox, source):
    async with client_of(sandbox) as client:
        result = await client.messages.send_batch(
            source(), dry_run=True, default_region="AU", max_segments=6
        )
    assert result.counts == {"valid": 4, "invalid": 3}
    assert [row.index for row in result.rows if row.outcome == "invalid"] == [3, 4, 5]
    assert "over max_segments=6" in str(result.rows[5].error)
    assert sandbox.requests_seen() == 0


async def test_the_async_batch_says_what_the_sync_one_says(sandbox):
    with sync_client_of(sandbox) as sync:
        expected = sync.messages.send_batch(listed(), default_region="AU", max_segments=6)
        unhinted = sync.messages.send_batch(listed()[3:5])
    async with client_of(sandbox) as client:
        result = await client.messages.send_batch(streamed(), default_region="AU", max_segments=6)
        without = await client.messages.send_batch(listed()[3:5])
    assert [(r.outcome, r.error) for r in result.rows] == [
        (r.outcome, r.error) for r in expected.rows]  # fmt: skip
    assert [r.error for r in without.rows] == [r.error for r in unhinted.rows]
    assert without.rows[0].error == (
        f"messages[0].destination_number: {E164}; got '0491 57': a local or loosely written number?"
        " give its country with default_region= (CLI: --default-region AU)"
    )
    assert all("default_region" not in str(r.error) for r in result.rows)


async def test_an_unknown_region_or_max_segments_is_refused_as_by_the_sync_batch(sandbox):
    with sync_client_of(sandbox) as sync, pytest.raises(ConfigurationError) as sync_refusal:
        sync.messages.send_batch(listed(), default_region="Australia")
    async with client_of(sandbox) as client:
        for source in (listed, streamed):
            with pytest.raises(ConfigurationError) as refusal:
                await client.messages.send_batch(source(), default_region="Australia")
            assert str(refusal.value) == str(sync_refusal.value)
        with pytest.raises(ConfigurationError, match="max_segments must be a whole number"):
            await client.messages.send_batch(listed(), max_segments=0)
    assert "'Australia'" in str(sync_refusal.value)
    assert sandbox.requests_seen() == 0
