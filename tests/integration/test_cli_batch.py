"""`messagemedia batch` against a real sandbox: CSV and JSON lines, dry run, ledger, journal,
progress and exit 4 (--watch and the README's main command: test_cli_watch.py)."""

from __future__ import annotations

import csv
import json
import re
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from message_media_messages import SandboxServer
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
                reports = row["delivery_report"] == "true"
                expected["accepted"] += 1
                expected["replies"] += number.endswith("905")
                expected["replies_watched"] += reports and number.endswith("905")
                expected["delivery_report_rows"] += reports
                expected["no_report_rows"] += not reports
                expected["failed"] += number.endswith(("901", "904"))  # 904: unreachable
                expected["failed_watched"] += reports and number.endswith(("901", "904"))
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
    # rows are named by their line in the file (the header is line 1)
    assert table["2"] == ["valid", "GSM-7", "1"]
    assert table["3"] == ["valid", "UCS-2", "1"]
    assert table["4"] == ["valid", "GSM-7", "2"]
    assert table["5"][0] == "invalid"
    code, out, _ = cli("--json", "batch", path, "--dry-run")
    document = json.loads(out)
    assert document["total_segments"] == 4
    assert [(r["line"], r["index"]) for r in document["rows"]] == [(2, 0), (3, 1), (4, 2), (5, 3)]
    assert document["failures"][0]["error"].startswith("destination_number: must be")
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
    assert list(lines[0]) == ["line", "index", "outcome", "message_id", "error"]
    assert [(r["line"], r["index"], r["outcome"]) for r in lines] == [
        ("2", "0", "accepted"),
        ("3", "1", "invalid"),
        ("4", "2", "rejected"),
        ("5", "3", "accepted"),
    ]
    # the API's messages[0] (of the split request) is not shown: the row is named by its line
    assert lines[2]["error"].startswith("HTTP 400: ") and "messages[" not in lines[2]["error"]
    assert "[destination_number: destination is not reachable" in lines[2]["error"]
    assert [lines[0]["message_id"], lines[3]["message_id"]] == [
        m["message_id"] for m in sandbox.messages()
    ]
    assert "content" in lines[1]["error"] and "999" in lines[2]["error"]
    dry = tmp_path / "dry.csv"
    cli("batch", path, "--dry-run", "--ledger", dry)
    assert list(read_ledger(dry)[0]) == [
        "line",
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
