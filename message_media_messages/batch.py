"""send_batch: stream rows, validate each, send valid ones in chunks of <= 100, keep a ledger."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from . import validation
from .exceptions.api_exception import (
    APIException,
    BadRequestError,
    ConfigurationError,
    MessageMediaError,
    ValidationError,
)
from .ledger import (
    ACCEPTED,
    IN_FLIGHT,
    INVALID,
    REJECTED,
    SETTLED,
    UNKNOWN,
    JournalMismatchError,
    Ledger,
    LedgerRows,
)
from .models.message import Message
from .models.send_messages_response import SendMessagesResponse
from .segments import analyze

CHUNK_SIZE = 100  # the API's limit per send request
WINDOW = 1000  # rows of an earlier run's journal read at a time
logger = logging.getLogger("message_media_messages")

Entry = tuple[int, dict[str, Any], bytes | None]  # (row index, wire message, fingerprint)
SendWire = Callable[[dict[str, Any]], SendMessagesResponse]


@dataclass
class BatchProgress:
    """Where a batch is: rows accounted for so far, and their outcomes."""

    rows_done: int
    counts: dict[str, int]


@dataclass
class BatchResult:
    """The ledger of a batch: one row per input row, in input order.

    Attributes:
        counts: outcome -> number of rows.
        rows: every row's `BatchRow` (index, outcome, message_id, error, encoding, segments).
        total_segments: SMS parts for the whole batch (dry runs only).
        dry_run: whether nothing was sent.
    """

    counts: dict[str, int]
    rows: LedgerRows
    total_segments: int | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when no row is invalid, rejected or unknown."""
        return not any(self.counts.get(o) for o in (INVALID, REJECTED, UNKNOWN))


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
    pool: ThreadPoolExecutor | None = None

    def run(self, messages: Iterable[Message | Mapping[str, Any]]) -> None:
        chunk: list[Entry] = []
        prior: dict[int, tuple[bytes | None, str, str | None]] = {}
        index = -1
        for index, row in enumerate(messages):
            if self.ledger.durable and index % WINDOW == 0:
                prior = self.ledger.prior(index, index + WINDOW - 1)
            entry = self._admit(index, row, prior.get(index))
            if entry is not None:
                chunk.append(entry)
                if len(chunk) == CHUNK_SIZE:
                    self._dispatch(chunk)
                    chunk = []
        if self.ledger.durable and self.ledger.recorded_beyond(index):
            raise JournalMismatchError("the journal records more rows than this input has")
        if chunk:
            self._dispatch(chunk)
        self._flush()
        while self.pending or self.queue:
            self._pump(limit=1)
        self._report()

    def _admit(
        self, index: int, row: object, prior: tuple[bytes | None, str, str | None] | None
    ) -> Entry | None:
        """Validate one row; record it if invalid or already settled, else return it to send."""
        wire, problems = _checked(row, index)
        fp = _fingerprint(wire, row) if self.ledger.durable else None
        if prior is not None:
            if prior[0] != fp:
                raise JournalMismatchError(
                    f"row {index} differs from the row the journal recorded: "
                    "use a new journal for a different input"
                )
            if prior[1] in SETTLED:
                self._count(prior[1])
                return None
        if problems or wire is None:
            self.writes.append((index, fp, INVALID, None, problems, None, None))
            self._count(INVALID)
            return None
        return (index, wire, fp)

    def _dispatch(self, chunk: list[Entry]) -> None:
        """Journal the chunk as in flight (with any invalid rows), then send it."""
        self.writes.extend((i, fp, IN_FLIGHT, None, None, None, None) for i, _, fp in chunk)
        self._flush()
        self.queue.append(chunk)
        self._pump(limit=self.concurrency)

    def _pump(self, limit: int) -> None:
        """Send queued chunks, keeping at most `concurrency` in flight; settle finished ones."""
        while self.queue and len(self.pending) < self.concurrency:
            chunk = self.queue.popleft()
            if self.pool is None:
                self._settle(chunk, _attempt(self.send, chunk))
            else:
                self.pending[self.pool.submit(_attempt, self.send, chunk)] = chunk
        if len(self.pending) >= limit:
            done, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
            for future in done:
                self._settle(self.pending.pop(future), future.result())

    def _settle(self, chunk: list[Entry], outcome: object) -> None:
        """Record what one request did to its rows (a 400 splits the chunk and retries)."""
        if isinstance(outcome, BadRequestError) and len(chunk) > 1:
            middle = len(chunk) // 2  # the API sent nothing: resend the halves
            self.queue.extend([chunk[:middle], chunk[middle:]])
            return
        settled = _settled_rows(chunk, outcome)
        self.ledger.settle(settled)
        for state, *_ in settled:
            self._count(state)
        self._report()

    def _count(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.rows_done += 1

    def _flush(self) -> None:
        if self.writes:
            self.ledger.write(self.writes)
            self.writes = []

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(BatchProgress(self.rows_done, dict(self.counts)))


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
        return _dry_run(messages, on_progress)
    run = _Run(send, Ledger(journal), concurrency, on_progress)
    if run.ledger.interrupted:
        logger.warning("%d rows were in flight when the last run stopped", run.ledger.interrupted)
    if concurrency > 1:
        run.pool = ThreadPoolExecutor(concurrency, thread_name_prefix="mm-batch")
    try:
        run.run(messages)
    finally:
        if run.pool is not None:
            run.pool.shutdown(wait=True)
    return BatchResult(run.counts, run.ledger.view())


def _checked(row: object, index: int) -> tuple[dict[str, Any] | None, str | None]:
    """A row's wire form and, if it breaks rules, their text."""
    try:
        wire = validation.wire_message(row)  # type: ignore[arg-type]
    except ValidationError as exc:
        return None, f"row {index}: {exc.rule}"
    problems = validation.message_problems(wire, None)
    if not problems:
        return wire, None
    return wire, f"row {index}: " + "; ".join(str(p) for p in problems)


def _fingerprint(wire: dict[str, Any] | None, row: object) -> bytes:
    """A digest that identifies a row's content across runs."""
    text = json.dumps(
        wire if wire is not None else type(row).__name__,
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr,
    )  # fmt: skip
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).digest()


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
        echoed = outcome.messages or []
        if len(echoed) == len(chunk):
            pairs = zip(echoed, chunk, strict=True)
            return [(ACCEPTED, m.message_id, None, entry[0]) for m, entry in pairs]
        outcome_text = f"the API answered {len(echoed)} messages for {len(chunk)} sent"
        return [(UNKNOWN, None, outcome_text, e[0]) for e in chunk]
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


def _dry_run(
    messages: Iterable[Message | Mapping[str, Any]],
    on_progress: Callable[[BatchProgress], None] | None,
) -> BatchResult:
    """Validate and measure every row; send nothing."""
    ledger, counts, total = Ledger(None), {"valid": 0, INVALID: 0}, 0
    rows: list[tuple[Any, ...]] = []
    for index, row in enumerate(messages):
        wire, problems = _checked(row, index)
        if problems or wire is None:
            rows.append((index, None, INVALID, None, problems, None, None))
            counts[INVALID] += 1
        else:
            parts = analyze(wire["content"])
            total += parts.segments
            rows.append((index, None, "valid", None, None, parts.encoding, parts.segments))
            counts["valid"] += 1
        if len(rows) == WINDOW:
            ledger.write(rows)
            rows = []
            if on_progress is not None:
                on_progress(BatchProgress(index + 1, dict(counts)))
    ledger.write(rows)
    return BatchResult(counts, ledger.view(), total_segments=total, dry_run=True)
