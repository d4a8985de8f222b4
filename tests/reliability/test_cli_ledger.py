"""The `--ledger` CSV survives real-world runs (issue 8 item 7): a batch interrupted with
SIGINT leaves every settled row on disk, and a refused run never clobbers an earlier ledger.

Each run is a real `python -m message_media_messages` subprocess; the sandbox runs in this
process on 127.0.0.1.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from message_media_messages import BatchRow, MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

CLI = [sys.executable, "-m", "message_media_messages"]
DESTINATION = "+61491570156"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def environment(server: SandboxServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    env.update(
        MESSAGEMEDIA_BASE_URL=server.url,
        MESSAGEMEDIA_API_KEY=server.api_key,
        MESSAGEMEDIA_API_SECRET=server.api_secret,
    )
    return env


def csv_file(path: Path, rows: int, *, invalid_every: int = 0, tag: str = "row") -> Path:
    """Row i says `<tag> i`; every `invalid_every`-th row has no content (invalid)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["destination_number", "content"])
        for i in range(rows):
            empty = invalid_every and i % invalid_every == invalid_every - 1
            writer.writerow([DESTINATION, "" if empty else f"{tag} {i}"])
    return path


def read_ledger(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("stop", "status"), [(signal.SIGINT, 130), (signal.SIGKILL, -9)], ids=["ctrl-c", "kill-9"]
)
def test_an_interrupted_run_leaves_every_settled_row_in_the_ledger(
    sandbox: SandboxServer, tmp_path: Path, stop: signal.Signals, status: int
):
    rows = csv_file(tmp_path / "in.csv", 40_000, invalid_every=997)
    ledger = tmp_path / "out.csv"
    process = subprocess.Popen(
        [*CLI, "batch", rows, "--ledger", ledger, "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(sandbox),
    )
    deadline = time.monotonic() + 120
    while len(sandbox.messages()) < 2000 and process.poll() is None:
        assert time.monotonic() < deadline, "the batch never sent 2,000 rows"
        time.sleep(0.02)
    process.send_signal(stop)
    _, err = process.communicate(timeout=120)
    assert process.returncode == status, err  # interrupted, not finished
    stored = {m["content"]: m["message_id"] for m in sandbox.messages()}
    assert len(stored) < 40_000
    lines = read_ledger(ledger)
    accepted = [line for line in lines if line["outcome"] == "accepted"]
    assert len(accepted) >= 2000 - 100  # all but a request that was in flight
    assert len(accepted) >= len(stored) - 100
    for line in accepted:  # each line is the row's real fate
        assert stored[f"row {line['index']}"] == line["message_id"]
    invalid = {int(line["index"]) for line in lines if line["outcome"] == "invalid"}
    assert invalid and all(i % 997 == 996 for i in invalid)
    assert len({line["index"] for line in lines}) == len(lines)  # no row twice
    assert not list(tmp_path.glob(".out.csv.*"))  # no stray temporary file


def test_progress_hands_over_each_row_once_and_a_resumed_run_only_its_own(
    sandbox: SandboxServer, tmp_path: Path
):
    rows: list[dict[str, str]] = [
        {"destination_number": DESTINATION, "content": f"m{i}"} for i in range(450)
    ]
    rows[3]["content"] = ""  # invalid
    rows[120]["destination_number"] = "+61491570999"  # the sandbox refuses its request: split
    seen: list[BatchRow] = []
    journal = str(tmp_path / "journal.db")
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url) as c:
        with c.messages.send_batch(
            rows, concurrency=3, journal=journal, on_progress=lambda p: seen.extend(p.rows)
        ) as result:  # closing it releases the journal for the run below
            assert sorted(seen, key=lambda r: r.index) == list(result.rows)
            assert {r.outcome for r in seen} == {"accepted", "invalid", "rejected"}
        again: list[BatchRow] = []
        with c.messages.send_batch(
            rows, journal=journal, on_progress=lambda p: again.extend(p.rows)
        ):
            pass
    assert sorted(r.index for r in again) == [3, 120]  # accepted rows are not repeated


def test_a_refused_rerun_leaves_the_earlier_ledger_byte_identical(
    sandbox: SandboxServer, tmp_path: Path
):
    env = environment(sandbox)
    journal, ledger = tmp_path / "journal.db", tmp_path / "out.csv"
    first = csv_file(tmp_path / "first.csv", 2000)
    done = subprocess.run(
        [*CLI, "batch", first, "--journal", journal, "--ledger", ledger, "--no-progress"],
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    before = ledger.read_bytes()
    assert before.count(b"\n") == 2001
    other = csv_file(tmp_path / "other.csv", 2000, tag="other")
    refused = subprocess.run(
        [*CLI, "batch", other, "--journal", journal, "--ledger", ledger, "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert refused.returncode == 2, refused.stderr
    assert "journal" in refused.stderr
    assert ledger.read_bytes() == before
    assert not list(tmp_path.glob(".out.csv.*"))
    assert len(sandbox.messages()) == 2000


def test_a_completed_run_rewrites_the_ledger_in_input_order(sandbox: SandboxServer, tmp_path: Path):
    rows = csv_file(tmp_path / "in.csv", 950, invalid_every=7)
    ledger = tmp_path / "out.csv"
    ledger.write_text("an older ledger\n" * 5000)
    done = subprocess.run(
        [*CLI, "batch", rows, "--ledger", ledger, "--no-progress", "--concurrency", "4"],
        capture_output=True,
        env=environment(sandbox),
        timeout=300,
    )
    assert done.returncode == 4, done.stderr
    lines = read_ledger(ledger)
    assert [int(line["index"]) for line in lines] == list(range(950))
    assert sum(line["outcome"] == "invalid" for line in lines) == 950 // 7
    assert not list(tmp_path.glob(".out.csv.*"))


def _file_size_cap(limit: int):
    """A child's cap on the size of any file it writes (what a full disk does to a write)."""
    import resource

    def cap() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return cap


def test_a_ledger_that_fills_the_disk_is_one_clear_line_and_exit_2(
    sandbox: SandboxServer, tmp_path: Path
):
    path = csv_file(tmp_path / "in.csv", 300)
    ledger = tmp_path / "ledger.csv"
    run = subprocess.run(
        [*CLI, "batch", str(path), "--no-journal", "--no-progress", "--ledger", str(ledger)],
        env=environment(sandbox), capture_output=True, text=True, timeout=60,
        preexec_fn=_file_size_cap(4096),
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines[-1].startswith(f"messagemedia: error: cannot write the ledger {ledger}: "), lines
    assert "unexpected" not in run.stderr and "Traceback" not in run.stderr
