"""send_batch: stream rows, validate each, send valid ones in chunks of <= 100, keep a ledger."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from .. import _validation as validation
from ..exceptions.api_exception import (
    APIException,
    BadRequestError,
    ConfigurationError,
    JournalMismatchError,
    JournalWriteError,
    MessageMediaError,
    ValidationError,
)
from ..models.message import Message
from ..models.send_messages_response import SendMessagesResponse
from . import _journal as journal
from ._ledger import (
    ACCEPTED,
    IN_FLIGHT,
    INVALID,
    QUEUED,
    REJECTED,
    SETTLED,
    UNKNOWN,
    BatchRow,
    Ledger,
    LedgerRows,
)

CHUNK_SIZE = 100  # the API's limit per send request
WINDOW = 1000  # rows of an earlier run's journal read at a time
logger = logging.getLogger("message_media_messages")

Entry = tuple[int, dict[str, Any], bytes | None]  # (row index, wire message, fingerprint)
SendWire = Callable[[dict[str, Any]], SendMessagesResponse]


@dataclass
class BatchProgress:
    """Where a batch is: rows accounted for so far, their outcomes, and the rows just settled.

    Attributes:
        rows_done: rows accounted for so far.
        counts: outcome -> number of rows so far.
        rows: the `BatchRow`s this run settled since the previous report, in the order they
            settled (rows an earlier run of the journal settled are counted, not repeated).
    """

    rows_done: int
    counts: dict[str, int]
    rows: list[BatchRow] = field(default_factory=list)


@dataclass
class BatchResult:
    """The ledger of a batch: one row per input row, in input order.

    Attributes:
        counts: outcome -> number of rows.
        rows: every row's `BatchRow` (index, outcome, message_id, error, encoding, segments).
        total_segments: SMS parts for the whole batch (dry runs only).
        dry_run: whether nothing was sent.
        error: the first exception a send request ended with (None if none did): why
            rows are rejected or unknown, e.g. an `AuthenticationError` or a `TransportError`.
    """

    counts: dict[str, int]
    rows: LedgerRows
    total_segments: int | None = None
    dry_run: bool = False
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """True when no row is invalid, rejected or unknown."""
        return not any(self.counts.get(o) for o in (INVALID, REJECTED, UNKNOWN))

    def close(self) -> None:
        """Release the ledger's database (`rows` can no longer be read)."""
        self.rows.close()

    def __enter__(self) -> BatchResult:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@dataclass
class _Run:
    """The state of one send_batch call (internal)."""

    send: SendWire
    ledger: Ledger
    concurrency: int
    on_progress: Callable[[BatchProgress], None] | None
    counts: dict[str, int] = field(default_factory=dict)
    rows_done: int = 0
    writes: list[tuple[Any, ...]] = field(default_factory=list)
    queue: deque[list[Entry]] = field(default_factory=deque)  # chunks waiting to be sent
    pending: dict[Future[object], list[Entry]] = field(default_factory=dict)
    held: list[list[Entry]] = field(default_factory=list)  # see _send_or_hold
    pool: ThreadPoolExecutor | None = None
    error: Exception | None = None  # the first request that failed
    sent: bool = False  # whether any request has left: a refused run reports no rows
    fresh: list[BatchRow] = field(default_factory=list)  # settled since the last report

    def run(self, messages: Iterable[Message | Mapping[str, Any]]) -> None:
        chunk: list[Entry] = []
        prior: dict[int, tuple[bytes | None, str, str | None]] = {}
        horizon, index = self.ledger.last_index(), -1
        for index, row in enumerate(messages):
            if self.ledger.durable and index % WINDOW == 0:
                prior = self.ledger.prior(index, index + WINDOW - 1)
            entry = self._admit(index, row, prior.get(index))
            if entry is not None:
                chunk.append(entry)
                if len(chunk) == CHUNK_SIZE:
                    self._send_or_hold(chunk, index <= horizon)
                    chunk = []
        if self.ledger.durable and self.ledger.recorded_beyond(index):
            raise JournalMismatchError(
                f"the journal {self.ledger.path} records more rows than this input has",
                path=self.ledger.path,
            )
        self._send_or_hold(chunk, False)
        self._flush()
        while self.pending or self.queue:
            self._pump(limit=1)
        self._report()

    def _admit(
        self, index: int, row: object, prior: tuple[bytes | None, str, str | None] | None
    ) -> Entry | None:
        """Validate one row; record it if invalid or already settled, else return it to send."""
        wire, problems = checked(row, index)
        fp = journal.fingerprint(wire, problems) if self.ledger.durable else None
        if prior is not None:
            if prior[0] != fp:
                raise JournalMismatchError(
                    f"row {index} differs from the row the journal {self.ledger.path} "
                    "recorded: use a new journal for a different input",
                    path=self.ledger.path,
                )
            if prior[1] in SETTLED:
                self._count(prior[1])
                return None
        if problems or wire is None:
            self.writes.append((index, fp, INVALID, None, problems, None, None))
            self._count(INVALID)
            self.fresh.append(BatchRow(index, INVALID, None, problems))
            return None
        return (index, wire, fp)

    def _send_or_hold(self, chunk: list[Entry], within_journal: bool) -> None:
        """Send a chunk, unless it lies within the rows an earlier run journaled.

        Those chunks wait until the whole journaled range has matched the input, so a
        different input is refused before any of it is sent.
        """
        if within_journal:
            self.held.append(chunk)
            return
        self.queue.extend([*self.held, chunk] if chunk else self.held)
        self.held = []
        while self.queue:  # at most `concurrency` in flight, nothing piling up
            self._pump(limit=self.concurrency)

    def _pump(self, limit: int) -> None:
        """Send queued chunks, keeping at most `concurrency` in flight; settle finished ones."""
        while self.queue and len(self.pending) < self.concurrency:
            chunk = self.queue.popleft()
            self.writes.extend((i, fp, IN_FLIGHT, None, None, None, None) for i, _, fp in chunk)
            self._flush()  # journaled as in flight before it can leave
            self.sent = True
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
            self.ledger.settle([(QUEUED, None, None, i) for i, _, _ in chunk])
            self.queue.extend([chunk[:middle], chunk[middle:]])
            return False
        if isinstance(outcome, Exception) and self.error is None:
            self.error = outcome
        settled = _settled_rows(chunk, outcome)
        self.ledger.settle(settled)
        for state, message_id, error, index in settled:
            self._count(state)
            self.fresh.append(BatchRow(index, state, message_id, error))
        return True

    def stop(self) -> None:
        """After an interruption: record the answers that already arrived, release the journal.

        If the journal cannot be written, those rows stay in flight (reported unknown by
        the next run, never sent again); the error that stopped the batch is the one raised.
        """
        try:
            if self.pool is not None:
                self.pool.shutdown(wait=True)
            for future, chunk in self.pending.items():
                self._record(chunk, future.result())
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
        if self.writes:
            self.ledger.write(self.writes)
            self.writes = []

    def _report(self) -> None:
        rows, self.fresh = self.fresh, []
        if self.on_progress is not None:
            self.on_progress(BatchProgress(self.rows_done, dict(self.counts), rows))


def send_batch(
    send: SendWire,
    messages: Iterable[Message | Mapping[str, Any]],
    *,
    concurrency: int = 1,
    journal: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Send any number of messages; see `MessagesController.send_batch`."""
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigurationError("concurrency must be a whole number >= 1")
    if dry_run:
        from ._dry_run import dry_run as measure  # a dry run needs none of the sending

        return measure(messages, on_progress)
    run = _Run(send, Ledger(journal), concurrency, on_progress)
    if run.ledger.interrupted:
        logger.warning("%d rows were in flight when the last run stopped", run.ledger.interrupted)
    if concurrency > 1:
        run.pool = ThreadPoolExecutor(concurrency, thread_name_prefix="mm-batch")
    try:
        run.run(messages)
        if not run.counts.get(REJECTED):  # else a rerun has rows to try again
            run.ledger.complete()
    except BaseException:
        run.stop()
        raise
    finally:
        if run.pool is not None:
            run.pool.shutdown(wait=True)
    return BatchResult(run.counts, run.ledger.view(), error=run.error)


def checked(row: object, index: int) -> tuple[dict[str, Any] | None, str | None]:
    """A row's wire form and, if it breaks rules, their text."""
    try:
        wire = validation.wire_message(row)  # type: ignore[arg-type]
    except ValidationError as exc:
        return None, f"row {index}: {exc.rule}"
    problems = validation.message_problems(wire, None)
    if not problems:
        return wire, None
    return wire, f"row {index}: " + "; ".join(str(p) for p in problems)


def _attempt(send: SendWire, chunk: list[Entry]) -> object:
    """Send one chunk; return the response or the exception (runs in a worker thread)."""
    try:
        return send({"messages": [wire for _, wire, _ in chunk]})
    except Exception as exc:  # every failure is recorded against the chunk's rows
        return exc


def _settled_rows(
    chunk: list[Entry], outcome: object
) -> list[tuple[str, str | None, str | None, int]]:
    """(state, message_id, error, index) for each row of a finished request."""
    if isinstance(outcome, SendMessagesResponse):
        ids = [m.message_id for m in outcome.messages or []]
        if len(ids) == len(chunk) and all(isinstance(i, str) and i for i in ids):
            return [(ACCEPTED, i, None, entry[0]) for i, entry in zip(ids, chunk, strict=True)]
        text = f"the API's 2xx answer listed {len(ids)} message ids for {len(chunk)} sent"
        return [(UNKNOWN, None, text, e[0]) for e in chunk]
    if not isinstance(outcome, MessageMediaError):
        logger.error("unexpected error sending a batch chunk", exc_info=outcome)  # type: ignore[arg-type]
    state = REJECTED if _provably_unsent(outcome) else UNKNOWN
    prefix = "" if isinstance(outcome, BadRequestError) or state == UNKNOWN else "not sent: "
    return [(state, None, prefix + _reason(outcome), e[0]) for e in chunk]


def _provably_unsent(outcome: object) -> bool:
    return isinstance(outcome, MessageMediaError) and not outcome.maybe_sent


def _reason(outcome: object) -> str:
    if isinstance(outcome, APIException) and outcome.message:
        details = "; ".join(outcome.details)
        return f"HTTP {outcome.status_code}: {outcome.message}" + (
            f" [{details}]" if details else ""
        )
    return str(outcome)
