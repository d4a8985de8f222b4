"""What send_batch hands back: progress reports while it runs, the ledger of rows at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._ledger import INVALID, REJECTED, UNKNOWN, BatchRow, LedgerRows


@dataclass
class BatchProgress:
    """Where a batch is: rows accounted for so far, their outcomes, and the rows just settled.

    Attributes:
        rows_done: rows accounted for so far.
        counts: outcome -> number of rows so far.
        rows: a `BatchRow` per row this run settled since the previous report, in the order
            they settled (rows an earlier run of the journal settled are counted, not repeated).
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
