"""The batch ledger: one row per input row, kept in SQLite so memory stays flat and runs resume."""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

ACCEPTED, INVALID, REJECTED, UNKNOWN, VALID = "accepted", "invalid", "rejected", "unknown", "valid"
IN_FLIGHT = "in_flight"  # journal only: written before a chunk is sent, settled after
QUEUED = "queued"  # journal only: split after a 400 (nothing sent), waiting to be resent
SETTLED = frozenset({ACCEPTED, UNKNOWN})  # never sent again by a resumed run
INTERRUPTED = "the request was in flight when an earlier run stopped: it may have been sent"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    idx INTEGER PRIMARY KEY, fp BLOB, state TEXT NOT NULL,
    message_id TEXT, error TEXT, encoding TEXT, segments INTEGER
)"""
_COLUMNS = "idx, state, message_id, error, encoding, segments"


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


class Ledger:
    """Row outcomes in SQLite: a journal file (durable, resumable) or a private temp database.

    A journal records each chunk as in flight before it is sent and its outcome after, in
    committed transactions, so a run killed at any point (even SIGKILL) leaves every row
    either settled or marked in flight; the next run reports in-flight rows as unknown.
    """

    def __init__(self, path: str | None = None) -> None:
        self.durable = path is not None
        self._db = sqlite3.connect(path or "", isolation_level=None, check_same_thread=False)
        if self.durable:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # survives a killed process
        self._db.execute(_SCHEMA)
        interrupted = self._db.execute(
            "UPDATE rows SET state = ?, error = ? WHERE state = ?",
            (UNKNOWN, INTERRUPTED, IN_FLIGHT),
        )
        self.interrupted = interrupted.rowcount

    def prior(self, first: int, last: int) -> dict[int, tuple[bytes | None, str, str | None]]:
        """What an earlier run recorded for rows first..last: idx -> (fp, state, message_id)."""
        found = self._db.execute(
            "SELECT idx, fp, state, message_id FROM rows WHERE idx BETWEEN ? AND ?", (first, last)
        )
        return {idx: (fp, state, mid) for idx, fp, state, mid in found}

    def last_index(self) -> int:
        """The highest row index recorded (-1 when none)."""
        found = self._db.execute("SELECT MAX(idx) FROM rows").fetchone()[0]
        return -1 if found is None else int(found)

    def recorded_beyond(self, index: int) -> bool:
        """Whether the journal has rows past `index` (the input was longer last time)."""
        found = self._db.execute("SELECT 1 FROM rows WHERE idx > ? LIMIT 1", (index,))
        return found.fetchone() is not None

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Record rows (idx, fp, state, message_id, error, encoding, segments) in one commit."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def settle(self, rows: Iterable[tuple[str, str | None, str | None, int]]) -> None:
        """Set (state, message_id, error) of already-written rows, by idx, in one commit."""
        with self._db:
            self._db.executemany(
                "UPDATE rows SET state = ?, message_id = ?, error = ? WHERE idx = ?", rows
            )

    def view(self) -> LedgerRows:
        """The rows in input order, read lazily."""
        return LedgerRows(self._db)

    def close(self) -> None:
        """Close the database (a temp ledger disappears with it)."""
        self._db.close()


class LedgerRows(Sequence[BatchRow]):
    """A read-only, lazily loaded sequence of `BatchRow`s in input order.

    It owns the database connection: `close()` it, or it is closed when collected.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.close = weakref.finalize(self, db.close)

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
        found = self._db.execute(f"SELECT {_COLUMNS} FROM rows WHERE idx = ?", (index,))
        row = found.fetchone()
        if row is None:
            raise IndexError(index)
        return BatchRow(*row)

    def __iter__(self) -> Iterator[BatchRow]:
        cursor = self._db.execute(f"SELECT {_COLUMNS} FROM rows ORDER BY idx")
        while chunk := cursor.fetchmany(1000):
            yield from (BatchRow(*row) for row in chunk)
