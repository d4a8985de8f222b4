"""The `batch` command of `messagemedia`: send a file's rows, then optionally --watch them."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from message_media_messages import (
    JournalMismatchError,
    MessageMediaMessagesClient,
    normalize_number,
)

from . import (
    _columns,
    _exit,
    _input,
    _journal,
    _ledger,
    _output,
    _places,
    _progress,
    _template,
    _watch,
)

if TYPE_CHECKING:
    from message_media_messages.batch import BatchProgress, BatchResult

Output = _output.Output
InputError = _exit.InputError
Client = MessageMediaMessagesClient
UNKNOWN = "unknown"  # a BatchRow outcome: the row may have been sent
SHOWN_RENDERED = 3  # rows whose rendered --template a dry run shows
WARN_SEGMENTS = 4  # an SMS of more parts than this is warned about before a send

PROG, EXIT_OK, EXIT_PARTIAL = _exit.PROG, _exit.EXIT_OK, _exit.EXIT_PARTIAL


def run(client: Client, args: argparse.Namespace, out: Output) -> int:
    """`batch FILE`: check every row, send them (or --dry-run), summarise, maybe --watch."""
    reading, places = _check_options(args), _places.Places()
    total = _first_pass(client, args, reading, places)
    args.journal = _journal.choose(args, client)
    ledger = _ledger.LedgerFile(args.ledger, args.dry_run, places) if args.ledger else None
    desc = "checking" if args.dry_run else "sending"
    progress = None if args.no_progress else _progress.Progress(total, desc)
    try:
        result = _send(
            client, args, reading, places, functools.partial(_on_progress, ledger, progress, places)
        )
        with ledger.rewrite() if ledger else contextlib.nullcontext() as handle:
            summary = _output.summarize(
                result.rows, handle, places, dry_run=args.dry_run, keep_all=out.json,
                watch=args.watch,
            )  # fmt: skip
    except KeyboardInterrupt:
        _journal.interrupted(args.journal)
        raise
    finally:
        if progress:
            progress.close()
        if ledger:
            ledger.close()
    context = {name: getattr(args, name) for name in ("file", "dry_run", "ledger", "journal")}
    document = _output.batch_document(summary, result, context)
    if args.watch:
        document = {"type": "batch", **document}
    out.show(document, _output.batch_text(summary, result, args.dry_run), line=args.watch)
    status = _status(summary, result)
    if args.watch and not _watched(client, summary, places, args, out) and status == EXIT_OK:
        return _exit.EXIT_WATCH  # accepted, but not all final before the timeout
    return status


def _watched(
    client: Client, summary: _output.RowSummary, places: _places.Places,
    args: argparse.Namespace, out: Output,
) -> bool:  # fmt: skip
    """--watch the accepted rows; False if some were not final in time (stdout closed: True)."""
    try:
        return _watch.watch(client, summary.accepted, places, args, out)
    except _exit.OutputClosed:  # `| head`: stop following
        return True


def _send(
    client: Client, args: argparse.Namespace, reading: _input.Options, places: _places.Places,
    on_progress: Callable[[BatchProgress], None],
) -> BatchResult:  # fmt: skip
    """The second pass: the file's rows sent (or measured); a journal's complaint about a row
    names it by its line, as every other output does."""
    rows = _input.read_rows(args.file, dataclasses.replace(reading, notes=[]))
    try:
        return client.messages.send_batch(
            (message for _, message in rows), concurrency=args.concurrency,
            journal=args.journal, dry_run=args.dry_run, default_region=args.default_region,
            max_segments=args.max_segments, on_progress=on_progress,
        )  # fmt: skip
    except JournalMismatchError as exc:
        raise JournalMismatchError(places.describe(str(exc)), path=exc.path) from None


def _check_options(args: argparse.Namespace) -> _input.Options:
    """How to read FILE; options that do not go together, or an unknown --default-region (or
    one without the `phone` extra), are refused before anything is read or sent."""
    if args.dry_run and args.watch:
        raise InputError("--watch cannot be combined with --dry-run")
    if args.watch_timeout is not None and not args.watch:
        raise InputError("--watch-timeout needs --watch")
    if args.verbose and not args.watch:
        raise InputError("--verbose needs --watch")
    if args.default_region is not None:
        try:
            normalize_number("+61491570156", args.default_region)
        except (ImportError, ValueError) as exc:
            raise InputError(f"--default-region: {exc}") from None
    template = _template.load(args.template, args.template_file)
    return _input.Options(_columns.parse_maps(args.map), template=template)


def _first_pass(
    client: Client, args: argparse.Namespace, reading: _input.Options, places: _places.Places
) -> int:
    """Read the whole file before sending (its errors stop all); say what the user should know.

    Before a send, the rows are also measured (nothing sent): SMS rows of more than
    `WARN_SEGMENTS` parts, each billed per part, are warned about unless --max-segments is set.
    """
    rows = places.track(_input.read_rows(args.file, reading))
    if args.dry_run:
        total = 0
        for total, row in enumerate(rows, 1):
            if reading.template is not None and total <= SHOWN_RENDERED:
                line = places.line(total - 1)
                reading.notes.append(f"--template, line {line}: {row.get('content')!r}")
    else:
        measured = client.messages.send_batch(rows, dry_run=True,
                                              default_region=args.default_region)  # fmt: skip
        total = len(measured.rows)
        long = [n for r in measured.rows if (n := r.segments or 0) > WARN_SEGMENTS]
        if long and args.max_segments is None:
            reading.notes.append(
                f"warning: {len(long)} rows are over {WARN_SEGMENTS} SMS segments each (the "
                f"longest {max(long)}; {measured.total_segments} in the batch), each segment "
                "billed: --max-segments N refuses such rows, --dry-run shows them"
            )
    for note in dict.fromkeys(reading.notes):
        print(f"{PROG}: {note}", file=sys.stderr)
    return total


def _on_progress(
    ledger: _ledger.LedgerFile | None, progress: _progress.Progress | None,
    places: _places.Places, update: Any,
) -> None:  # fmt: skip
    """Write the rows just settled to the ledger (first: they must not be lost), mark those
    this run got accepted (--watch follows them), then show."""
    if ledger:
        ledger.write(update.rows)
    places.sent(update.rows)
    if progress:
        progress(update)


def _status(summary: _output.RowSummary, result: BatchResult) -> int:
    """0 when every row is fine, 4 when only some are, else what stopped them all (as `send`)."""
    if not summary.failed:
        return EXIT_OK
    if summary.failed < summary.total:
        return EXIT_PARTIAL
    if result.error is not None:  # e.g. bad credentials (1) or an unreachable API (3)
        return _exit.failure(result.error)
    unknown = summary.counts[UNKNOWN]
    if unknown:  # in flight when an earlier run stopped: maybe sent, as `send` exits 3
        print(f"{PROG}: connection failed: none of the {summary.total} rows was accepted: "
              f"{unknown} were in flight when an earlier run stopped and may have been sent "
              "(never sent again: check their status)", file=sys.stderr)  # fmt: skip
        return _exit.EXIT_CONNECTION
    return _exit.failure(InputError(f"none of the {summary.total} rows is valid"))
