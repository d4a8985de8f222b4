"""`messagemedia batch` keeps no more of a huge batch than it shows: its peak memory (the CLI
process's own high-water resident set, VmHWM, read as it exits) hardly grows with the number of
rows, accepted or invalid, when neither --json nor --watch needs every row."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from message_media_messages.sandbox import SandboxServer

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc: Linux")

# `python -m message_media_messages ARGV`, which writes its VmHWM (KiB) to $PEAK_FILE at exit
# (a child's ru_maxrss would count the pages of pytest it was forked from).
CLI = """
import atexit, os, runpy
def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])
atexit.register(peak)
runpy.run_module("message_media_messages", run_name="__main__", alter_sys=True)
"""


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def batch_file(path: Path, rows: int) -> Path:
    """Half the rows accepted, half invalid (a local number), alternating."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("destination_number,content\n")
        for i in range(rows):
            handle.write(f"+614915{i % 100_000:05d},hi\n" if i % 2 else f"0491{i:06d},hi\n")
    return path


def peak_kib(sandbox: SandboxServer, path: Path) -> int:
    """The CLI's status must be 4 (some rows accepted, some not); its peak RSS in KiB."""
    peak = path.with_suffix(".peak")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    env.update(MESSAGEMEDIA_BASE_URL=sandbox.url, MESSAGEMEDIA_API_KEY=sandbox.api_key,
               MESSAGEMEDIA_API_SECRET=sandbox.api_secret, PEAK_FILE=str(peak))  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-c", CLI, "batch", str(path), "--no-journal", "--no-progress"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 4, run.stderr
    return int(peak.read_text())


def test_a_batch_twenty_times_larger_takes_hardly_more_memory(sandbox, tmp_path: Path):
    small = peak_kib(sandbox, batch_file(tmp_path / "small.csv", 2_000))
    large = peak_kib(sandbox, batch_file(tmp_path / "large.csv", 40_000))
    # Keeping every failure and every accepted id took about 16 MiB more for the large file.
    assert large - small < 8 * 1024, (small, large)
