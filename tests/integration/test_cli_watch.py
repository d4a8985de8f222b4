"""`messagemedia batch --watch` against a sandbox stepping in real time: the live summary (in
place on a terminal, plain lines in a pipe), per-report lines only with --verbose or --json,
rows without delivery_report not waited for, exit 5 on a timeout, and the README's command."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from test_cli_batch import (
    FINAL,
    ROOT,
    expected_from_recipients,
    runner,
    summary_counts,
    write_csv,
)

from message_media_messages import MessageMediaMessagesClient, SandboxServer

WITH_REPORTS = ["destination_number", "content", "delivery_report"]
SCHEDULED = ["destination_number", "content", "delivery_report", "scheduled"]
LATER = "2099-01-01T00:00:00Z"  # never final while a test watches


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """(sandbox stepping in real time, cli runner for it)."""
    with SandboxServer(realtime=True, step_seconds=0.1) as server:
        yield server, runner(server, monkeypatch, capsys)


def messagemedia(
    *argv: str, stdout: int | None = None, stderr: int | None = None, timeout: float = 90
):
    """The CLI as a user runs it: a subprocess (with --sandbox), no MESSAGEMEDIA_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    command = [sys.executable, "-m", "message_media_messages", "--sandbox", *argv]
    return subprocess.run(
        command, cwd=ROOT, env=env, text=True, timeout=timeout,
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE if stderr is None else stderr,
    )  # fmt: skip


def test_json_lines_follow_only_the_rows_that_asked_for_reports(live, tmp_path: Path):
    server, cli = live
    rows = [
        ["+61491570156", "a", "true"],
        ["+61491570905", "b", "true"],  # delivered, then a reply
        ["+61491570901", "c", "true"],  # failed
        ["+61491570157", "d", "false"],  # no reports: not waited for
    ]
    path = write_csv(tmp_path / "in.csv", WITH_REPORTS, rows)
    code, out, err = cli("--json", "batch", path, "--watch", "--poll-interval", "0.2")
    assert code == 0, err
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert lines[0]["type"] == "batch" and lines[0]["counts"] == {"accepted": 4}
    kinds = Counter(line["type"] for line in lines[1:-1])
    assert kinds == {"delivery_report": 9, "reply": 1}  # enroute, submitted, final; each
    last = lines[-1]
    failed = [(u["line"], u["index"], u["status"]) for u in last.pop("undelivered")]
    assert failed == [(4, 2, "failed")]  # named by its line in the file (header: line 1)
    assert last == {
        "type": "watch",
        "watched": 3,
        "not_watched": 1,
        "earlier_run": 0,
        "final": {"delivered": 2, "failed": 1},
        "pending": 0,
        "timed_out": False,
        "confirmed": {"delivery_reports": 9, "replies": 1},
    }
    assert "1 accepted rows asked for no delivery report: not watched" in err
    with MessageMediaMessagesClient(server.api_key, server.api_secret, base_uri=server.url) as api:
        assert api.delivery_reports.check_delivery_reports().delivery_reports == []
        assert api.replies.check_replies().replies == []


def test_a_timeout_with_messages_not_final_exits_5(live, tmp_path: Path):
    _, cli = live
    rows = [["+61491570156", "later", "yes", LATER], ["+61491570157", "now", "yes", ""]]
    path = write_csv(tmp_path / "in.csv", SCHEDULED, rows)
    started = time.monotonic()
    code, out, err = cli(
        "--json", "batch", path, "--watch", "--watch-timeout", "1", "--poll-interval", "0.2"
    )
    assert code == 5
    assert 1 <= time.monotonic() - started < 10
    last = json.loads(out.strip().splitlines()[-1])
    assert (last["timed_out"], last["pending"], last["final"]) == (True, 1, {"delivered": 1})
    assert [(u["line"], u["status"]) for u in last["undelivered"]] == [(2, "waiting")]
    assert "watch timed out after 1 s: 1 watched messages are not final yet" in err


def test_rows_without_delivery_report_are_not_waited_for(live, tmp_path: Path):
    _, cli = live
    rows = [["+61491570156", "later", "", LATER], ["+61491570157", "later", "no", LATER]]
    path = write_csv(tmp_path / "in.csv", SCHEDULED, rows)
    started = time.monotonic()
    code, out, err = cli("batch", path, "--watch", "--watch-timeout", "60", "--no-progress")
    assert code == 0, err
    assert time.monotonic() - started < 10  # not the 60 s a wait for them would take
    assert "2 accepted rows asked for no delivery report: not watched" in err
    assert "Delivery of the 0 rows watched; 2 sent without delivery_report:" in out
    assert "timed out" not in err


def test_per_report_lines_only_with_verbose(live, tmp_path: Path):
    _, cli = live
    rows = [[f"+6149157015{i}", "x", "yes"] for i in range(3)]
    path = write_csv(tmp_path / "in.csv", WITH_REPORTS, rows)
    argv = ("batch", path, "--watch", "--no-progress", "--no-journal", "--poll-interval", "0.2")
    code, quiet, _ = cli(*argv)
    assert code == 0
    assert not [line for line in quiet.splitlines() if line.startswith(("report ", "reply "))]
    assert re.search(r"^STATUS +MESSAGES\ndelivered +3$", quiet, re.MULTILINE), quiet
    assert "confirmed 9 delivery reports and 0 replies" in quiet
    code, verbose, _ = cli(*argv, "-v")
    assert code == 0
    reports = [line for line in verbose.splitlines() if line.startswith("report ")]
    assert len(reports) == 9 and "TYPE    RECEIVED" in verbose
    assert cli("batch", path, "--verbose")[0] == 2  # without --watch: a usage error


def test_on_a_terminal_the_summary_is_rewritten_in_place(tmp_path: Path):
    rows = [["+61491570156", "a", "yes"], ["+61491570157", "b", "yes"]]
    path = write_csv(tmp_path / "in.csv", WITH_REPORTS, rows)
    result, err = on_a_terminal("batch", str(path), "--watch")
    assert result.returncode == 0, err
    assert re.search(r"\r\x1b\[Kwatching 2: delivered 2; replies 0 \(\d+ of 60 s\)", err), err
    assert "report " not in result.stdout and "delivered  2" in result.stdout
    piped = messagemedia("batch", str(path), "--watch")  # stderr a pipe: plain lines
    assert re.search(r"^watching 2: delivered 2; replies 0 \(\d+ of 60 s\)$", piped.stderr, re.M)
    assert "\x1b[K" not in piped.stderr


def on_a_terminal(*argv: str, stdout_too: bool = False):
    """`messagemedia(*argv)` with stderr (and stdout too) a terminal: (result, what it showed)."""
    leader, follower = pty.openpty()
    try:
        streams = {"stderr": follower, **({"stdout": follower} if stdout_too else {})}
        result = messagemedia(*argv, **streams)
        os.close(follower)
        follower = -1
        return result, _read_all(leader)
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the writing side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_readme_main_command():
    """`messagemedia --sandbox batch examples/recipients.csv --watch`, as a user runs it."""
    started = time.monotonic()
    result = messagemedia("batch", "examples/recipients.csv", "--watch")
    assert result.returncode == 4, result.stderr
    assert time.monotonic() - started < 60
    expected = expected_from_recipients()
    assert sum(expected[k] for k in ("accepted", "invalid", "rejected")) == 300
    assert expected["invalid"] >= 8 and expected["rejected"] >= 1 and expected["replies"] >= 3
    counts = summary_counts(result.stdout)
    assert counts == {
        "accepted": expected["accepted"],
        "invalid": expected["invalid"],
        "rejected": expected["rejected"],
        "total": 300,
    }
    assert re.search(r"sending:.*100%", result.stderr)  # the progress bar, on stderr
    out = result.stdout
    assert len(out.splitlines()) + len(result.stderr.splitlines()) <= 50  # one screen
    assert f"Rows not accepted ({expected['invalid'] + expected['rejected']}):" in out
    assert not [line for line in out.splitlines() if line.startswith(("report ", "reply "))]
    watched, skipped = expected["delivery_report_rows"], expected["no_report_rows"]
    assert f"Delivery of the {watched} rows watched; {skipped} sent without" in out
    table = out.split(f"Delivery of the {watched} rows watched")[1].split("\n\n")[0]
    tally = {s: int(n) for s, n in re.findall(r"^([a-z]+) +(\d+)$", table, re.MULTILINE)}
    assert sum(tally.values()) == watched and set(tally) <= FINAL
    assert tally["failed"] == expected["failed_watched"]
    confirmed = re.search(r"confirmed (\d+) delivery reports and (\d+) replies", out)
    assert confirmed and int(confirmed[1]) == 3 * watched  # enroute, submitted, final
    assert expected["replies_watched"] <= int(confirmed[2]) <= expected["replies"]
    assert "Messages not delivered" in out and "timed out" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_stderr_silences_notes_and_progress_without_touching_stdout(tmp_path: Path):
    """`2>&-`: the notes, the progress bar and the live summary go nowhere; stdout keeps only
    its JSON lines and the batch and its watch run as they would."""
    rows = [["+61491570156", "a", "yes"], ["+61491570157", "b", ""], ["bad", "c", "yes"]]
    path = write_csv(tmp_path / "in.csv", WITH_REPORTS, rows)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    command = [sys.executable, "-m", "message_media_messages", "--sandbox", "--json", "batch",
               str(path), "--watch", "--poll-interval", "0.2"]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=90,
        preexec_fn=lambda: os.close(2),  # the child starts with no stderr
    )  # fmt: skip
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 4
    assert lines[0]["counts"] == {"accepted": 2, "invalid": 1}
    last = lines[-1]
    assert (last["type"], last["watched"], last["final"]) == ("watch", 1, {"delivered": 1})


@pytest.mark.parametrize(
    "option", [("--watch-timeout", "nan"), ("--poll-interval", "nan"), ("--poll-interval", "inf")]
)
def test_a_time_that_is_not_a_finite_number_is_a_usage_error(option, tmp_path: Path):
    """`--watch-timeout nan` would never time out and never sleep (a busy loop on the API);
    `--poll-interval nan` or `inf` would crash in time.sleep: both refused, exit 2."""
    path = write_csv(tmp_path / "in.csv", WITH_REPORTS, [["+61491570156", "a", "yes"]])
    result = messagemedia("batch", str(path), "--watch", *option, timeout=30)
    assert result.returncode == 2
    assert f"{option[0]}: must be a finite number > 0, not {option[1]}" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_resumed_run_watches_the_rows_it_sent_not_those_of_an_earlier_run(tmp_path: Path):
    """Rows an earlier run of the journal accepted may have had their reports read (and
    confirmed) by its watch: they are not waited for again (stderr says how many)."""
    rows = [[f"+614915701{i:02d}", f"row {i}", "yes"] for i in range(101)]  # 2 requests
    path = write_csv(tmp_path / "in.csv", WITH_REPORTS, rows)
    argv = ["--json", "batch", str(path), "--journal", str(tmp_path / "run.journal"), "--watch",
            "--poll-interval", "0.2", "--no-progress"]  # fmt: skip
    with SandboxServer(realtime=True, step_seconds=0.1) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
        env.update(MESSAGEMEDIA_API_KEY=server.api_key, MESSAGEMEDIA_API_SECRET=server.api_secret,
                   MESSAGEMEDIA_BASE_URL=server.url)  # fmt: skip
        command = [sys.executable, "-m", "message_media_messages", *argv]
        server.fail_next("status", path="/v1/messages", method="POST", status=403)
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90)
        assert first.returncode == 4, first.stderr  # the first 100 refused, row 100 accepted
        watch = json.loads(first.stdout.splitlines()[-1])
        assert (watch["watched"], watch["final"]) == (1, {"delivered": 1})
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90)
    assert second.returncode == 0, second.stderr
    lines = second.stdout.splitlines()
    batch, watch = json.loads(lines[0]), json.loads(lines[-1])
    assert batch["counts"] == {"accepted": 101}
    assert (watch["watched"], watch["not_watched"], watch["earlier_run"]) == (100, 1, 1)
    assert (watch["final"], watch["pending"]) == ({"delivered": 100}, 0)
    assert "1 rows accepted by an earlier run of the journal: not watched" in second.stderr


def test_on_a_terminal_a_verbose_line_never_follows_the_live_summary_on_its_line(tmp_path: Path):
    """stdout and stderr on one terminal: the in-place summary steps aside (its line cleared)
    before a report line is printed, instead of the report being appended to it."""
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3))  # after a summary
    rows = [["+61491570156", "soon", "yes", soon]]
    path = write_csv(tmp_path / "in.csv", SCHEDULED, rows)
    argv = ("batch", str(path), "--watch", "-v", "--poll-interval", "0.2")
    result, screen = on_a_terminal(*argv, stdout_too=True)
    assert result.returncode == 0, screen
    assert "\x1b[Kwatching 1: waiting 1" in screen  # the summary was shown before the reports
    reports = re.findall(r"^.*report  .*$", screen, re.MULTILINE)
    assert len(reports) == 3, screen
    for line in reports:
        assert "watching" not in line.rsplit("\x1b[K", 1)[-1], repr(line)


def test_a_message_the_api_no_longer_knows_stays_waiting_without_ending_the_watch(
    tmp_path: Path,
):
    """A status sweep that meets a 404 (the message evicted: the API keeps a message 45 days,
    this sandbox only 1) leaves that message waiting; the watch goes on to its timeout."""
    rows = [["+61491570156", "a", "yes"], ["+61491570157", "b", "yes"]]
    path = write_csv(tmp_path / "in.csv", WITH_REPORTS, rows)
    with SandboxServer(max_messages=1) as server:  # a manual clock: no report ever comes
        env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
        env.update(MESSAGEMEDIA_API_KEY=server.api_key, MESSAGEMEDIA_API_SECRET=server.api_secret,
                   MESSAGEMEDIA_BASE_URL=server.url)  # fmt: skip
        command = [sys.executable, "-m", "message_media_messages", "--json", "batch", str(path),
                   "--no-journal", "--no-progress", "--watch", "--watch-timeout", "7"]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=90)
        assert server.request_log("/v1/messages/")  # a sweep asked for the statuses
    assert result.returncode == 5, result.stderr
    watch = json.loads(result.stdout.splitlines()[-1])
    assert (watch["watched"], watch["pending"], watch["timed_out"]) == (2, 2, True)
    assert "404" not in result.stderr
