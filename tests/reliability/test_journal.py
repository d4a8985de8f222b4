"""Journals under real conditions: two runs at once, killed holders, failing writes, hostile
rows, and files that are not journals of ours (issue 8, items 1, 4, 8, 9)."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from message_media_messages import (
    JournalLockedError,
    JournalUnusableError,
    MessageMediaMessagesClient,
    SandboxServer,
)
from message_media_messages.batch._journal import APPLICATION_ID, fingerprint

SCRIPT = Path(__file__).parent / "scripts" / "journal_run.py"
SEND = "/v1/messages"
ROW = re.compile(r"row (\d+)")


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def start(sandbox: SandboxServer, journal: Path, *extra: str, **env: str) -> subprocess.Popen[str]:
    """The batch script in a real process; returns once it has printed `started`."""
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), sandbox.url, sandbox.api_key, sandbox.api_secret,
         str(journal), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "started\n", (line, proc.communicate(timeout=60))
    return proc


def finish(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """The JSON report of a finished run (failing the test with its stderr if there is none)."""
    out, err = proc.communicate(timeout=120)
    lines = out.strip().splitlines()
    assert proc.returncode == 0 and lines, (proc.returncode, out, err[-3000:])
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def stored(sandbox: SandboxServer) -> Counter[int]:
    """Row index -> how many times the sandbox stored it."""
    found = (ROW.fullmatch(m["content"]) for m in sandbox.messages())
    return Counter(int(m.group(1)) for m in found if m)


def states(journal: Path) -> dict[int, str]:
    db = sqlite3.connect(journal)
    try:
        return dict(db.execute("SELECT idx, state FROM rows"))
    finally:
        db.close()


def wait_for(condition: Any, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def plain(n: int) -> list[dict[str, str]]:
    return [{"content": f"row {i}", "destination_number": "+61491570156"} for i in range(n)]


# --------------------------------------------------------------------------- item 1: locking


def test_two_processes_on_one_journal_exactly_one_sends(sandbox, tmp_path):
    journal = tmp_path / "batch.db"
    # The first send request (whoever makes it) is stored, then held 8 s and dropped
    # unanswered (its rows unknown): the two runs overlap for sure.
    sandbox.fail_next("hang", path=SEND, method="POST", seconds=8.0, process=True)
    procs = [start(sandbox, journal, "--rows", "1000") for _ in range(2)]

    reports = [finish(p) for p in procs]

    refused = [r for r in reports if r.get("error")]
    sent = [r for r in reports if "counts" in r]
    assert len(refused) == 1 and len(sent) == 1, reports
    assert sent[0]["counts"] == {"accepted": 900, "unknown": 100}
    assert refused[0]["error"] == "JournalLockedError"
    assert refused[0]["path"] == str(journal) and str(journal) in refused[0]["message"]
    winner = procs[reports.index(sent[0])].pid
    assert refused[0]["holder"].startswith(f"pid {winner} on ")
    assert stored(sandbox) == Counter(range(1000))  # every row exactly once


def test_a_holder_killed_with_sigkill_does_not_block_the_next_run(sandbox, tmp_path):
    journal = tmp_path / "batch.db"
    sandbox.fail_next("hang", path=SEND, method="POST", seconds=10.0, process=True)
    first = start(sandbox, journal, "--rows", "300")
    wait_for(lambda: sandbox.requests_seen(SEND) >= 1, "the first run's request")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)

    report = finish(start(sandbox, journal, "--rows", "300"))

    # The killed run's chunk was in flight: unknown, never sent again; the rest sent once.
    assert report["counts"] == {"accepted": 200, "unknown": 100}
    wait_for(lambda: sum(stored(sandbox).values()) >= 300, "the held request to be stored")
    assert stored(sandbox) == Counter(range(300))


def test_a_second_run_in_the_same_process_is_refused_until_the_first_closes(sandbox, tmp_path):
    journal = str(tmp_path / "batch.db")
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    other = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    first = client.messages.send_batch(plain(150), journal=journal)
    requests = sandbox.requests_seen(SEND)

    with pytest.raises(JournalLockedError) as caught:
        other.messages.send_batch(plain(150), journal=journal)

    assert caught.value.path == journal and journal in str(caught.value)
    assert caught.value.holder is not None and caught.value.holder.startswith(f"pid {os.getpid()}")
    again = pickle.loads(pickle.dumps(caught.value))
    assert (again.path, again.holder, str(again)) == (
        journal,
        caught.value.holder,
        str(caught.value),
    )
    assert sandbox.requests_seen(SEND) == requests
    assert first.rows[149].outcome == "accepted"  # the first result still reads its journal
    first.close()
    with other.messages.send_batch(plain(150), journal=journal) as resumed:
        assert resumed.counts == {"accepted": 150}
    assert sandbox.requests_seen(SEND) == requests and stored(sandbox) == Counter(range(150))


# --------------------------------------------------------------------------- item 4: atomicity


def test_a_failing_journal_write_stops_the_batch_and_leaves_no_unsent_row_in_flight(
    sandbox, tmp_path
):
    journal = tmp_path / "batch.db"
    # Every file this run writes is capped at 160 kB: the journal's WAL hits it after a
    # few chunks (on main, part way through the first chunk's in-flight rows).
    report = finish(start(sandbox, journal, "--rows", "3000", "--fsize", "160000"))

    assert report.get("error") == "JournalWriteError", report
    assert report["path"] == str(journal)
    sent = stored(sandbox)
    assert 0 < len(sent) < 3000 and max(sent.values()) == 1
    in_flight = {i for i, state in states(journal).items() if state == "in_flight"}
    assert in_flight <= set(sent)  # only rows of chunks that were sent are in flight

    resumed = finish(start(sandbox, journal, "--rows", "3000"))

    unknown = {i for i, e in resumed["errors"].items() if e and "in flight" in e}
    assert {int(i) for i in unknown} == in_flight
    expected = {"accepted": 3000 - len(in_flight), "unknown": len(in_flight)}
    assert resumed["counts"] == {k: n for k, n in expected.items() if n}
    assert stored(sandbox) == Counter(range(3000))  # nothing lost, nothing twice


# --------------------------------------------------------------------------- item 8: fingerprint


def test_rows_that_cannot_be_sent_are_invalid_and_resume_under_another_hash_seed(sandbox, tmp_path):
    journal = tmp_path / "batch.db"
    first = finish(start(sandbox, journal, "--rows", "200", "--hostile", PYTHONHASHSEED="1"))

    hostile = sorted(i for i in range(200) if i % 50 in (3, 13, 23))
    assert first.get("counts") == {"accepted": 188, "invalid": 12}, first
    assert sorted(int(i) for i in first["errors"]) == hostile
    assert all(first["errors"][str(i)].startswith(f"messages[{i}].") for i in hostile)
    requests = sandbox.requests_seen(SEND)

    # The same input in a process whose sets iterate in another order: it resumes.
    again = finish(start(sandbox, journal, "--rows", "200", "--hostile", PYTHONHASHSEED="2"))

    assert again.get("counts") == first["counts"], again
    assert sandbox.requests_seen(SEND) == requests
    assert stored(sandbox) == Counter(i for i in range(200) if i not in hostile)


def test_the_fingerprint_is_deterministic_for_rows_with_mixed_nested_keys():
    def row() -> dict[str, Any]:
        return {"content": "x", "destination_number": "+61491570156", "n": {1: "a", "b": 2}}

    assert fingerprint(row(), None) == fingerprint(row(), None)
    assert fingerprint(row(), None) != fingerprint({**row(), "n": {1: "b", "b": 2}}, None)


# --------------------------------------------------------------------------- item 9: not ours


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 50)


def _other_app(path: Path, wal: bool) -> None:
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.execute("INSERT INTO notes VALUES (1, 'keep me')")
    db.commit()
    db.close()


def _newer(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 99")
    db.execute("CREATE TABLE rows (idx INTEGER PRIMARY KEY)")
    db.commit()
    db.close()


UNUSABLE = {
    "garbage": (_garbage, "not a SQLite database"),
    "other-app": (lambda p: _other_app(p, False), "another application's SQLite database"),
    "other-app-wal": (lambda p: _other_app(p, True), "not a batch journal"),
    "newer-version": (_newer, "newer version"),
    "directory": (lambda p: p.mkdir(), "is a directory"),
    "missing-folder": (None, "does not exist"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_a_path_that_is_not_our_journal_is_refused_untouched_before_sending(
    sandbox, tmp_path, case
):
    make, cause = UNUSABLE[case]
    path = tmp_path / "journal.db" if make else tmp_path / "missing" / "journal.db"
    if make:
        make(path)
    before = sorted((p.name, p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*"))
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)

    with pytest.raises(JournalUnusableError) as caught:
        client.messages.send_batch(plain(10), journal=str(path))

    assert caught.value.path == str(path)
    assert str(path) in str(caught.value) and cause in str(caught.value)
    assert sandbox.requests_seen(SEND) == 0
    after = sorted((p.name, p.read_bytes() if p.is_file() else None) for p in tmp_path.rglob("*"))
    mine = [entry for entry in after if entry not in before]
    assert all(name.endswith((".lock", "-wal", "-shm")) for name, _ in mine), mine
    assert [entry for entry in before if entry not in after] == []  # nothing else changed


def test_a_journal_that_cannot_be_written_is_refused(sandbox, tmp_path):
    folder = Path(tempfile.mkdtemp())  # not under tmp_path: `nobody` must reach it
    path = folder / "journal.db"
    try:
        with (
            MessageMediaMessagesClient(
                sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url
            ) as client,
            client.messages.send_batch(plain(5), journal=str(path)),
        ):
            pass
        path.chmod(0o444)
        folder.chmod(0o755)
        code = (
            "import os, sys\n"
            "import message_media_messages.batch  # imported while the files are readable\n"
            "from message_media_messages import JournalError, MessageMediaMessagesClient\n"
            "client = MessageMediaMessagesClient(*sys.argv[2:4], base_uri=sys.argv[4])\n"
            "if os.getuid() == 0: os.setuid(65534)  # root writes anywhere: be nobody\n"
            "try: client.messages.send_batch([{'content': 'x'}], journal=sys.argv[1])\n"
            "except JournalError as exc: print(type(exc).__name__, exc)\n"
        )
        argv = [str(path), sandbox.api_key, sandbox.api_secret, sandbox.url]
        done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                              text=True, timeout=60)  # fmt: skip
    finally:
        shutil.rmtree(folder)
    assert done.stdout.strip() == (
        f"JournalUnusableError cannot use the journal {path}: "
        "it cannot be opened for writing (Permission denied)"
    ), done.stderr


def test_a_journal_written_by_main_is_accepted_and_resumed(sandbox, tmp_path):
    path = tmp_path / "journal.db"
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    with client.messages.send_batch(plain(100), journal=str(path)) as first:
        ids = [r.message_id for r in first.rows]
    assert application_id(path) == APPLICATION_ID  # a new path is created as ours
    db = sqlite3.connect(path)  # make it look like main's: no ids, no meta table
    db.execute("DROP TABLE meta")
    db.execute("PRAGMA application_id = 0")
    db.execute("PRAGMA user_version = 0")
    db.commit()
    db.close()

    with client.messages.send_batch(plain(100), journal=str(path)) as again:
        assert [r.message_id for r in again.rows] == ids
    assert sandbox.requests_seen(SEND) == 1
    assert application_id(path) == APPLICATION_ID  # stamped as ours


def application_id(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA application_id").fetchone()[0])
    finally:
        db.close()
