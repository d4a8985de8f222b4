"""`messagemedia batch` journals by default: Ctrl-C and the same command resume, a completed
run is refused (until --new-run), and each input + account has its own (issue 8, item 5)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.cli import main

SEND = "/v1/messages"
ROW = re.compile(r"row (\d+)")


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("MESSAGEMEDIA_STATE_DIR", str(folder))
    return folder


def rows_file(folder: Path, n: int) -> Path:
    path = folder / "recipients.csv"
    lines = ["destination_number,content", *(f"+61491570156,row {i}" for i in range(n))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(sandbox: SandboxServer) -> Counter[int]:
    found = (ROW.fullmatch(m["content"]) for m in sandbox.messages())
    return Counter(int(m.group(1)) for m in found if m)


def env_for(sandbox: SandboxServer, state: Path, key: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    return {**env, "MESSAGEMEDIA_API_KEY": key or sandbox.api_key,
            "MESSAGEMEDIA_API_SECRET": sandbox.api_secret, "MESSAGEMEDIA_BASE_URL": sandbox.url,
            "MESSAGEMEDIA_STATE_DIR": str(state)}  # fmt: skip


def cli(env: dict[str, str], *argv: Any) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "message_media_messages", *map(str, argv), "--no-progress"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)  # fmt: skip


def done(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def wait_for(condition: Any, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_ctrl_c_then_the_same_command_resumes_and_never_sends_twice(sandbox, state, tmp_path):
    path, env = rows_file(tmp_path, 1000), env_for(sandbox, state)
    # The first request is stored, then held: Ctrl-C arrives while it is in flight.
    sandbox.fail_next("hang", path=SEND, method="POST", seconds=30.0, process=True)
    first = cli(env, "batch", path)
    wait_for(lambda: sandbox.requests_seen(SEND) >= 1, "the first request")

    code, _, err = done(cli(env, "batch", path))  # a second run meanwhile: refused, exit 2
    assert code == 2, err
    assert re.fullmatch(rf"messagemedia: error: the journal \S+ is in use by another run "
                        rf"\(pid {first.pid} on .*\): .*\n", err), err  # fmt: skip

    first.send_signal(signal.SIGINT)
    code, _, err = done(first)
    assert code == 130, err
    assert "run the same command again to resume" in err and str(state) in err
    assert stored(sandbox) == Counter(range(100))

    code, out, err = done(cli(env, "batch", path))  # the same command again

    assert code == 4, err  # the interrupted chunk is unknown, not sent again
    assert stored(sandbox) == Counter(range(1000))  # every row exactly once
    assert re.search(r"accepted\s+900", out) and re.search(r"unknown\s+100", out), out
    assert list(state.glob("recipients.csv.*.journal")), list(state.iterdir())


def test_a_completed_run_is_refused_until_new_run_and_no_journal_opts_out(sandbox, state, tmp_path):
    path, env = rows_file(tmp_path, 150), env_for(sandbox, state)
    assert done(cli(env, "batch", path))[0] == 0
    requests = sandbox.requests_seen(SEND)

    code, out, err = done(cli(env, "batch", path))

    assert code == 2 and out == "", err
    assert re.fullmatch(
        rf"messagemedia: error: {re.escape(str(path))} was already sent to this account: that "
        r"run completed at 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ \(journal \S+\); to send it "
        r"again on purpose, add --new-run\n", err), err  # fmt: skip
    assert sandbox.requests_seen(SEND) == requests

    code, _, err = done(cli(env, "batch", path, "--new-run"))
    assert code == 0 and "the earlier run's journal is now" in err, err
    assert stored(sandbox) == Counter({i: 2 for i in range(150)})
    assert done(cli(env, "batch", path))[0] == 2  # the new run completed too

    assert done(cli(env, "batch", path, "--no-journal"))[0] == 0
    assert stored(sandbox) == Counter({i: 3 for i in range(150)})
    assert len(list(state.glob("*.journal"))) == 2  # the current run's and the one set aside


def test_a_run_that_left_rejected_rows_is_resumed_not_refused(sandbox, state, tmp_path):
    path, env = rows_file(tmp_path, 150), env_for(sandbox, state)
    text = path.read_text(encoding="utf-8").replace("+61491570156,row 7\n", "+61491570999,row 7\n")
    path.write_text(text, encoding="utf-8")  # row 7 goes to the sandbox's 400 number
    assert done(cli(env, "batch", path))[0] == 4
    requests = sandbox.requests_seen(SEND)

    code, out, err = done(cli(env, "batch", path))  # nothing was sent of row 7: try it again

    assert code == 4 and re.search(r"rejected\s+1", out), (out, err)
    assert sandbox.requests_seen(SEND) == requests + 1  # row 7 alone; the rest was accepted
    assert stored(sandbox) == Counter(i for i in range(150) if i != 7)


def test_the_default_journal_belongs_to_the_input_and_the_account(sandbox, state, tmp_path):
    path = rows_file(tmp_path, 10)
    sandbox.add_account("second-key", sandbox.api_secret)
    with SandboxServer() as other:
        runs = [env_for(sandbox, state), env_for(sandbox, state, "second-key"),
                env_for(other, state)]  # fmt: skip
        assert [done(cli(env, "batch", path))[0] for env in runs] == [0, 0, 0]
        assert len(other.messages()) == 10
    assert len(sandbox.messages()) == 20  # another key: another run, not refused
    names = [p.name for p in state.iterdir() if p.name.endswith(".journal")]
    assert len(names) == 3
    for name in os.listdir(state):  # the key is never kept in clear
        assert sandbox.api_key not in name and "second-key" not in name
        assert sandbox.api_key.encode() not in (state / name).read_bytes()


def test_sandbox_runs_keep_no_default_journal(state, tmp_path, capsys):
    path = rows_file(tmp_path, 5)
    for _ in range(2):  # the README's first command, run again and again
        assert main(["--sandbox", "batch", str(path), "--no-progress"]) == 0
    assert not state.exists() or list(state.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "cause"),
    [(b"garbage" * 40, "not a SQLite database"), (None, "a directory")],
)
def test_an_unusable_journal_is_exit_2_with_one_line(sandbox, state, tmp_path, content, cause):
    path, journal = rows_file(tmp_path, 5), tmp_path / "journal.db"
    if content is None:
        journal.mkdir()
    else:
        journal.write_bytes(content)

    code, out, err = done(cli(env_for(sandbox, state), "batch", path, "--journal", journal))

    assert (code, out) == (2, ""), err
    assert err == f"messagemedia: error: cannot use the journal {journal}: it is {cause}\n"
    assert sandbox.requests_seen(SEND) == 0


def test_a_journal_held_by_another_run_is_exit_2_naming_the_holder(sandbox, state, tmp_path):
    path, journal = rows_file(tmp_path, 5), tmp_path / "journal.db"
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    held = client.messages.send_batch(
        [{"destination_number": "+61491570156", "content": "held"}], journal=str(journal)
    )  # the result holds the journal until it is closed
    try:
        before = sandbox.requests_seen(SEND)
        code, out, err = done(cli(env_for(sandbox, state), "batch", path, "--journal", journal))
    finally:
        held.close()

    assert (code, out) == (2, ""), err
    assert err.startswith("messagemedia: error: ") and err.count("\n") == 1, err
    assert str(journal) in err and f"pid {os.getpid()}" in err, err
    assert "Traceback" not in err
    assert sandbox.requests_seen(SEND) == before  # the second run sent nothing
    assert stored(sandbox) == Counter()
