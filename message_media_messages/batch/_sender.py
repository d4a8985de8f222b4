"""send_batch: stream rows, validate each, send valid ones in chunks of <= 100, keep a ledger."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from .._rules import MAX_MESSAGES
from ..exceptions.api_exception import (
    BadRequestError,
    JournalMismatchError,
    JournalWriteError,
)
from ..models.message import Message
from ..models.send_messages_response import SendMessagesResponse
from . import _journal as journal
from ._dry_run import dry_run as measure
from ._ledger import (
    IN_FLIGHT,
    INVALID,
    INVALID_COLUMNS,
    QUEUED,
    REJECTED,
    SETTLED,
    WINDOW,
    BatchRow,
    Group,
    Ledger,
    LedgerRow,
)
from ._results import BatchProgress, BatchResult
from ._rows import Entry, Settled, check_settings, checked, group, settled, where

logger = logging.getLogger("message_media_messages")

SendWire = Callable[[dict[str, Any]], SendMessagesResponse]
Arrived = list[tuple[list[Entry], object]]  # finished requests: (chunk, response or error)


@dataclass
class _Run:
    """The state of one send_batch call (internal)."""

    send: Callable[[dict[str, Any]], Any]  # a SendWire (the async run's returns awaitables)
    ledger: Ledger
    concurrency: int
    on_progress: Callable[[BatchProgress], None] | None
    max_segments: int | None = None  # longer SMS rows are invalid
    region: str | None = None  # the country of local numbers (a check_settings code)
    counts: dict[str, int] = field(default_factory=dict)
    rows_done: int = 0
    writes: list[tuple[object, ...]] = field(default_factory=list)  # invalid rows to record
    groups: list[Group] = field(default_factory=list)  # chunks' rows to record
    buffered: int = 0  # rows in `groups`
    queue: deque[list[Entry]] = field(default_factory=deque)  # chunks waiting to be sent
    pending: dict[Future[object], list[Entry]] = field(default_factory=dict)
    held: list[list[Entry]] = field(default_factory=list)  # see _send_or_hold
    pool: ThreadPoolExecutor | None = None
    error: Exception | None = None  # the first request that failed
    sent: bool = False  # whether any request has left: a refused run reports no rows
    fresh: list[BatchRow] = field(default_factory=list)  # settled since the last report
    chunk: list[Entry] = field(default_factory=list)  # admitted rows, not a full chunk yet
    prior: dict[int, LedgerRow] = field(default_factory=dict)  # the journal's current window
    horizon: int = -1  # the last row index the journal records

    def run(self, messages: Iterable[Message | Mapping[str, Any]]) -> None:
        self.horizon, index = self.ledger.last_index(), -1
        for index, row in enumerate(messages):
            full = self.take(index, row)
            if full is not None:
                self._send_or_hold(*full)
        self._send_or_hold(self.end_of_input(index), False)
        self._flush()
        while self.pending or self.queue:
            self._pump(limit=1)
        self._flush()
        self._report()

    def take(self, index: int, row: object) -> tuple[list[Entry], bool] | None:
        """Admit row `index`: the chunk it fills, if any, and whether it lies within the
        rows an earlier run journaled (the decisions both the sync and async runs use)."""
        if self.ledger.durable and index % WINDOW == 0:
            self.prior = self.ledger.prior(index, index + WINDOW - 1)
        entry = self._admit(index, row, self.prior.get(index))
        if entry is None:
            return None
        self.chunk.append(entry)
        if len(self.chunk) < MAX_MESSAGES:
            return None
        full, self.chunk = self.chunk, []
        return full, index <= self.horizon

    def end_of_input(self, index: int) -> list[Entry]:
        """The last (partial) chunk, once the input ended at row `index`.

        Raises:
            JournalMismatchError: the journal records rows beyond the input's end.
        """
        if self.ledger.durable and self.ledger.recorded_beyond(index):
            raise JournalMismatchError(
                f"the journal {self.ledger.path} records more rows than this input has",
                path=self.ledger.path,
            )
        last, self.chunk = self.chunk, []
        return last

    def _admit(self, index: int, row: object, prior: LedgerRow | None) -> Entry | None:
        """Validate one row; record it if invalid or already settled, else return it to send."""
        wire, problems = checked(row, index, self.max_segments, self.region)
        fp = journal.fingerprint(wire, problems) if self.ledger.durable else None
        if prior is not None:
            if prior.fp != fp:
                raise JournalMismatchError(
                    f"{where(index)} differs from the row the journal {self.ledger.path} "
                    "recorded: use a new journal for a different input",
                    path=self.ledger.path,
                )
            if prior.state in SETTLED:
                self._count(prior.state)
                return None
        if problems or wire is None:
            self.writes.append((index, fp, INVALID, problems))
            self._count(INVALID)
            if self.on_progress is not None:
                self.fresh.append(BatchRow(index, INVALID, error=problems))
            if len(self.writes) >= WINDOW and index > self.horizon:  # none sent between them:
                self._flush()  # recorded and reported a window at a time, not all held
                self._report()
            return None
        return Entry(index, wire, fp)

    def release(self, chunk: list[Entry], within_journal: bool) -> None:
        """Queue a chunk to send, unless it lies within the rows an earlier run journaled.

        Those chunks wait until the whole journaled range has matched the input, so a
        different input is refused before any of it is sent.
        """
        if within_journal:
            self.held.append(chunk)
            return
        self.queue.extend([*self.held, chunk] if chunk else self.held)
        self.held = []

    def launch(self) -> list[Entry]:
        """The next queued chunk, journaled as in flight before it can leave."""
        chunk = self.queue.popleft()
        if self.ledger.durable:  # a temp ledger is gone after a crash: nothing to mark
            self.groups.append(group(chunk, Settled(IN_FLIGHT, None, None), True))
            self._flush()
        self.sent = True
        return chunk

    def _send_or_hold(self, chunk: list[Entry], within_journal: bool) -> None:
        self.release(chunk, within_journal)
        while self.queue:  # at most `concurrency` in flight, nothing piling up
            self._pump(limit=self.concurrency)

    def _pump(self, limit: int) -> None:
        """Send queued chunks, keeping at most `concurrency` in flight; settle finished ones."""
        while self.queue and len(self.pending) < self.concurrency:
            chunk = self.launch()
            if self.pool is None:
                self._settle(chunk, _attempt(self.send, chunk))
            else:
                self.pending[self.pool.submit(_attempt, self.send, chunk)] = chunk
        if self.pending and len(self.pending) >= limit:
            done, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
            for future in done:
                self._settle(self.pending.pop(future), future.result())

    def _settle(self, chunk: list[Entry], outcome: object) -> None:
        """Record what one request did to its rows, then report progress."""
        if self._record(chunk, outcome):
            self._report()

    def _record(self, chunk: list[Entry], outcome: object) -> bool:
        """Record a finished request; a 400 on several rows queues its halves instead."""
        if isinstance(outcome, BadRequestError) and len(chunk) > 1:
            middle = len(chunk) // 2  # the API sent nothing: resend the halves
            if self.ledger.durable:
                self.ledger.write(groups=[group(chunk, Settled(QUEUED, None, None), True)])
            self.queue.extend([chunk[:middle], chunk[middle:]])
            return False
        if isinstance(outcome, Exception) and self.error is None:
            self.error = outcome
        fate = settled([e.idx for e in chunk], outcome)
        rows = group(chunk, fate, self.ledger.durable)
        if self.ledger.durable:  # one commit per chunk, before it is reported
            self.ledger.write(groups=[rows])
        else:  # written in windows: nothing reads a temp ledger before the run ends
            self.groups.append(rows)
            self.buffered += len(chunk)
            if self.buffered >= WINDOW:
                self._flush()
        state, ids, error = fate
        self.counts[state] = self.counts.get(state, 0) + len(chunk)
        self.rows_done += len(chunk)
        if self.on_progress is not None:
            idxs = (e.idx for e in chunk)
            self.fresh += map(BatchRow, idxs, repeat(state), ids or repeat(None), repeat(error))
        return True

    def stop(self, arrived: Arrived | None = None) -> None:
        """After an interruption: record the answers that already arrived, release the journal.

        `arrived`: the async run's finished requests (the sync run's are its futures). If
        the journal cannot be written, those rows stay in flight (reported unknown by the
        next run, never sent again); the error that stopped the batch is the one raised.
        """
        try:
            if self.pool is not None:
                self.pool.shutdown(wait=True)
            if arrived is None:
                arrived = [(chunk, future.result()) for future, chunk in self.pending.items()]
            for chunk, outcome in arrived:
                self._record(chunk, outcome)
            self.pending.clear()
            self._flush()
            if self.sent:  # hand over what settled (a refused run sent nothing, reports nothing)
                self._report()
        except JournalWriteError as exc:
            logger.error("could not record the answers that arrived: %s", exc)
        finally:
            self.ledger.close()

    def _count(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.rows_done += 1

    def _flush(self) -> None:
        if self.writes or self.groups:
            self.ledger.write(self.writes, INVALID_COLUMNS, self.groups)
            self.writes, self.groups, self.buffered = [], [], 0

    def _report(self) -> None:
        rows, self.fresh = self.fresh, []
        if self.on_progress is not None:
            self.on_progress(BatchProgress(self.rows_done, dict(self.counts), rows))

    def begin(self) -> None:
        """Say so when the last run on this journal stopped with rows in flight."""
        if self.ledger.interrupted:
            stopped = self.ledger.interrupted
            logger.warning("%d rows were in flight when the last run stopped", stopped)

    def complete(self) -> None:
        """The run went through its input: the journal is complete, unless rows were
        rejected (a rerun has those to try again)."""
        if not self.counts.get(REJECTED):
            self.ledger.complete()

    def result(self) -> BatchResult:
        """What the run returns: counts and the ledger's rows."""
        return BatchResult(self.counts, self.ledger.view(), error=self.error)


def send_batch(
    send: SendWire,
    messages: Iterable[Message | Mapping[str, Any]],
    *,
    concurrency: int = 1,
    journal: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[BatchProgress], None] | None = None,
    max_segments: int | None = None,
    default_region: str | None = None,
) -> BatchResult:
    """Send any number of messages; see `MessagesController.send_batch`."""
    region = check_settings(concurrency, max_segments, default_region)
    if dry_run:
        return measure(messages, on_progress, max_segments, region)
    run = _Run(send, Ledger(journal), concurrency, on_progress, max_segments, region)
    run.begin()
    if concurrency > 1:
        run.pool = ThreadPoolExecutor(concurrency, thread_name_prefix="mm-batch")
    try:
        run.run(messages)
        run.complete()
    except BaseException:
        run.stop()
        raise
    finally:
        if run.pool is not None:
            run.pool.shutdown(wait=True)
    return run.result()


def _attempt(send: SendWire, chunk: list[Entry]) -> object:
    """Send one chunk; return the response or the exception (runs in a worker thread)."""
    try:
        return send({"messages": [entry.wire for entry in chunk]})
    except Exception as exc:  # every failure is recorded against the chunk's rows
        return exc
