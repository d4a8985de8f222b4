"""Dry runs of a batch: validity, GSM-7/UCS-2 encoding and SMS segments per row; nothing sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..models.message import Message
from ._ledger import INVALID, VALID, WINDOW, Ledger, LedgerRow
from ._results import BatchProgress, BatchResult
from ._rows import checked
from ._segments import analyze


def dry_run(
    messages: Iterable[Message | Mapping[str, Any]],
    on_progress: Callable[[BatchProgress], None] | None,
    max_segments: int | None = None,
    region: str | None = None,
) -> BatchResult:
    """Validate and measure every row; send nothing."""
    measured = Measured(on_progress, max_segments, region)
    for index, row in enumerate(messages):
        measured.add(index, row)
    return measured.result()


class Measured:
    """A dry run's state: rows are added one by one (from an iterable or an async one)."""

    def __init__(
        self,
        on_progress: Callable[[BatchProgress], None] | None,
        max_segments: int | None = None,
        region: str | None = None,
    ) -> None:
        self.ledger, self.counts, self.total = Ledger(None), {VALID: 0, INVALID: 0}, 0
        self.rows: list[LedgerRow] = []
        self.on_progress, self.max_segments, self.region = on_progress, max_segments, region

    def add(self, index: int, row: object) -> None:
        """Validate and measure row `index`."""
        wire, problems = checked(row, index, self.max_segments, self.region)
        if problems or wire is None:
            self.rows.append(LedgerRow(index, None, INVALID, error=problems))
            self.counts[INVALID] += 1
        else:
            parts = analyze(wire["content"])
            self.total += parts.segments
            self.rows.append(
                LedgerRow(index, None, VALID, None, None, parts.encoding, parts.segments)
            )
            self.counts[VALID] += 1
        if len(self.rows) == WINDOW:
            _write(self.ledger, self.rows, self.on_progress, self.counts)
            self.rows = []

    def result(self) -> BatchResult:
        """Every row measured: the dry run's result."""
        _write(self.ledger, self.rows, self.on_progress, self.counts)
        self.rows = []
        return BatchResult(self.counts, self.ledger.view(), total_segments=self.total, dry_run=True)


def _write(
    ledger: Ledger,
    rows: list[LedgerRow],
    on_progress: Callable[[BatchProgress], None] | None,
    counts: dict[str, int],
) -> None:
    """Record measured rows, then report them."""
    ledger.write(rows)
    if on_progress is not None:
        settled = [row.public() for row in rows]
        on_progress(BatchProgress(sum(counts.values()), dict(counts), settled))
