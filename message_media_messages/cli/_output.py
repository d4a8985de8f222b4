"""What `messagemedia` prints: tables, JSON, event lines, batch summaries, ledger rows."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from . import _exit
from ._places import Places

OK_OUTCOMES = frozenset({"accepted", "valid"})
LEDGER_COLUMNS = ("line", "index", "outcome", "message_id", "error")  # index: 0-based, the SDK's
DRY_RUN_COLUMNS = ("encoding", "segments")
SHOWN_FAILURES = 20
SHOWN_DRY_RUN_ROWS = 50
EVENT_COLUMNS = ("TYPE", "RECEIVED", "MESSAGE_ID", "STATUS", "CODE", "NUMBER", "CONTENT")
_EVENT_WIDTHS = (6, 24, 36, 13, 4, 16)


class Output:
    """Where a command writes: a JSON document (or JSON lines) in --json mode, else text.

    When the reader of the stream goes away (`| head`), output stops quietly: `show` and
    `note` then print nothing, `event` raises `OutputClosed` so a follow loop ends.
    """

    def __init__(self, json_mode: bool, stream: IO[str]) -> None:
        self.json, self.stream, self.closed = json_mode, stream, False

    def show(self, document: Any, text: str, *, line: bool = False) -> None:
        """Print a result: `document` as JSON (one line if `line`) in --json mode, else `text`."""
        self._write(dumps(document, line=line) if self.json else text)

    def event(self, kind: str, item: Any) -> None:
        """Print one delivery report or reply as it arrives (a JSON line in --json mode)."""
        record = event_record(kind, item)
        self._write(dumps(record, line=True) if self.json else event_line(kind, item))
        if self.closed:
            raise _exit.OutputClosed("stdout was closed")

    def gone(self) -> bool:
        """Whether the reader went away, even with nothing written since (then closed)."""
        if not self.closed and _exit.reader_gone(self.stream):
            self.closed = True
            _exit.detach(self.stream)
        return self.closed

    def note(self, text: str) -> None:
        """Human-only text (nothing in --json mode)."""
        if not self.json:
            self._write(text)

    def _write(self, text: str) -> None:
        if self.closed:
            return
        try:
            print(text, file=self.stream, flush=True)
        except BrokenPipeError:
            self.closed = True
            _exit.detach(self.stream)


def cell(value: object) -> str:
    """One table cell: `-` for nothing, `k=v` pairs for a dict, one line always."""
    if value is None or value == "":
        return "-"
    if isinstance(value, Mapping):
        value = ", ".join(f"{k}={v}" for k, v in value.items())
    elif isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    return str(value).replace("\r", "\\r").replace("\n", "\\n")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Aligned columns under upper-case headers; the last column is never padded."""
    lines = [[h.upper() for h in headers], *([cell(v) for v in row] for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers) - 1)]
    return "\n".join(
        "  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[-1]]).rstrip()
        for line in lines
    )


def fields(data: Mapping[str, Any]) -> str:
    """A two-column FIELD / VALUE table of one object."""
    return table(("field", "value"), list(data.items()))


def dumps(document: Any, *, line: bool = False) -> str:
    """JSON text: indented for a document, compact for a JSON line."""
    if line:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)
    return json.dumps(document, ensure_ascii=False, indent=2, default=str)


def event_record(kind: str, item: Any) -> dict[str, Any]:
    """The JSON line of a delivery report or reply: its fields plus `"type"`."""
    return {"type": kind, **item.to_dictionary()}


def event_line(kind: str, item: Any) -> str:
    """One fixed-width human line for a delivery report or reply as it arrives."""
    data = item.to_dictionary()
    values: list[object] = [kind.split("_")[-1], data.get("date_received"), data.get("message_id")]
    if kind == "reply":
        values += ["-", None, data.get("source_number"), data.get("content")]
    else:
        values += [data.get("status"), data.get("error_code"), data.get("source_number"), None]
    padded = [cell(v).ljust(w) for v, w in zip(values, _EVENT_WIDTHS, strict=False)]
    return "  ".join([*padded, cell(values[-1])]).rstrip()


def event_header() -> str:
    """The header line above `event_line` lines."""
    padded = [h.ljust(w) for h, w in zip(EVENT_COLUMNS, _EVENT_WIDTHS, strict=False)]
    return "  ".join([*padded, EVENT_COLUMNS[-1]])


@dataclass
class RowSummary:
    """What one pass over a batch's rows collected (the rows themselves are not kept, nor
    more than the output shows: a huge batch's summary stays small)."""

    total: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    failed: int = 0  # rows not accepted (or not valid)
    failures: list[dict[str, Any]] = field(default_factory=list)  # the first shown, or all
    accepted: dict[str, int] = field(default_factory=dict)  # message_id -> index (--watch)
    encodings: Counter[str] = field(default_factory=Counter)
    preview: list[dict[str, Any]] = field(default_factory=list)


def row_record(row: Any, dry_run: bool, places: Places) -> dict[str, Any]:
    """The ledger / JSON form of one batch row: its file line first, errors naming lines."""
    record = {name: getattr(row, name, None) for name in LEDGER_COLUMNS[1:]}
    record = {"line": places.line(row.index), **record}
    if dry_run:
        record.update({name: getattr(row, name, None) for name in DRY_RUN_COLUMNS})
    if record["error"] is not None:
        record["error"] = places.describe(str(record["error"]), row.index)
    return record


def summarize(
    rows: Iterable[Any], ledger: IO[str] | None, places: Places, *, dry_run: bool,
    keep_all: bool, watch: bool = False,
) -> RowSummary:  # fmt: skip
    """Walk the batch rows once: write the ledger CSV, count, keep failures and accepted ids.

    Args:
        rows: `BatchResult.rows`, in input order.
        ledger: an open text file for the ledger CSV, or None for no ledger.
        places: the rows' lines in the input file.
        dry_run: add the encoding and segments columns.
        keep_all: keep every failure, and every row of a dry run in `preview` (JSON output),
            not just the first 20 failures and 50 rows the text shows.
        watch: keep the message id of every accepted row (for --watch).
    """
    columns = LEDGER_COLUMNS + (DRY_RUN_COLUMNS if dry_run else ())
    writer = csv.DictWriter(ledger, columns, lineterminator="\n") if ledger else None
    if writer:
        writer.writeheader()
    summary = RowSummary()
    for row in rows:
        record = row_record(row, dry_run, places)
        if writer:
            writer.writerow(record)
        summary.total += 1
        summary.counts[record["outcome"]] += 1
        if record["outcome"] not in OK_OUTCOMES:
            summary.failed += 1
            if keep_all or len(summary.failures) < SHOWN_FAILURES:
                summary.failures.append(record)
        elif watch and record["message_id"]:
            summary.accepted[record["message_id"]] = record["index"]
        if dry_run:
            if record.get("encoding"):
                summary.encodings[record["encoding"]] += 1
            if keep_all or len(summary.preview) < SHOWN_DRY_RUN_ROWS:
                summary.preview.append(record)
    return summary


def batch_document(summary: RowSummary, result: Any, context: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON document of a batch command."""
    counts = dict(getattr(result, "counts", None) or summary.counts)
    document: dict[str, Any] = {**context, "total": summary.total, "counts": counts}
    document["ok"] = not summary.failed
    if context.get("dry_run"):
        document["total_segments"] = getattr(result, "total_segments", None)
        document["encodings"] = dict(summary.encodings)
        document["rows"] = summary.preview
    document["failures"] = summary.failures
    return document


def batch_text(summary: RowSummary, result: Any, dry_run: bool) -> str:
    """The human summary of a batch: counts per outcome, then the rows that failed."""
    counts = dict(getattr(result, "counts", None) or summary.counts)
    lines = [table(("outcome", "rows"), [*sorted(counts.items()), ("total", summary.total)])]
    if dry_run:
        encodings = ", ".join(f"{k}: {n} rows" for k, n in sorted(summary.encodings.items()))
        segments = getattr(result, "total_segments", None)
        lines += ["", f"SMS segments: {cell(segments)} in total ({encodings or 'no rows'})"]
        lines += ["", _preview_text(summary)]
    if summary.failed:
        shown = summary.failures[:SHOWN_FAILURES]
        lines += ["", f"Rows not accepted ({summary.failed}):"]
        rows = [(f["line"], f["outcome"], f["error"]) for f in shown]
        lines.append(table(("line", "outcome", "error"), rows))
        if summary.failed > len(shown):
            more = summary.failed - len(shown)
            lines.append(f"... and {more} more (--ledger FILE writes every row)")
    return "\n".join(lines)


def _preview_text(summary: RowSummary) -> str:
    columns = ("line", "outcome", "encoding", "segments", "error")
    text = table(columns, [[r.get(c) for c in columns] for r in summary.preview])
    if summary.total > len(summary.preview):
        text += f"\n... {summary.total - len(summary.preview)} more rows (--ledger FILE)"
    return text
