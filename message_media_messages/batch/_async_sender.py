"""The async send_batch: the sync run's ledger, journal and decisions, its requests on one loop.

Everything a row goes through (validation, the journal's window checks, holding journaled
chunks until the input matched, in flight before it leaves, halves after a 400, outcomes,
progress) is the sync `_Run`'s own; only the sending is awaited: `concurrency` requests in
flight as tasks of one task group, rows from an iterable or an async iterable.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ..models.message import Message
from ..models.send_messages_response import SendMessagesResponse
from ._dry_run import Measured
from ._ledger import Ledger
from ._results import BatchProgress, BatchResult
from ._rows import Entry, check_settings
from ._sender import Arrived, _Run

AsyncSendWire = Callable[[dict[str, Any]], Awaitable[SendMessagesResponse]]
Rows = Iterable[Message | Mapping[str, Any]] | AsyncIterable[Message | Mapping[str, Any]]


class _AsyncRun(_Run):
    """One async send_batch call: the sync run, with its pump awaited."""

    group: TaskGroup
    outbox: MemoryObjectSendStream[tuple[list[Entry], object]]
    inbox: MemoryObjectReceiveStream[tuple[list[Entry], object]]
    in_flight: int = 0

    async def arun(self, messages: Rows) -> None:
        """`_Run.run`, awaited: rows in, chunks out, every answer settled."""
        self.horizon, index = self.ledger.last_index(), -1
        async for index, row in _numbered(messages):
            full = self.take(index, row)
            if full is not None:
                await self._send_or_hold_async(*full)
        await self._send_or_hold_async(self.end_of_input(index), False)
        self._flush()
        while self.in_flight or self.queue:
            await self._pump_async(limit=1)
        self._flush()
        self._report()

    async def _send_or_hold_async(self, chunk: list[Entry], within_journal: bool) -> None:
        self.release(chunk, within_journal)
        while self.queue:  # at most `concurrency` in flight, nothing piling up
            await self._pump_async(limit=self.concurrency)

    async def _pump_async(self, limit: int) -> None:
        """Start queued chunks, at most `concurrency` in flight; settle the finished ones."""
        while self.queue and self.in_flight < self.concurrency:
            chunk = self.launch()
            self.in_flight += 1
            self.group.start_soon(self._attempt, chunk)
        if self.in_flight and self.in_flight >= limit:
            arrived = [await self.inbox.receive(), *self.drain()]
            for chunk, outcome in arrived:
                self.in_flight -= 1
                self._settle(chunk, outcome)

    async def _attempt(self, chunk: list[Entry]) -> None:
        """Send one chunk; hand its response or exception to the pump."""
        try:
            outcome: object = await self.send({"messages": [entry.wire for entry in chunk]})
        except Exception as exc:  # every failure is recorded against the chunk's rows
            outcome = exc
        self.outbox.send_nowait((chunk, outcome))

    def drain(self) -> Arrived:
        """The answers that arrived and were not settled yet."""
        arrived: Arrived = []
        while True:
            try:
                arrived.append(self.inbox.receive_nowait())
            except anyio.WouldBlock:
                return arrived


async def send_batch(
    send: AsyncSendWire,
    messages: Rows,
    *,
    concurrency: int = 1,
    journal: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[BatchProgress], None] | None = None,
    max_segments: int | None = None,
    default_region: str | None = None,
) -> BatchResult:
    """Send any number of messages; see `AsyncMessagesController.send_batch`.

    An error (from the input, the journal) stops it once the requests in flight are
    answered, as the sync one does; a cancel cancels them too: their rows stay in flight
    in the journal, so the next run reports them unknown and never resends them.
    """
    region = check_settings(concurrency, max_segments, default_region)
    if dry_run:
        measured = Measured(on_progress, max_segments, region)
        async for index, row in _numbered(messages):
            measured.add(index, row)
        return measured.result()
    run = _AsyncRun(send, Ledger(journal), concurrency, on_progress, max_segments, region)
    run.begin()
    run.outbox, run.inbox = anyio.create_memory_object_stream(math.inf)
    try:
        await _drive(run, messages)
        run.complete()
    except BaseException:
        run.stop(run.drain())
        raise
    return run.result()


async def _drive(run: _AsyncRun, messages: Rows) -> None:
    """Run the batch in a task group, its own errors raised as themselves (not grouped)."""
    stopped: BaseException | None = None
    async with anyio.create_task_group() as group:
        run.group = group
        try:
            await run.arun(messages)
        except Exception as exc:  # an error is no kill: the requests in flight are answered
            stopped = exc
        except BaseException as exc:  # a cancel cancels them: their rows stay in flight
            stopped = exc
            group.cancel_scope.cancel()
    if stopped is not None:
        raise stopped


async def _numbered(messages: Rows) -> AsyncIterator[tuple[int, object]]:
    """(index, row) from an async iterable or a plain one."""
    if isinstance(messages, AsyncIterable):
        index = 0
        async for row in messages:
            yield index, row
            index += 1
    else:
        for pair in enumerate(messages):
            yield pair
