"""`batch --watch`: the batch's messages followed until final, shown so a person can read it.

By default a live summary on stderr (rewritten in place on a terminal, a line every few
seconds otherwise), then the final table and the messages not delivered on stdout; a line
per delivery report and reply only with --verbose (JSON lines with --json). Only rows that
asked for delivery reports are waited for: the others would never get one. So are only the
rows this run sent: an earlier run of the journal may have read (and confirmed) the reports
of its rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from message_media_messages import MessageMediaMessagesClient as Client, NotFoundError

from . import _exit, _output
from ._places import Places

FINAL_STATUSES = frozenset(
    {"delivered", "failed", "expired", "rejected", "undeliverable", "cancelled"}
)
WAITING = "waiting"  # a watched message with no final status yet
QUIET_SWEEP = 5.0  # s without a report before the statuses of waiting messages are asked for
SWEPT = 50  # waiting messages whose status one sweep asks for
PLAIN_EVERY = 5.0  # s between summary lines when stderr is not a terminal
TTY_EVERY = 0.2  # s between rewrites of the summary on a terminal


@dataclass
class Tally:
    """What came back while watching: each watched message's final status, and counts."""

    ids: dict[str, int]  # watched message id -> row index
    timeout: float
    no_report: int = 0  # accepted rows not watched: they asked for no delivery report
    earlier_run: int = 0  # ... and those an earlier run of the journal sent
    final: dict[str, str] = field(default_factory=dict)  # message id -> final status
    codes: dict[str, str] = field(default_factory=dict)  # message id -> a report's error code
    reports: int = 0
    replies: int = 0

    @property
    def not_watched(self) -> int:
        """Accepted rows not watched, for either reason."""
        return self.no_report + self.earlier_run

    @property
    def waiting(self) -> int:
        """Watched messages with no final status yet."""
        return len(self.ids) - len(self.final)

    def settle(self, message_id: object, status: object, code: object = None) -> None:
        """Record a status of a message; only a watched one's first final status counts."""
        if status in FINAL_STATUSES and message_id in self.ids and message_id not in self.final:
            self.final[str(message_id)] = str(status)
            if code:
                self.codes[str(message_id)] = str(code)

    def counts(self) -> Counter[str]:
        """Watched messages per final status, and those still waiting."""
        counts = Counter(self.final.values())
        if self.waiting:
            counts[WAITING] = self.waiting
        return counts

    def live(self, elapsed: float) -> str:
        """The one-line live summary."""
        tally = ", ".join(f"{status} {n}" for status, n in sorted(self.counts().items()))
        return (f"watching {len(self.ids)}: {tally or 'nothing'}; replies {self.replies} "
                f"({elapsed:.0f} of {self.timeout:g} s)")  # fmt: skip

    def undelivered(self, places: Places) -> list[dict[str, Any]]:
        """The watched messages that did not end delivered (or are still waiting), by line."""
        rows = [
            {"line": places.line(index), "index": index, "message_id": message_id,
             "status": status, "error_code": self.codes.get(message_id)}
            for message_id, index in self.ids.items()
            if (status := self.final.get(message_id, WAITING)) != "delivered"
        ]  # fmt: skip
        return sorted(rows, key=lambda row: row["index"])

    def document(self, places: Places) -> dict[str, Any]:
        """The last JSON line of a watch."""
        confirmed = {"delivery_reports": self.reports, "replies": self.replies}
        return {
            "type": "watch", "watched": len(self.ids), "not_watched": self.not_watched,
            "earlier_run": self.earlier_run,
            "final": dict(Counter(self.final.values())), "pending": self.waiting,
            "timed_out": self.waiting > 0, "confirmed": confirmed,
            "undelivered": self.undelivered(places),
        }  # fmt: skip

    def text(self, places: Places) -> str:
        """The human end of a watch: counts per status, then the messages not delivered."""
        reasons = [f"{n} {why}" for n, why in (
            (self.no_report, "sent without delivery_report"),
            (self.earlier_run, "sent by an earlier run"),
        ) if n]  # fmt: skip
        skipped = f"; {', '.join(reasons)}" if reasons else ""
        lines = ["", f"Delivery of the {len(self.ids)} rows watched{skipped}:"]
        lines.append(_output.table(("status", "messages"), sorted(self.counts().items())))
        lines.append(f"confirmed {self.reports} delivery reports and {self.replies} replies")
        missed = self.undelivered(places)
        if missed:
            shown = missed[: _output.SHOWN_FAILURES]
            lines += ["", f"Messages not delivered ({len(missed)}):"]
            columns = ("line", "message_id", "status", "error_code")
            lines.append(_output.table(columns, [[row[c] for c in columns] for row in shown]))
            if len(missed) > len(shown):
                lines.append(f"... and {len(missed) - len(shown)} more (--json lists them all)")
        return "\n".join(lines)


class Live:
    """The live summary on `stream`: rewritten in place on a terminal, else a line now and then.

    A stream that cannot be written (its reader gone) silences it; the watch goes on.
    """

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream, self.enabled, self.shown = stream, enabled, False
        self.tty = enabled and stream.isatty()
        self.every = TTY_EVERY if self.tty else PLAIN_EVERY
        self.last = time.monotonic()

    def show(self, text: str, *, force: bool = False) -> None:
        """Show `text`, unless shown too recently (`force`: show it anyway)."""
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < self.every):
            return
        self.last = now
        self._write(f"\r\x1b[K{text}" if self.tty else f"{text}\n")
        self.shown = True

    def clear(self) -> None:
        """Take the live line off a terminal before other output takes its line (the next
        `show` draws it again, at once)."""
        if self.tty and self.shown:
            self._write("\r\x1b[K")
            self.shown, self.last = False, time.monotonic() - self.every

    def close(self) -> None:
        """End the live line on a terminal."""
        if self.tty and self.shown:
            self._write("\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except OSError:  # stderr closed (`2>&1 | head`)
            self.enabled = False


def watch(
    client: Client, accepted: Mapping[str, int], places: Places, args: argparse.Namespace,
    out: _output.Output,
) -> bool:  # fmt: skip
    """Follow reports and replies (confirming them) until the watched messages are final;
    return False when the timeout came first."""
    tally = _tally(accepted, places, 60.0 if args.watch_timeout is None else args.watch_timeout)
    verbose = args.verbose or out.json
    if verbose and tally.ids:
        out.note(f"\nwatching {len(tally.ids)} messages until final\n{_output.event_header()}")
    live = Live(sys.stderr, bool(tally.ids) and not args.no_progress)
    try:
        _follow(client, tally, args.poll_interval, live, out, verbose)
    finally:
        live.close()
    out.show(tally.document(places), tally.text(places), line=True)
    if tally.waiting:
        _note(f"watch timed out after {tally.timeout:g} s: "
              f"{tally.waiting} watched messages are not final yet")  # fmt: skip
    return not tally.waiting


def _tally(accepted: Mapping[str, int], places: Places, timeout: float) -> Tally:
    """The watched rows of `accepted`: those that asked for reports and were sent by this run;
    stderr says how many are not watched, and why."""
    tally = Tally({}, timeout)
    for message_id, index in accepted.items():
        if not places.wants_report(index):
            tally.no_report += 1
        elif not places.sent_now(index):
            tally.earlier_run += 1
        else:
            tally.ids[message_id] = index
    shows = f"{_exit.PROG} status MESSAGE_ID shows one's status"
    if tally.no_report:
        _note(f"{tally.no_report} accepted rows asked for no delivery report: not watched "
              f"({shows})")  # fmt: skip
    if tally.earlier_run:
        _note(f"{tally.earlier_run} rows accepted by an earlier run of the journal: not watched "
              f"(its watch may have read their reports; {shows})")  # fmt: skip
    return tally


def _follow(
    client: Client, tally: Tally, interval: float, live: Live, stdout: _output.Output,
    verbose: bool,
) -> None:  # fmt: skip
    """The watch loop: read what came back, show it (`verbose`: a line per report and reply),
    ask when it is quiet, until done or stdout's reader is gone (`OutputClosed`)."""
    started = last_news = time.monotonic()
    while tally.waiting:
        if stdout.gone():  # `| head` done: nothing more would be read (nor confirmed unread)
            raise _exit.OutputClosed("stdout was closed")
        before = tally.reports + tally.replies
        for report in client.delivery_reports.iter_unconfirmed():
            if verbose:
                live.clear()  # a report line is not appended to the summary's
                stdout.event("delivery_report", report)
            tally.reports += 1
            tally.settle(report.message_id, report.status, getattr(report, "error_code", None))
        for reply in client.replies.iter_unconfirmed():
            if verbose:
                live.clear()
                stdout.event("reply", reply)
            tally.replies += 1
        now = time.monotonic()
        live.show(tally.live(now - started), force=not tally.waiting)
        if not tally.waiting or now - started >= tally.timeout:
            return
        if tally.reports + tally.replies > before:
            last_news = now
        elif now - last_news >= QUIET_SWEEP:  # quiet: ask for the status
            _sweep(client, tally)
            last_news = now
        time.sleep(min(interval, max(0.0, started + tally.timeout - now)))


def _sweep(client: Client, tally: Tally) -> None:
    """The status of up to `SWEPT` waiting messages (in case a report went missing); one the
    API no longer knows (404: past its retention) stays waiting."""
    waiting = [m for m in tally.ids if m not in tally.final][:SWEPT]
    for message_id in waiting:
        try:
            status = client.messages.get_message_status(message_id).status
        except NotFoundError:
            continue
        tally.settle(message_id, status)


def _note(text: str) -> None:
    print(f"{_exit.PROG}: {text}", file=sys.stderr)
