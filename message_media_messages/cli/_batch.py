"""The `batch` command of `messagemedia`: send a file's rows, then optionally --watch them."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import sys
import time
from typing import TYPE_CHECKING, Any

from message_media_messages import MessageMediaMessagesClient, normalize_number

from . import _columns, _exit, _input, _journal, _ledger, _output, _progress, _template

if TYPE_CHECKING:
    from message_media_messages import BatchResult

Output = _output.Output
InputError = _exit.InputError
Client = MessageMediaMessagesClient
UNKNOWN = "unknown"  # a BatchRow outcome: the row may have been sent
SHOWN_RENDERED = 3  # rows whose rendered --template a dry run shows
WARN_SEGMENTS = 4  # an SMS of more parts than this is warned about before a send

PROG, EXIT_OK, EXIT_PARTIAL = _exit.PROG, _exit.EXIT_OK, _exit.EXIT_PARTIAL
FINAL_STATUSES = frozenset(
    {"delivered", "failed", "expired", "rejected", "undeliverable", "cancelled"}
)


def run(client: Client, args: argparse.Namespace, out: Output) -> int:
    """`batch FILE`: check every row, send them (or --dry-run), summarise, maybe --watch."""
    reading = _check_options(args)
    total = _first_pass(client, args, reading)
    args.journal = _journal.choose(args, client)
    ledger = _ledger.LedgerFile(args.ledger, args.dry_run) if args.ledger else None
    desc = "checking" if args.dry_run else "sending"
    progress = None if args.no_progress else _progress.Progress(total, desc)
    try:
        result = client.messages.send_batch(
            _input.read_messages(args.file, dataclasses.replace(reading, notes=[])),
            concurrency=args.concurrency,
            journal=args.journal,
            dry_run=args.dry_run,
            default_region=args.default_region,
            max_segments=args.max_segments,
            on_progress=functools.partial(_on_progress, ledger, progress),
        )
        with ledger.rewrite() if ledger else contextlib.nullcontext() as handle:
            summary = _output.summarize(
                result.rows, handle, dry_run=args.dry_run, keep_all=out.json
            )
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
    if args.watch:
        with contextlib.suppress(_exit.OutputClosed):  # `| head`: stop following
            _watch(client, set(summary.accepted), args, out)
    return _status(summary, result)


def _check_options(args: argparse.Namespace) -> _input.Options:
    """How to read FILE; options that do not go together, or an unknown --default-region (or
    one without the `phone` extra), are refused before anything is read or sent."""
    if args.dry_run and args.watch:
        raise InputError("--watch cannot be combined with --dry-run")
    if args.watch_timeout is not None and not args.watch:
        raise InputError("--watch-timeout needs --watch")
    if args.default_region is not None:
        try:
            normalize_number("+61491570156", args.default_region)
        except (ImportError, ValueError) as exc:
            raise InputError(f"--default-region: {exc}") from None
    template = _template.load(args.template, args.template_file)
    return _input.Options(_columns.parse_maps(args.map), template=template)


def _first_pass(client: Client, args: argparse.Namespace, reading: _input.Options) -> int:
    """Read the whole file before sending (its errors stop all); say what the user should know.

    Before a send, the rows are also measured (nothing sent): SMS rows of more than
    `WARN_SEGMENTS` parts, each billed per part, are warned about unless --max-segments is set.
    """
    rows = _input.read_messages(args.file, reading)
    if args.dry_run:
        total = 0
        for total, row in enumerate(rows, 1):
            if reading.template is not None and total <= SHOWN_RENDERED:
                reading.notes.append(f"--template, row {total - 1}: {row.get('content')!r}")
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
    ledger: _ledger.LedgerFile | None, progress: _progress.Progress | None, update: Any
) -> None:
    """Write the rows just settled to the ledger (first: they must not be lost), then show."""
    if ledger:
        ledger.write(update.rows)
    if progress:
        progress(update)


def _status(summary: _output.RowSummary, result: BatchResult) -> int:
    """0 when every row is fine, 4 when only some are, else what stopped them all (as `send`)."""
    if not summary.failures:
        return EXIT_OK
    if len(summary.failures) < summary.total:
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


def _watch(client: Client, pending: set[str], args: argparse.Namespace, out: Output) -> None:
    """Follow reports and replies (printing and confirming) until `pending` are all final."""
    timeout = 60.0 if args.watch_timeout is None else args.watch_timeout
    watch = _output.Watch(len(pending), timeout)
    out.note(watch.banner())
    deadline = last_sweep = time.monotonic()
    deadline += timeout
    while True:
        before = watch.seen
        for report in client.delivery_reports.iter_unconfirmed():
            out.event("delivery_report", report)
            watch.reports += 1
            if report.status in FINAL_STATUSES and report.message_id in pending:
                pending.discard(report.message_id)
                watch.final[report.status] += 1
        for reply in client.replies.iter_unconfirmed():
            out.event("reply", reply)
            watch.replies += 1
        now = time.monotonic()
        if not pending or now >= deadline:
            break
        if watch.seen == before and now - last_sweep >= 5.0:  # quiet: ask for the status
            _sweep(client, pending, watch)
            last_sweep = now
        time.sleep(min(args.poll_interval, max(0.0, deadline - now)))
    watch.pending = len(pending)
    out.show(watch.document(), watch.text(), line=True)
    if pending:
        print(f"{PROG}: {watch.timed_out()}", file=sys.stderr)


def _sweep(client: Client, pending: set[str], watch: _output.Watch) -> None:
    """Status of up to 50 pending messages (those without delivery reports end here)."""
    for message_id in sorted(pending)[:50]:
        status = client.messages.get_message_status(message_id).status
        if status in FINAL_STATUSES:
            pending.discard(message_id)
            watch.final[str(status)] += 1
