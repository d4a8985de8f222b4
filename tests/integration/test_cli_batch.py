"""`messagemedia batch` against a real sandbox: CSV and JSON lines, dry run, ledger, journal,
progress, --watch, exit 4, and the README's main command as a real subprocess."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.cli import main

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = ROOT / "examples" / "recipients.csv"
E164 = re.compile(r"\+[1-9][0-9]{7,14}")  # 8 to 15 digits after "+"
FINAL = {"delivered", "failed", "expired", "rejected"}  # the 2026 spec has no undeliverable
BASIC = ["destination_number", "content"]


def main_within(argv: list[str], seconds: float = 60.0) -> int:
    """`main(argv)`, failing the test instead of hanging if it has not returned in time."""
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"messagemedia {argv} still running after {seconds} s"
    return codes[0]


@pytest.fixture
def cli(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`cli(*argv)` -> (exit status, stdout, stderr) with credentials for `sandbox`."""
    return runner(sandbox, monkeypatch, capsys)


def runner(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    for name in ("MESSAGEMEDIA_HMAC", "MESSAGEMEDIA_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MESSAGEMEDIA_API_KEY", server.api_key)
    monkeypatch.setenv("MESSAGEMEDIA_API_SECRET", server.api_secret)
    monkeypatch.setenv("MESSAGEMEDIA_BASE_URL", server.url)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main_within([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_ledger(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def summary_counts(out: str) -> dict[str, int]:
    """OUTCOME / ROWS table at the top of the human batch summary."""
    counts: dict[str, int] = {}
    lines = out.splitlines()
    assert lines[0].split() == ["OUTCOME", "ROWS"], out
    for line in lines[1:]:
        if not line.strip():
            break
        outcome, rows = line.split()
        counts[outcome] = int(rows)
    return counts


def expected_from_recipients() -> Counter[str]:
    """An independent reading of examples/recipients.csv: what each row should become."""
    expected: Counter[str] = Counter()
    with RECIPIENTS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            number, content = row["destination_number"], row["content"]
            if not E164.fullmatch(number) or not content or len(row["metadata.customer_id"]) > 256:
                expected["invalid"] += 1
            elif number.endswith("999"):
                expected["rejected"] += 1
            else:
                expected["accepted"] += 1
                expected["replies"] += number.endswith("905")
                expected["delivery_report_rows"] += row["delivery_report"] == "true"
                expected["failed"] += number.endswith(("901", "904"))  # 904: unreachable
    return expected


# ---------------------------------------------------------------- input formats


def test_csv_columns_become_message_fields(cli, sandbox: SandboxServer, tmp_path: Path):
    header = [
        "destination_number",
        "content",
        "metadata.customer_id",
        "metadata.region",
        "delivery_report",
        "format",
        "media",
        "subject",
        "source_number",
    ]
    rows = [
        ["+61491570156", "plain", "c1", "", "yes", "", "", "", ""],
        [
            "+61491570157",
            "mms",
            "c2",
            "west",
            "0",
            "MMS",
            "https://e.com/a.png https://e.com/b.png",
            "Look",
            " +61491570158 ",
        ],
    ]
    code, out, err = cli("batch", write_csv(tmp_path / "in.csv", header, rows), "--no-progress")
    assert code == 0, err
    assert summary_counts(out) == {"accepted": 2, "total": 2}
    first, second = sandbox.messages()
    assert first["metadata"] == {"customer_id": "c1"}  # empty cell: absent
    assert first["delivery_report"] is True
    assert "format" not in first or first["format"] == "SMS"
    assert second["metadata"] == {"customer_id": "c2", "region": "west"}
    assert second["delivery_report"] is False
    assert second["media"] == ["https://e.com/a.png", "https://e.com/b.png"]
    assert (second["format"], second["subject"]) == ("MMS", "Look")
    assert second["source_number"] == "+61491570158"


def test_json_lines_input_with_json_output(cli, sandbox: SandboxServer, tmp_path: Path):
    lines = [
        {"destination_number": "+61491570156", "content": "one", "metadata": {"k": "1"}},
        {"destination_number": "+61491570157", "content": "two", "delivery_report": True},
        {"destination_number": "bad", "content": "three"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    code, out, _ = cli("--json", "batch", path, "--no-progress")
    assert code == 4
    document = json.loads(out)
    assert document["counts"] == {"accepted": 2, "invalid": 1}
    assert (document["total"], document["ok"]) == (3, False)
    [failure] = document["failures"]
    assert (failure["index"], failure["outcome"]) == (2, "invalid")
    assert "destination_number" in failure["error"]
    stored = sandbox.messages()
    assert [m["content"] for m in stored] == ["one", "two"]
    assert stored[0]["metadata"] == {"k": "1"}


@pytest.mark.parametrize(
    ("name", "text", "complaint"),
    [
        ("a.csv", "destination,contnet\n+61491570156,hi\n", "did you mean 'content'?"),
        (
            "b.csv",
            "destination_number,content,delivery_report\n+61491570156,hi,maybe\n",
            "delivery_report must be",
        ),
        ("c.csv", "destination_number,content\n+61491570156,hi,extra\n", "3 cells"),
        (
            "d.jsonl",
            '{"destination_number": "+61491570156", "content": "hi"}\n{oops\n',
            "line 2: not JSON",
        ),
        ("e.ndjson", "[1, 2]\n", "expected a JSON object"),
        ("f.csv", "", "empty file"),
        ("missing.csv", None, "cannot read"),
    ],
)
def test_a_bad_file_exits_2_before_anything_is_sent(
    cli, sandbox: SandboxServer, tmp_path: Path, name: str, text: str | None, complaint: str
):
    path = tmp_path / name
    if text is not None:
        # the good first row must not be sent either: the whole file is checked first
        path.write_text(text, encoding="utf-8")
    code, out, err = cli("batch", path)
    assert code == 2
    assert out == ""
    assert complaint in err and len(err.strip().splitlines()) == 1
    assert sandbox.requests_seen("/v1/messages") == 0


# ---------------------------------------------------------------- dry run, ledger, journal


def test_dry_run_shows_encoding_and_segments_and_sends_nothing(
    cli, sandbox: SandboxServer, tmp_path: Path
):
    rows = [
        ["+61491570156", "plain text"],
        ["+61491570157", "Grüße ✓"],
        ["+61491570158", "x" * 161],
        ["0491", "bad number"],
    ]
    path = write_csv(tmp_path / "in.csv", BASIC, rows)
    code, out, _ = cli("batch", path, "--dry-run")
    assert code == 4  # one invalid row
    assert summary_counts(out) == {"invalid": 1, "valid": 3, "total": 4}
    assert "SMS segments: 4 in total (GSM-7: 2 rows, UCS-2: 1 rows)" in out
    table = {
        line.split()[0]: line.split()[1:4] for line in out.splitlines() if re.match(r"\d+ ", line)
    }
    assert table["0"] == ["valid", "GSM-7", "1"]
    assert table["1"] == ["valid", "UCS-2", "1"]
    assert table["2"] == ["valid", "GSM-7", "2"]
    assert table["3"][0] == "invalid"
    code, out, _ = cli("--json", "batch", path, "--dry-run")
    document = json.loads(out)
    assert document["total_segments"] == 4
    assert [r["encoding"] for r in document["rows"]] == ["GSM-7", "UCS-2", "GSM-7", None]
    assert sandbox.messages() == []


def test_ledger_csv_has_one_line_per_row(cli, sandbox: SandboxServer, tmp_path: Path):
    rows = [
        ["+61491570156", "a"],
        ["+61491570157", ""],
        ["+61491570999", "c"],
        ["+61491570158", "d"],
    ]
    path = write_csv(tmp_path / "in.csv", BASIC, rows)
    ledger = tmp_path / "ledger.csv"
    code, _, _ = cli("batch", path, "--ledger", ledger, "--no-progress")
    assert code == 4
    lines = read_ledger(ledger)
    assert list(lines[0]) == ["index", "outcome", "message_id", "error"]
    assert [(r["index"], r["outcome"]) for r in lines] == [
        ("0", "accepted"),
        ("1", "invalid"),
        ("2", "rejected"),
        ("3", "accepted"),
    ]
    assert [lines[0]["message_id"], lines[3]["message_id"]] == [
        m["message_id"] for m in sandbox.messages()
    ]
    assert "content" in lines[1]["error"] and "999" in lines[2]["error"]
    dry = tmp_path / "dry.csv"
    cli("batch", path, "--dry-run", "--ledger", dry)
    assert list(read_ledger(dry)[0]) == [
        "index",
        "outcome",
        "message_id",
        "error",
        "encoding",
        "segments",
    ]


def test_an_unwritable_ledger_stops_the_batch_before_sending(cli, sandbox, tmp_path: Path):
    path = write_csv(tmp_path / "in.csv", BASIC, [["+61491570156", "a"]])
    code, _, err = cli("batch", path, "--ledger", tmp_path / "no" / "such" / "dir.csv")
    assert code == 2
    assert "cannot write the ledger" in err
    assert sandbox.messages() == []


def test_journal_resume_never_sends_a_row_twice(cli, sandbox: SandboxServer, tmp_path: Path):
    rows = [[f"+6149157{i:04d}", f"message {i}"] for i in range(250)]
    path = write_csv(tmp_path / "in.csv", BASIC, rows)
    journal = tmp_path / "journal.db"
    first_ledger, second_ledger = tmp_path / "1.csv", tmp_path / "2.csv"
    code, out, _ = cli(
        "batch",
        path,
        "--journal",
        journal,
        "--ledger",
        first_ledger,
        "--concurrency",
        "3",
        "--no-progress",
    )
    assert (code, summary_counts(out)) == (0, {"accepted": 250, "total": 250})
    code, out, _ = cli(
        "batch", path, "--journal", journal, "--ledger", second_ledger, "--no-progress"
    )
    assert (code, summary_counts(out)) == (0, {"accepted": 250, "total": 250})
    stored = sandbox.messages()
    assert len(stored) == 250
    assert Counter(m["destination_number"] for m in stored) == Counter(r[0] for r in rows)
    first = [r["message_id"] for r in read_ledger(first_ledger)]
    assert [r["message_id"] for r in read_ledger(second_ledger)] == first
    assert sandbox.requests_seen("/v1/messages") == 3  # 100 + 100 + 50, all on the first run


# ---------------------------------------------------------------- progress


def test_progress_bar_goes_to_stderr(cli, tmp_path: Path):
    rows = [[f"+6149157{i:04d}", "x"] for i in range(120)]
    code, out, err = cli("batch", write_csv(tmp_path / "in.csv", BASIC, rows))
    assert code == 0
    assert "120/120" in err and "sending" in err
    assert "120/120" not in out


def test_without_tqdm_progress_is_plain_lines(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm -> ImportError
    rows = [[f"+6149157{i:04d}", "x"] for i in range(300)]
    code, _, err = cli("batch", write_csv(tmp_path / "in.csv", BASIC, rows))
    assert code == 0
    lines = [line for line in err.splitlines() if line.startswith("sending:")]
    assert lines[-1] == "sending: 300/300 rows (100%)  accepted 300"
    assert "\r" not in err and "|" not in err


# ---------------------------------------------------------------- watch


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """(sandbox stepping in real time, cli runner for it)."""
    with SandboxServer(realtime=True, step_seconds=0.1) as server:
        yield server, runner(server, monkeypatch, capsys)


def test_watch_json_lines_follow_until_every_message_is_final(live, tmp_path: Path):
    server, cli = live
    rows = [
        ["+61491570156", "a", "true"],
        ["+61491570905", "b", "true"],
        ["+61491570901", "c", "true"],
        ["+61491570157", "d", "false"],
    ]
    path = write_csv(
        tmp_path / "in.csv", ["destination_number", "content", "delivery_report"], rows
    )
    started = time.monotonic()
    code, out, err = cli("--json", "batch", path, "--watch", "--poll-interval", "0.2")
    assert code == 0, err
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert lines[0]["type"] == "batch" and lines[0]["counts"] == {"accepted": 4}
    kinds = Counter(line["type"] for line in lines[1:-1])
    assert kinds == {"delivery_report": 9, "reply": 1}
    assert lines[-1] == {
        "type": "watch",
        "final": {"delivered": 3, "failed": 1},
        "pending": 0,
        "timed_out": False,
        "confirmed": {"delivery_reports": 9, "replies": 1},
    }
    with MessageMediaMessagesClient(server.api_key, server.api_secret, base_uri=server.url) as api:
        assert api.delivery_reports.check_delivery_reports().delivery_reports == []
        assert api.replies.check_replies().replies == []
    assert time.monotonic() - started < 30


def test_watch_gives_up_after_the_timeout(live, tmp_path: Path):
    _, cli = live
    rows = [["+61491570156", "later", "2099-01-01T00:00:00Z"]]
    path = write_csv(tmp_path / "in.csv", ["destination_number", "content", "scheduled"], rows)
    started = time.monotonic()
    code, out, err = cli(
        "--json", "batch", path, "--watch", "--watch-timeout", "1", "--poll-interval", "0.2"
    )
    assert code == 0  # every row was accepted; the timeout is reported, not an error
    assert 1 <= time.monotonic() - started < 10
    assert json.loads(out.strip().splitlines()[-1])["timed_out"] is True
    assert "watch timed out after 1 s: 1 accepted messages are not final yet" in err


def test_watch_is_refused_with_dry_run(cli, tmp_path: Path):
    path = write_csv(tmp_path / "in.csv", BASIC, [["+61491570156", "a"]])
    code, _, err = cli("batch", path, "--dry-run", "--watch")
    assert code == 2
    assert "--dry-run" in err


# ---------------------------------------------------------------- the README's main command


def test_readme_main_command(tmp_path: Path):
    """`messagemedia --sandbox batch examples/recipients.csv --watch`, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "message_media_messages",
            "--sandbox",
            "batch",
            "examples/recipients.csv",
            "--watch",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 4, result.stderr
    assert elapsed < 60
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
    assert f"Rows not accepted ({expected['invalid'] + expected['rejected']}):" in out
    reports = [line for line in out.splitlines() if line.startswith("report ")]
    replies = [line for line in out.splitlines() if line.startswith("reply ")]
    assert len(reports) == 3 * expected["delivery_report_rows"]  # enroute, submitted, final
    assert len(replies) == expected["replies"]
    assert all("Auto-reply to: Hi C" in line for line in replies)
    final = re.search(r"final statuses: (.*)", out)
    assert final
    tally = dict((s, int(n)) for s, n in (p.split() for p in final.group(1).split(", ")))
    assert sum(tally.values()) == expected["accepted"]
    assert tally["failed"] == expected["failed"]
    assert set(tally) <= FINAL
    assert (f"confirmed {len(reports)} delivery reports and {len(replies)} replies") in out
    assert "timed out" not in result.stderr
    assert "Traceback" not in result.stderr


def test_progress_bar_shows_large_counts_as_whole_numbers():
    import io
    from types import SimpleNamespace

    from message_media_messages.cli._progress import Progress

    stream = io.StringIO()
    progress = Progress(50_000, stream=stream)
    progress(SimpleNamespace(rows_done=40_000, counts={"accepted": 40_000}))
    progress.close()
    assert "accepted=40000" in stream.getvalue()
    assert "4e+4" not in stream.getvalue()
