"""One row number everywhere: `messagemedia batch` names a row by the line of the file it starts
on, in its tables, --json, the ledger CSV and its errors (the 0-based index, labelled `index`,
beside it where a program needs it); as a subprocess against the sandbox."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from test_cli_user_files import run_cli

# As Excel writes "CSV UTF-8": a BOM, CRLF, a quoted cell spanning two lines, a blank line.
EXPORTED = (
    "\ufeffphone,message\r\n"  # line 1
    "+61491570156,first\r\n"  # line 2: index 0
    '+61491570157,"two\r\nlines"\r\n'  # lines 3-4: index 1
    "\r\n"  # line 5: blank, not a row
    "+6149157O158,a letter O\r\n"  # line 6: index 2, invalid
    "+61491570999,unreachable\r\n"  # line 7: index 3, rejected by the API (sandbox magic)
    "+61491570159,last\r\n"  # line 8: index 4
)


def test_tables_json_and_ledger_name_rows_by_their_line(sandbox, tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_bytes(EXPORTED.encode("utf-8"))
    ledger = tmp_path / "ledger.csv"
    run = run_cli(sandbox, "batch", str(path), "--ledger", str(ledger), "--no-progress")
    assert run.returncode == 4, run.stderr
    failures = run.stdout.split("Rows not accepted (2):\n")[1].splitlines()
    assert failures[0].split() == ["LINE", "OUTCOME", "ERROR"]
    assert failures[1].split()[:3] == ["6", "invalid", "destination_number:"]
    assert failures[2].split()[:4] == ["7", "rejected", "HTTP", "400:"]
    assert "[destination_number: destination is not reachable" in failures[2]
    with ledger.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["index"], r["outcome"]) for r in rows] == [
        ("2", "0", "accepted"),
        ("3", "1", "accepted"),
        ("6", "2", "invalid"),
        ("7", "3", "rejected"),
        ("8", "4", "accepted"),
    ]
    assert sorted(m["content"] for m in sandbox.messages()) == ["first", "last", "two\r\nlines"]
    run = run_cli(sandbox, "--json", "batch", str(path), "--dry-run")
    document = json.loads(run.stdout)
    assert [(r["line"], r["index"], r["outcome"]) for r in document["rows"]][2:4] == [
        (6, 2, "invalid"),
        (7, 3, "valid"),  # the API's 999 refusal is not known before sending
    ]
    assert [(f["line"], f["index"]) for f in document["failures"]] == [(6, 2)]
    every_output = run.stdout + "".join(r["error"] for r in rows)
    assert "messages[" not in every_output and "row " not in every_output


def test_a_format_error_names_the_line_the_row_starts_on(sandbox, tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_bytes((EXPORTED + '+61491570160,"one",extra\r\n').encode("utf-8"))
    run = run_cli(sandbox, "batch", str(path), "--no-progress")
    assert run.returncode == 2
    assert f"{path}, line 9: 3 cells, but the header has 2" in run.stderr
    assert sandbox.messages() == []


def test_a_row_that_differs_from_its_journal_is_named_by_its_line(sandbox, tmp_path: Path):
    path, journal = tmp_path / "export.csv", tmp_path / "run.journal"
    path.write_bytes(EXPORTED.encode("utf-8"))
    first = run_cli(sandbox, "batch", str(path), "--journal", str(journal), "--no-progress")
    assert first.returncode == 4, first.stderr
    path.write_bytes(EXPORTED.replace("last", "changed").encode("utf-8"))
    second = run_cli(sandbox, "batch", str(path), "--journal", str(journal), "--no-progress")
    assert second.returncode == 2
    assert "line 8 differs from the row the journal" in second.stderr, second.stderr
    assert "messages[" not in second.stderr
    assert len(sandbox.messages()) == 3  # nothing more sent


def test_user_text_that_looks_like_a_row_name_is_echoed_as_it_is(sandbox, tmp_path: Path):
    """Only the SDK's own `messages[i]` names become lines: a value the user wrote (echoed in
    an error) and a journal path keep their `messages[3]` text."""
    path = tmp_path / "odd.jsonl"
    rows = [
        {"destination_number": "+61491570156", "content": "a"},  # line 1, index 0
        {"destination_number": "+61491570157", "content": "b"},
        {"destination_number": "+61491570158", "content": "c"},
        {"destination_number": "+61491570159", "content": "d"},  # index 3
        {"destination_number": "messages[3]", "content": "e"},  # line 5, index 4
        {"destination_number": "x; messages[2].content: y", "content": "f"},  # line 6
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    ledger = tmp_path / "ledger.csv"
    run = run_cli(sandbox, "batch", str(path), "--ledger", str(ledger), "--no-progress")
    assert run.returncode == 4, run.stderr
    with ledger.open(newline="", encoding="utf-8") as handle:
        errors = {r["line"]: r["error"] for r in csv.DictReader(handle) if r["error"]}
    assert set(errors) == {"5", "6"}
    assert errors["5"].startswith("destination_number: ") and "got 'messages[3]'" in errors["5"]
    assert "got 'x; messages[2].content: y'" in errors["6"], errors["6"]
    assert "got 'messages[3]'" in run.stdout and "line 4" not in run.stdout
    journal = tmp_path / "messages[3].journal"
    run_cli(sandbox, "batch", str(path), "--journal", str(journal), "--no-progress")
    path.write_text(path.read_text(encoding="utf-8").replace('"d"', '"D"'), encoding="utf-8")
    again = run_cli(sandbox, "batch", str(path), "--journal", str(journal), "--no-progress")
    assert again.returncode == 2
    assert f"line 4 differs from the row the journal {journal} recorded" in again.stderr
