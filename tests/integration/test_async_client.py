"""What only an async client can get wrong: the loop, threads, cancellation, its fixture.

Run by anyio's pytest plugin on asyncio, against the sandbox over real HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from message_media_messages import AsyncMessageMediaMessagesClient, SandboxServer
from message_media_messages.exceptions import APITimeoutError

pytestmark = pytest.mark.anyio
SMS = {"messages": [{"content": "async", "destination_number": "+61491570156"}]}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def make() -> AsyncIterator[Any]:
    """`await make(sandbox_or_url, **settings)`: async clients, closed after the test."""
    made: list[AsyncMessageMediaMessagesClient] = []

    def build(server: SandboxServer, **settings: Any) -> AsyncMessageMediaMessagesClient:
        settings.setdefault("base_uri", server.url)
        client = AsyncMessageMediaMessagesClient(server.api_key, server.api_secret, **settings)
        made.append(client)
        return client

    yield build
    for client in made:
        await client.aclose()


async def _message_id(client: AsyncMessageMediaMessagesClient) -> str:
    sent = await client.messages.send_messages(SMS)
    return str(sent.messages[0].message_id)


# ----------------------------------------------------------------- the loop and threads


async def test_the_event_loop_keeps_ticking_during_a_slow_call(sandbox, make):
    client = make(sandbox, timeout=(2, 10))
    sandbox.fail_next("trickle", path="/v1/messaging/credits", interval=0.03)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    credits = await client.messages.check_credits_remaining()
    elapsed = time.monotonic() - started
    ticker.cancel()
    assert isinstance(credits["remaining_credits"], int)  # the trickled answer, whole
    assert elapsed >= 0.5  # it was slow: about 30 bytes at 30 ms each
    assert ticks >= elapsed / 0.01 * 0.5  # the loop ran the ticker all along


@contextlib.contextmanager
def sandbox_process() -> Iterator[str]:
    """A sandbox in its own process (its threads are not ours to count); yields its URL."""
    command = [sys.executable, "-m", "message_media_messages.sandbox", "--port", "0", "--manual"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        match = re.search(r"listening on (\S+)", proc.stdout.readline())
        assert match is not None
        yield match.group(1)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def control(url: str, path: str, body: dict[str, Any]) -> None:
    """POST to the sandbox's control endpoint `path`."""
    host = url.split("//", 1)[1]
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    assert conn.getresponse().status in (200, 201)
    conn.close()


async def test_200_calls_in_flight_add_no_threads():
    with sandbox_process() as url:
        client = AsyncMessageMediaMessagesClient(
            "sandbox-key", "sandbox-secret", base_uri=url, timeout=(10, 20)
        )
        async with client:
            message_id = await _message_id(client)
            path = f"/v1/messages/{message_id}"
            control(url, "/_sandbox/faults", {"kind": "trickle", "count": 200, "path": path,
                                              "method": "GET", "interval": 0.002})  # fmt: skip
            before = threading.active_count()
            in_flight = peak = threads = 0

            async def status() -> str:
                nonlocal in_flight, peak, threads
                in_flight += 1
                peak = max(peak, in_flight)
                found = await client.messages.get_message_status(message_id)
                threads = max(threads, threading.active_count())
                in_flight -= 1
                return str(found.message_id)

            async def watch() -> None:
                nonlocal threads
                while True:
                    threads = max(threads, threading.active_count())
                    await asyncio.sleep(0.005)

            watcher = asyncio.create_task(watch())
            found = await asyncio.gather(*(status() for _ in range(200)))
            watcher.cancel()
    assert found == [message_id] * 200
    assert peak == 200  # all 200 were in flight together
    assert threads == before  # and no thread was started for any of them


# ------------------------------------------------------------------------ cancellation


async def test_a_send_cancelled_after_it_was_written_says_maybe_sent(sandbox, make):
    client = make(sandbox, timeout=(2, 10))
    sandbox.fail_next("hang", path="/v1/messages", method="POST", seconds=2, process=True)
    seen: list[bool] = []
    task = asyncio.create_task(recorded(client.messages.send_messages(SMS), seen))
    await _until(lambda: sandbox.requests_seen("/v1/messages") == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == [True]
    assert len(sandbox.messages()) == 1  # it was indeed processed


async def test_a_send_cancelled_while_waiting_to_retry_a_429_says_not_sent(sandbox, make):
    client = make(sandbox, max_retries=2)
    sandbox.fail_next("status", path="/v1/messages", method="POST", status=429, retry_after=5)
    seen: list[bool] = []
    task = asyncio.create_task(recorded(client.messages.send_messages(SMS), seen))
    await _until(lambda: sandbox.requests_seen("/v1/messages") == 1)
    await asyncio.sleep(0.1)  # now in the Retry-After wait
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == [False]  # a 429 is refused unprocessed: nothing went out
    assert sandbox.messages() == []


async def test_an_idempotent_call_cancelled_mid_answer_says_not_sent(sandbox, make):
    client = make(sandbox, timeout=(2, 10))
    message_id = await _message_id(client)
    sandbox.fail_next("hang", path=f"/v1/messages/{message_id}", seconds=2)
    seen: list[bool] = []
    task = asyncio.create_task(recorded(client.messages.get_message_status(message_id), seen))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen == [False]  # repeating a GET is harmless


async def test_a_cancel_leaves_no_half_read_connection_in_the_pool(sandbox, make):
    client = make(sandbox, timeout=(2, 10), pool_maxsize=1, max_retries=0)
    message_id = await _message_id(client)
    path = f"/v1/messages/{message_id}"
    sandbox.fail_next("trickle", path=path, method="GET", interval=0.05)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.messages.get_message_status(message_id), 0.3)
    seen = sandbox.requests_seen(path)
    # With no retry allowed, a reused half-read connection would fail or misparse this call.
    found = await client.messages.get_message_status(message_id)
    assert str(found.message_id) == message_id
    assert sandbox.requests_seen(path) == seen + 1


async def test_a_trickled_answer_cannot_hold_a_call_past_its_read_budget(sandbox, make):
    client = make(sandbox, timeout=(1, 0.4), max_retries=0)
    sandbox.fail_next("trickle", path="/v1/messages", method="POST", interval=0.05)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        await client.messages.send_messages(SMS)
    elapsed = time.monotonic() - started
    assert caught.value.maybe_sent is True
    assert 0.4 <= elapsed < 0.4 + 0.3  # the budget from when it was written, and no longer


async def recorded(call: Any, seen: list[bool]) -> Any:
    """Await `call` in the task being cancelled, noting the `maybe_sent` of the
    CancelledError it raises (on Python 3.10 whoever awaits a cancelled task gets a new
    CancelledError, whose `__context__` is that one)."""
    try:
        return await call
    except asyncio.CancelledError as cancelled:
        seen.append(cancelled.maybe_sent)
        raise


async def _until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)


# ----------------------------------------------------------------------- poll and confirm


async def test_iter_unconfirmed_confirms_only_what_the_caller_moved_past(sandbox, make):
    client = make(sandbox)
    for n in range(3):
        message = {"content": f"r{n}", "destination_number": "+61491570156"}
        await client.messages.send_messages({"messages": [{**message, "delivery_report": True}]})
    sandbox.advance(to_final=True)
    total = sandbox.stats()["unconfirmed_delivery_reports"]
    assert total >= 3
    seen = []
    async with contextlib.aclosing(client.delivery_reports.iter_unconfirmed()) as reports:
        async for report in reports:
            seen.append(report.delivery_report_id)
            if len(seen) == 2:
                break  # the second one is being processed: not confirmed
    assert sandbox.stats()["unconfirmed_delivery_reports"] == total - 1
    left = [r async for r in client.delivery_reports.iter_unconfirmed()]
    assert left[0].delivery_report_id == seen[1]  # handed over again: at-least-once
    assert sandbox.stats()["unconfirmed_delivery_reports"] == 0


# ---------------------------------------------------------------------------- the fixture


async def test_the_mm_async_client_fixture(mm_sandbox, mm_async_client):
    sent = await mm_async_client.messages.send_messages(SMS)
    message_id = sent.messages[0].message_id
    assert [m["message_id"] for m in mm_sandbox.messages()] == [message_id]
    found = await mm_async_client.messages.get_message_status(message_id)
    assert found.status == "queued"
    assert repr(mm_async_client).startswith("<AsyncMessageMediaMessagesClient http://127.0.0.1:")
