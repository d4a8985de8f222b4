"""The batch ledger: one row per input row, kept in SQLite so memory stays flat and runs resume."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple, overload

from ..exceptions.api_exception import JournalWriteError
from . import _journal as journal

ACCEPTED, INVALID, REJECTED, UNKNOWN, VALID = "accepted", "invalid", "rejected", "unknown", "valid"
IN_FLIGHT = "in_flight"  # journal only: written before a chunk is sent, settled after
QUEUED = "queued"  # journal only: split after a 400 (nothing sent), waiting to be resent
SETTLED = frozenset({ACCEPTED, UNKNOWN})  # never sent again by a resumed run
INTERRUPTED = "the request was in flight when an earlier run stopped: it may have been sent"

WINDOW = 1000  # rows of an earlier run's journal read at a time


@dataclass(frozen=True)
class BatchRow:
    """The fate of one input row.

    Attributes:
        index: 0-based position in the input.
        outcome: "accepted", "invalid", "rejected" or "unknown" ("valid" on a dry run).
        message_id: the API's id, for accepted rows.
        error: why the row was invalid, rejected or unknown; None otherwise.
        encoding: "GSM-7" or "UCS-2" (dry runs).
        segments: SMS parts the content needs (dry runs).
    """

    index: int
    outcome: str
    message_id: str | None = None
    error: str | None = None
    encoding: str | None = None
    segments: int | None = None


class LedgerRow(NamedTuple):
    """One row of the ledger's table, its fields in the table's column order.

    Attributes:
        idx: 0-based position in the input.
        fp: the row's fingerprint (journals only; None in a temp ledger).
        state: a `BatchRow` outcome, or IN_FLIGHT / QUEUED while a journal is being written.
        message_id, error, encoding, segments: as in `BatchRow`.
    """

    idx: int
    fp: bytes | None
    state: str
    message_id: str | None = None
    error: str | None = None
    encoding: str | None = None
    segments: int | None = None

    def public(self) -> BatchRow:
        """The `BatchRow` users see: every field but the fingerprint, in the same order."""
        return BatchRow(self[0], *self[2:])


class Group(NamedTuple):
    """Rows of one chunk, written by one statement: their own columns, a shared state and error.

    Attributes:
        columns: the columns each row gives, e.g. ("idx", "fp"); the others are left NULL.
        rows: one tuple of those values per row.
        state: every row's state.
        error: every row's error.
    """

    columns: tuple[str, ...]
    rows: Sequence[tuple[object, ...]]
    state: str
    error: str | None = None


@functools.lru_cache(maxsize=32)
def _group_statement(columns: tuple[str, ...], count: int) -> str:
    """One INSERT for `count` rows: a multi-row VALUES binds much faster than executemany."""
    own = ", ".join(f"column{i + 1}" for i in range(len(columns)))
    one = _places(len(columns))
    return (
        f"INSERT OR REPLACE INTO rows ({', '.join(columns)}, state, error) "
        f"SELECT {own}, ?, ? FROM (VALUES {', '.join([one] * count)})"
    )


def _places(count: int) -> str:
    """`(?, ?, ...)`: the placeholders of one row of `count` values."""
    return "(" + ", ".join("?" * count) + ")"


_COLUMNS = ", ".join(LedgerRow._fields)
INVALID_COLUMNS = ("idx", "fp", "state", "error")  # the shape of invalid rows during a send
_PUBLIC_COLUMNS = ", ".join(name for name in LedgerRow._fields if name != "fp")  # BatchRow's


class Ledger:
    """Row outcomes in SQLite: a journal file (durable, resumable) or a private temp database.

    A journal is held by this run alone (see `journal.lock`) until the ledger, or the
    `LedgerRows` it hands out, is closed. Each chunk's state change (in flight before it
    is sent, its outcome after) is one transaction, so a run stopped at any point (even
    SIGKILL, or a failed write) leaves every row either settled or marked in flight, and
    only rows of chunks that were sent are ever in flight; the next run reports in-flight
    rows as unknown. A failed write raises `JournalWriteError`.
    """

    def __init__(self, path: str | None = None) -> None:
        self.durable, self.path = path is not None, path
        self._lock = journal.lock(path) if path is not None else journal.JournalLock(None)
        try:
            if path is None:
                self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
                self._db.execute("PRAGMA journal_mode=MEMORY")  # private and thrown away:
                self._db.execute("PRAGMA synchronous=OFF")  # nothing to recover after a crash
                self._db.execute(journal.SCHEMA[0])
            else:
                self._db = journal.connect(path, journal.recognise(path))
            with self._transaction():
                interrupted = self._db.execute(
                    "UPDATE rows SET state = ?, error = ? WHERE state = ?",
                    (UNKNOWN, INTERRUPTED, IN_FLIGHT),
                )
        except BaseException:
            self.close()
            raise
        self.interrupted = interrupted.rowcount

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)

    def prior(self, first: int, last: int) -> dict[int, LedgerRow]:
        """What an earlier run recorded for rows first..last, by idx."""
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM rows WHERE idx BETWEEN ? AND ?", (first, last)
        )
        return {row[0]: LedgerRow(*row) for row in found}

    def last_index(self) -> int:
        """The highest row index recorded (-1 when none)."""
        found = self._db.execute("SELECT MAX(idx) FROM rows").fetchone()[0]
        return -1 if found is None else int(found)

    def recorded_beyond(self, index: int) -> bool:
        """Whether the journal has rows past `index` (the input was longer last time)."""
        found = self._db.execute("SELECT 1 FROM rows WHERE idx > ? LIMIT 1", (index,))
        return found.fetchone() is not None

    def write(
        self,
        rows: Sequence[tuple[object, ...]] = (),
        columns: tuple[str, ...] = LedgerRow._fields,
        groups: Iterable[Group] = (),
    ) -> None:
        """Record rows (new, or replacing those of the same idx) in one commit.

        Args:
            rows: tuples of the values of `columns`, in that order.
            columns: the columns `rows` give, as in `Group`; the others are left NULL.
            groups: more rows, a chunk at a time (see `Group`).
        """
        with self._transaction():
            if rows:
                named = ", ".join(columns)
                statement = f"INSERT OR REPLACE INTO rows ({named}) VALUES {_places(len(columns))}"
                self._db.executemany(statement, map(tuple, rows))  # plain tuples bind fastest
            for group in groups:
                if group.rows:
                    values = chain((group.state, group.error), chain.from_iterable(group.rows))
                    statement = _group_statement(group.columns, len(group.rows))
                    self._db.execute(statement, tuple(values))

    def complete(self) -> None:
        """Record that a run reached the end of its input with no row left to try again."""
        if self.durable:
            with self._transaction():
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('completed', ?)", (journal.now_text(),)
                )

    def view(self) -> LedgerRows:
        """The rows in input order, read lazily; closing them closes this ledger."""
        return LedgerRows(self._db, self.close)

    def close(self) -> None:
        """Close the database (a temp ledger disappears with it) and release the journal."""
        try:
            if hasattr(self, "_db"):
                self._db.close()
        finally:
            self._lock.release()


class _Transaction:
    """One explicit transaction: committed as a whole, or rolled back as a whole."""

    def __init__(self, db: sqlite3.Connection, path: str | None) -> None:
        self._db, self._path = db, path

    def __enter__(self) -> None:
        self._run("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, exc: BaseException | None, trace: object) -> None:
        if exc is None:
            try:
                self._db.execute("COMMIT")
                return
            except sqlite3.Error as error:
                exc = error
        self._rollback()
        if isinstance(exc, sqlite3.Error):
            raise self._error(exc) from exc

    def _run(self, statement: str) -> None:
        try:
            self._db.execute(statement)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def _rollback(self) -> None:
        if self._db.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # SQLite rolls back itself if it cannot
                self._db.execute("ROLLBACK")

    def _error(self, exc: BaseException) -> JournalWriteError:
        what = f"the journal {self._path}" if self._path else "the batch ledger"
        return JournalWriteError(f"cannot write {what}: {exc}; the batch stopped", path=self._path)


class LedgerRows(Sequence[BatchRow]):
    """A read-only, lazily loaded sequence of `BatchRow`s in input order.

    It owns the database connection: `close()` it, or it is closed when collected.
    """

    def __init__(self, db: sqlite3.Connection, close: Callable[[], None]) -> None:
        self._db = db
        self.close = weakref.finalize(self, close)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM rows").fetchone()[0])

    @overload
    def __getitem__(self, index: int) -> BatchRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[BatchRow]: ...
    def __getitem__(self, index: int | slice) -> BatchRow | list[BatchRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        found = self._db.execute(f"SELECT {_PUBLIC_COLUMNS} FROM rows WHERE idx = ?", (index,))
        row = found.fetchone()
        if row is None:
            raise IndexError(index)
        return BatchRow(*row)

    def __iter__(self) -> Iterator[BatchRow]:
        cursor = self._db.execute(f"SELECT {_PUBLIC_COLUMNS} FROM rows ORDER BY idx")
        while chunk := cursor.fetchmany(1000):
            yield from (BatchRow(*row) for row in chunk)
