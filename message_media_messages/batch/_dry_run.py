"""Dry runs of a batch: validity, GSM-7/UCS-2 encoding and SMS segments per row; nothing sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..models.message import Message
from ._ledger import INVALID, VALID, BatchRow, Ledger
from ._segments import analyze
from ._sender import WINDOW, BatchProgress, BatchResult, checked


def dry_run(
    messages: Iterable[Message | Mapping[str, Any]],
    on_progress: Callable[[BatchProgress], None] | None,
) -> BatchResult:
    """Validate and measure every row; send nothing."""
    ledger, counts, total = Ledger(None), {VALID: 0, INVALID: 0}, 0
    rows: list[tuple[Any, ...]] = []
    for index, row in enumerate(messages):
        wire, problems = checked(row, index)
        if problems or wire is None:
            rows.append((index, None, INVALID, None, problems, None, None))
            counts[INVALID] += 1
        else:
            parts = analyze(wire["content"])
            total += parts.segments
            rows.append((index, None, VALID, None, None, parts.encoding, parts.segments))
            counts[VALID] += 1
        if len(rows) == WINDOW:
            _write(ledger, rows, on_progress, counts)
            rows = []
    _write(ledger, rows, on_progress, counts)
    return BatchResult(counts, ledger.view(), total_segments=total, dry_run=True)


def _write(
    ledger: Ledger,
    rows: list[tuple[Any, ...]],
    on_progress: Callable[[BatchProgress], None] | None,
    counts: dict[str, int],
) -> None:
    """Record measured rows, then report them."""
    ledger.write(rows)
    if on_progress is not None:
        settled = [
            BatchRow(i, state, None, error, enc, parts)
            for i, _, state, _, error, enc, parts in rows
        ]
        on_progress(BatchProgress(sum(counts.values()), dict(counts), settled))
