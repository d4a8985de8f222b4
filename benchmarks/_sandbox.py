"""The sandbox in its own process, for `bench_batch.py`: start it, post to it, read its memory.

Only the sandbox's public command line (`python -m message_media_messages.sandbox`) and
HTTP API are used, so the benchmark runs unchanged whatever the sandbox does inside.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import _shape

KEY, SECRET = "bench-key", "bench-secret"
HEADERS = {
    "Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode(),
    "Content-Type": "application/json",
    "Accept": "application/json",
}
THREADS = (1, 4, 8)


def child_env(root: Path) -> dict[str, str]:
    """The environment of every child: the checkout `root` first on the path (if it is one)."""
    env = dict(os.environ)
    if (root / "message_media_messages").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    return env


@contextmanager
def sandbox(env: dict[str, str], *options: str) -> Iterator[tuple[str, int]]:
    """Start a fresh sandbox process (manual clock, free port, more `options`); yield (url, pid)."""
    command = [
        sys.executable, "-m", "message_media_messages.sandbox", "--port", "0", "--manual",
        "--api-key", KEY, "--api-secret", SECRET, "--initial-credits", str(10**9), *options,
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"listening on (\S+)", first)
        if match is None:
            raise RuntimeError(f"sandbox did not start: {first!r}")
        # The rest of the banner is a few lines: it fits in the pipe, nothing blocks.
        yield match.group(1), proc.pid
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mib(pid: int, field: str) -> float:
    """`VmRSS` (now) or `VmHWM` (peak) of a live process, in MiB; 0 if unknown (not Linux)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(rf"{field}:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


def post(conn: http.client.HTTPConnection, body: dict[str, Any] | bytes) -> None:
    """One send request on `conn`; raise unless the sandbox accepted it (202)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.request("POST", "/v1/messages", data, HEADERS)
    response = conn.getresponse()
    answer = response.read()
    if response.status != 202:
        raise RuntimeError(f"sandbox answered {response.status}: {answer[:200]!r}")


def throughput(env: dict[str, str], threads: int, per_thread: int, shape: str) -> dict[str, Any]:
    """Requests/s and messages/s of a fresh sandbox for 100-message sends from raw threads."""
    body = json.dumps(_shape.bodies(shape, 1)[0]).encode()
    failures: list[BaseException] = []
    with sandbox(env) as (url, pid):
        parts = urlsplit(url)
        start = threading.Barrier(threads + 1)

        def run() -> None:
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
            try:
                post(conn, body)  # connect and warm up outside the timed part
                start.wait()
                for _ in range(per_thread):
                    post(conn, body)
            except Exception as exc:  # reported below, after the join
                failures.append(exc)
            finally:
                conn.close()

        pool = [threading.Thread(target=run) for _ in range(threads)]
        for thread in pool:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in pool:
            thread.join()
        seconds = time.perf_counter() - began
        peak = rss_mib(pid, "VmHWM")
    if failures:
        raise RuntimeError(f"{len(failures)} sending threads failed: {failures[0]!r}")
    requests = threads * per_thread
    return {
        "threads": threads,
        "requests": requests,
        "requests_per_s": requests / seconds,
        "messages_per_s": 100 * requests / seconds,
        "sandbox_peak_rss_mib": peak,
    }


def throughput_report(env: dict[str, str], shape: str) -> list[dict[str, Any]]:
    """Measure and print the sandbox's throughput from 1, 4 and 8 threads."""
    results = [throughput(env, threads, 1000, shape) for threads in THREADS]
    print("\n## Sandbox throughput: 100-message sends, raw http.client\n")
    print(
        "| client threads | requests (x100 messages) | requests/s | messages/s"
        " | sandbox peak RSS (MiB) |"
    )
    print("|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['threads']} | {r['requests']:,} | {r['requests_per_s']:,.0f}"
            f" | {r['messages_per_s']:,.0f} | {r['sandbox_peak_rss_mib']:.0f} |"
        )
    return results
