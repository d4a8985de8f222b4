"""The async send_batch's own ways: rows from an async iterable, N requests in flight on one
loop (no thread), a cancel that never leads to a double send. The rest of its behaviour is
the sync one's: tests/integration/test_batch.py runs for both clients."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from message_media_messages import AsyncMessageMediaMessagesClient, SandboxServer
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
