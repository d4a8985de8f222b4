"""Exit statuses that tell the truth, and a closed stdout that is not an error (issue 8 item 12).

Every run is a real `python -m message_media_messages` subprocess against a sandbox this test
starts on 127.0.0.1 (or a 127.0.0.1 port nothing listens on), its stdout a real pipe.
"""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

CLI = [sys.executable, "-m", "message_media_messages"]
OK_NUMBERS = ["+61491570156", "+61491570157", "+61491570158"]


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def environment(url: str, key: str, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    env.update(MESSAGEMEDIA_BASE_URL=url, MESSAGEMEDIA_API_KEY=key, MESSAGEMEDIA_API_SECRET=secret)
    return env


def csv_file(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["destination_number", "content"])
        writer.writerows(rows)
    return path


def run(env: dict[str, str], *argv: object) -> subprocess.CompletedProcess[str]:
    command = [*CLI, *(str(a) for a in argv)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def closed_port() -> int:
    """A 127.0.0.1 port that nothing listens on (bound, never listened, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------- exit statuses


def test_bad_credentials_exit_1_for_batch_as_for_send(sandbox: SandboxServer, tmp_path: Path):
    env = environment(sandbox.url, sandbox.api_key, "not-the-secret")
    rows = csv_file(tmp_path / "in.csv", [(n, "hi") for n in OK_NUMBERS])
    send = run(env, "send", "--to", OK_NUMBERS[0], "--text", "hi")
    batch = run(env, "batch", rows, "--no-progress")
    assert (send.returncode, batch.returncode) == (1, 1), batch.stderr
    assert "rejected  3" in batch.stdout  # the summary is still printed
    assert re.search(r"error: .*HTTP 40[13]", batch.stderr.splitlines()[-1]), batch.stderr
    assert "not-the-secret" not in batch.stderr
    assert sandbox.messages() == []


def test_an_unreachable_api_exits_3_for_batch_as_for_send(tmp_path: Path):
    env = environment(f"http://127.0.0.1:{closed_port()}", "key", "secret")
    rows = csv_file(tmp_path / "in.csv", [(n, "hi") for n in OK_NUMBERS])
    send = run(env, "send", "--to", OK_NUMBERS[0], "--text", "hi")
    batch = run(env, "--json", "batch", rows, "--no-progress")
    assert (send.returncode, batch.returncode) == (3, 3), batch.stderr
    assert json.loads(batch.stdout)["counts"] == {"rejected": 3}
    assert "connection failed" in batch.stderr


def test_only_invalid_rows_exit_2_and_a_mix_exits_4(sandbox: SandboxServer, tmp_path: Path):
    env = environment(sandbox.url, sandbox.api_key, sandbox.api_secret)
    invalid = csv_file(tmp_path / "bad.csv", [("+61491570156", ""), ("not a number", "x")])
    result = run(env, "batch", invalid, "--no-progress")
    assert result.returncode == 2, result.stderr
    assert "none of the 2 rows is valid" in result.stderr
    mixed = csv_file(tmp_path / "mixed.csv", [("+61491570156", "a"), ("+61491570157", "")])
    assert run(env, "batch", mixed, "--no-progress").returncode == 4
    fine = csv_file(tmp_path / "fine.csv", [(n, "hi") for n in OK_NUMBERS])
    assert run(env, "batch", fine, "--no-progress").returncode == 0
    assert len(sandbox.messages()) == 1 + 3


def test_rows_accepted_before_the_api_went_away_make_it_partial(
    sandbox: SandboxServer, tmp_path: Path
):
    env = environment(sandbox.url, sandbox.api_key, sandbox.api_secret)
    rows = csv_file(tmp_path / "in.csv", [("+61491570156", f"m{i}") for i in range(150)])
    sandbox.fail_next("status", status=401, path="/v1/messages")  # the first 100 refused
    result = run(env, "--json", "batch", rows, "--no-progress")
    assert result.returncode == 4, result.stderr
    assert json.loads(result.stdout)["counts"] == {"rejected": 100, "accepted": 50}


# ---------------------------------------------------------------- a closed stdout


def piped_to_head(env: dict[str, str], *argv: object) -> tuple[int, bytes, str]:
    """`messagemedia ARGV | head -1` with real pipes: (status, head's output, stderr)."""
    cli = subprocess.Popen(
        [*CLI, *(str(a) for a in argv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert cli.stdout is not None and cli.stderr is not None
    head = subprocess.run(["head", "-n", "1"], stdin=cli.stdout, capture_output=True, timeout=120)
    cli.stdout.close()  # only head holds the read end now
    err = cli.stderr.read().decode()
    return cli.wait(timeout=120), head.stdout, err


def test_a_batch_piped_to_head_keeps_its_own_status(sandbox: SandboxServer, tmp_path: Path):
    env = environment(sandbox.url, sandbox.api_key, sandbox.api_secret)
    rows = [("+61491570156", f"message {i}") for i in range(3000)]
    rows[5] = ("+61491570157", "")  # one invalid row: the batch is partial (4)
    path = csv_file(tmp_path / "in.csv", rows)
    # a dry run's JSON lists every row: far more than a pipe holds, so head leaves early
    code, first, err = piped_to_head(env, "--json", "batch", path, "--dry-run", "--no-progress")
    assert (code, first) == (4, b"{\n"), err
    assert "BrokenPipeError" not in err and "Traceback" not in err and "Exception" not in err
    code, first, err = piped_to_head(env, "batch", path, "--no-progress")
    assert code == 4, err
    assert first.split() == [b"OUTCOME", b"ROWS"]
    assert "BrokenPipeError" not in err and "Traceback" not in err
    assert len(sandbox.messages()) == 2999  # the batch completed


def test_a_watch_piped_to_head_stops_with_the_batch_status(sandbox: SandboxServer, tmp_path: Path):
    """`batch --watch | head -1` without -v: nothing is printed while it waits, yet the watch
    learns that the reader is gone and stops; the status is the batch's 0, not a timeout's 5."""
    env = environment(sandbox.url, sandbox.api_key, sandbox.api_secret)
    path = tmp_path / "in.csv"
    path.write_text("destination_number,content,delivery_report\n+61491570156,x,yes\n")
    argv = ("batch", path, "--watch", "--watch-timeout", "10", "--no-journal")
    code, first, err = piped_to_head(env, *argv)  # the sandbox's clock never moves: not final
    assert (code, first.split()) == (0, [b"OUTCOME", b"ROWS"]), err
    assert "timed out" not in err and "Traceback" not in err


def test_follow_into_a_closed_pipe_stops_without_confirming_the_unprinted(
    sandbox: SandboxServer,
):
    env = environment(sandbox.url, sandbox.api_key, sandbox.api_secret)
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url) as c:
        body = {"destination_number": "+61491570156", "content": "x", "delivery_report": True}
        c.messages.send_messages({"messages": [body] * 3})
        sandbox.advance(to_final=True)
        waiting = len(c.delivery_reports.check_delivery_reports().delivery_reports or [])
        assert waiting >= 3
        cli = subprocess.Popen(
            [*CLI, "--json", "reports", "--follow", "--poll-interval", "0.2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert cli.stdout is not None and cli.stderr is not None
        cli.stdout.close()  # the reader is gone before the first line
        code, err = cli.wait(timeout=120), cli.stderr.read().decode()
        assert code == 0, err
        assert "Traceback" not in err and "BrokenPipeError" not in err
        left = c.delivery_reports.check_delivery_reports().delivery_reports or []
        assert len(left) == waiting  # none was printed, so none was confirmed


def test_a_rerun_whose_rows_were_all_in_flight_is_not_called_invalid(
    sandbox: SandboxServer, tmp_path: Path
):
    # A run killed while its only request was unanswered: its rows may have been sent. The
    # rerun resumes them as unknown (never sent again), which is no input error (exit 2).
    env = {**environment(sandbox.url, sandbox.api_key, sandbox.api_secret),
           "MESSAGEMEDIA_STATE_DIR": str(tmp_path / "state")}  # fmt: skip
    rows = csv_file(tmp_path / "in.csv", [(n, "hi") for n in OK_NUMBERS])
    sandbox.fail_next("hang", path="/v1/messages", method="POST", seconds=3.0)
    first = subprocess.Popen([*CLI, "batch", str(rows), "--no-progress"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while sandbox.requests_seen("/v1/messages") < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sandbox.requests_seen("/v1/messages") == 1
    finally:
        first.kill()
        first.wait(timeout=60)
    rerun = run(env, "--json", "batch", rows, "--no-progress")
    assert json.loads(rerun.stdout)["counts"] == {"unknown": 3}
    assert rerun.returncode == 3, rerun.stderr
    assert "is valid" not in rerun.stderr
    assert "3 were in flight when an earlier run stopped" in rerun.stderr
    assert sandbox.requests_seen("/v1/messages") == 1  # nothing sent again
