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
) -> BatchResult:
    """Validate and measure every row; send nothing."""
    ledger, counts, total = Ledger(None), {VALID: 0, INVALID: 0}, 0
    rows: list[LedgerRow] = []
    for index, row in enumerate(messages):
        wire, problems = checked(row, index, max_segments)
        if problems or wire is None:
            rows.append(LedgerRow(index, None, INVALID, error=problems))
            counts[INVALID] += 1
        else:
            parts = analyze(wire["content"])
            total += parts.segments
            rows.append(LedgerRow(index, None, VALID, None, None, parts.encoding, parts.segments))
            counts[VALID] += 1
        if len(rows) == WINDOW:
            _write(ledger, rows, on_progress, counts)
            rows = []
    _write(ledger, rows, on_progress, counts)
    return BatchResult(counts, ledger.view(), total_segments=total, dry_run=True)


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
