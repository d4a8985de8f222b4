"""Batch sending at scale: rows/s and peak client RSS of `send_batch`, and the sandbox's throughput.

Run from the repo root: `python benchmarks/bench_batch.py [--rows 100000,1000000]
[--concurrency 1,4,8] [--quick] [--json]`.

A CSV of the largest row count is generated once into a temporary directory. Each
(row count, concurrency) run then happens in a fresh subprocess that streams the first N
rows of that CSV (`csv.DictReader`) through `client.messages.send_batch` to a sandbox
running in its own process (`python -m message_media_messages.sandbox --manual`), started
fresh for each run since the sandbox keeps every message in memory. The subprocess reports
its wall time, CPU time and peak RSS (`ru_maxrss`), so the client's memory is measured
alone. Target: peak RSS under 80 MiB whatever the row count (flat from 100k to 1M rows).

Second table: the sandbox's own throughput, 100-message sends from N threads of raw
`http.client` (not the SDK), in requests/s and messages/s.

`--quick`: 10,000 rows at concurrency 1 and 4, and a short sandbox run (< 60 s in all).
"""

from __future__ import annotations

import argparse
import base64
import csv
import http.client
import itertools
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

KEY, SECRET = "bench-key", "bench-secret"
RSS_TARGET_MIB = 80.0
DESTINATIONS = ("+61491570156", "+61491570157", "+61491570158", "+61491570159")
QUICK_ROWS, QUICK_CONCURRENCY = (10_000,), (1, 4)
SANDBOX_THREADS = (1, 4, 8)


# ---------------------------------------------------------------------------- sandbox process


@contextmanager
def sandbox() -> Iterator[tuple[str, int]]:
    """Start a fresh sandbox process (manual clock, free port); yield (url, pid)."""
    command = [
        sys.executable, "-m", "message_media_messages.sandbox", "--port", "0", "--manual",
        "--api-key", KEY, "--api-secret", SECRET, "--initial-credits", str(10**9),
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
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


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size of a live process (Linux `VmHWM`), in MiB; 0 if unknown."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


# ---------------------------------------------------------------------------- batch runs


def write_csv(path: Path, rows: int) -> None:
    """The input: `rows` valid messages, each with unique content and some metadata."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["content", "destination_number", "metadata.row"])
        for i in range(rows):
            destination = DESTINATIONS[i % len(DESTINATIONS)]
            writer.writerow([f"Batch benchmark message {i}: your code is {i % 10_000:04d}",
                             destination, str(i)])  # fmt: skip


def csv_rows(path: str, count: int) -> Iterator[dict[str, Any]]:
    """Stream the first `count` rows as message dicts (`metadata.row` folded into metadata)."""
    with open(path, newline="", encoding="utf-8") as handle:
        for row in itertools.islice(csv.DictReader(handle), count):
            yield {
                "content": row["content"],
                "destination_number": row["destination_number"],
                "metadata": {"row": row["metadata.row"]},
            }


def worker(args: argparse.Namespace) -> None:
    """One run, in its own process: stream the CSV through send_batch; print JSON figures."""
    from message_media_messages import MessageMediaMessagesClient

    client = MessageMediaMessagesClient(
        KEY, SECRET, base_uri=args.url, pool_maxsize=max(10, args.concurrency)
    )
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    with client:
        result = client.messages.send_batch(
            csv_rows(args.csv, args.rows), concurrency=args.concurrency
        )
        counts = dict(result.counts)
    seconds = time.perf_counter() - started
    figures = {
        "rows": args.rows,
        "concurrency": args.concurrency,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_started,
        "rows_per_s": args.rows / seconds,
        "baseline_rss_mib": baseline_kib / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "counts": counts,
    }
    print(json.dumps(figures), flush=True)


def batch_run(csv_path: Path, rows: int, concurrency: int) -> dict[str, Any]:
    """One (rows, concurrency) run: fresh sandbox, fresh client process."""
    with sandbox() as (url, pid):
        command = [
            sys.executable, __file__, "--worker", "--url", url, "--csv", str(csv_path),
            "--rows", str(rows), "--concurrency", str(concurrency),
        ]  # fmt: skip
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        figures["sandbox_peak_rss_mib"] = peak_rss_mib(pid)
    return figures


# ---------------------------------------------------------------------------- sandbox throughput


def sandbox_throughput(threads: int, requests_per_thread: int) -> dict[str, Any]:
    """Requests/s and messages/s of a fresh sandbox for 100-message sends from raw threads."""
    body = json.dumps(
        {"messages": [{"content": f"throughput {i}", "destination_number": DESTINATIONS[i % 4]}
                      for i in range(100)]},
        separators=(",", ":"),
    ).encode()  # fmt: skip
    token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    headers = {
        "Authorization": f"Basic {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    failures: list[str] = []
    with sandbox() as (url, pid):
        parts = urlsplit(url)
        start = threading.Barrier(threads + 1)

        def run() -> None:
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
            try:
                post(conn)  # connect and warm up outside the timed part
                start.wait()
                for _ in range(requests_per_thread):
                    post(conn)
            finally:
                conn.close()

        def post(conn: http.client.HTTPConnection) -> None:
            conn.request("POST", "/v1/messages", body, headers)
            response = conn.getresponse()
            response.read()
            if response.status != 202:
                failures.append(str(response.status))

        pool = [threading.Thread(target=run) for _ in range(threads)]
        for thread in pool:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in pool:
            thread.join()
        seconds = time.perf_counter() - began
        sandbox_rss = peak_rss_mib(pid)
    if failures:
        raise RuntimeError(f"{len(failures)} sends failed: {sorted(set(failures))}")
    requests = threads * requests_per_thread
    return {
        "threads": threads,
        "requests": requests,
        "seconds": seconds,
        "requests_per_s": requests / seconds,
        "messages_per_s": 100 * requests / seconds,
        "sandbox_peak_rss_mib": sandbox_rss,
    }


# ---------------------------------------------------------------------------- report


def batch_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| rows | concurrency | seconds | rows/s | client CPU s | client RSS before batch (MiB)"
        " | client peak RSS (MiB) | sandbox peak RSS (MiB) | outcome |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        accepted = r["counts"] == {"accepted": r["rows"]}
        outcome = "all accepted" if accepted else json.dumps(r["counts"])
        lines.append(
            f"| {r['rows']:,} | {r['concurrency']} | {r['seconds']:.1f} | {r['rows_per_s']:,.0f}"
            f" | {r['cpu_seconds']:.1f} | {r['baseline_rss_mib']:.1f} | {r['peak_rss_mib']:.1f}"
            f" | {r['sandbox_peak_rss_mib']:.0f} | {outcome} |"
        )
    return "\n".join(lines)


def throughput_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| client threads | requests (x100 messages) | seconds | requests/s | messages/s"
        " | sandbox peak RSS (MiB) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['threads']} | {r['requests']:,} | {r['seconds']:.1f}"
            f" | {r['requests_per_s']:,.0f} | {r['messages_per_s']:,.0f}"
            f" | {r['sandbox_peak_rss_mib']:.0f} |"
        )
    return "\n".join(lines)


def _numbers(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000", help="row counts, comma-separated")
    parser.add_argument("--concurrency", default="1,4,8", help="concurrencies, comma-separated")
    parser.add_argument("--quick", action="store_true", help="10,000 rows at 1 and 4 (< 60 s)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        args.rows, args.concurrency = int(args.rows), int(args.concurrency)
        worker(args)
        return 0
    rows = list(QUICK_ROWS) if args.quick else _numbers(args.rows)
    concurrencies = list(QUICK_CONCURRENCY) if args.quick else _numbers(args.concurrency)
    per_thread = 200 if args.quick else 1000
    print(f"# bench_batch: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        csv_path = Path(tmp) / "rows.csv"
        began = time.perf_counter()
        write_csv(csv_path, max(rows))
        size = csv_path.stat().st_size / 2**20
        print(f"# CSV: {max(rows):,} rows, {size:.1f} MiB, in {time.perf_counter() - began:.1f} s")
        results = []
        for count, concurrency in itertools.product(rows, concurrencies):
            figures = batch_run(csv_path, count, concurrency)
            print(f"#   {count:,} rows, concurrency {concurrency}: {figures['seconds']:.1f} s",
                  flush=True)  # fmt: skip
            results.append(figures)
    throughput = [sandbox_throughput(threads, per_thread) for threads in SANDBOX_THREADS]

    print("\n## send_batch: CSV -> sandbox (separate processes)\n")
    print(batch_table(results))
    worst = max(r["peak_rss_mib"] for r in results)
    verdict = "met" if worst < RSS_TARGET_MIB else "MISSED"
    print(
        f"\nPeak client RSS, worst run: {worst:.1f} MiB (target < {RSS_TARGET_MIB:.0f}: {verdict})"
    )
    print("\n## Sandbox throughput: 100-message sends, raw http.client\n")
    print(throughput_table(throughput))
    if args.json:
        print(json.dumps({"batch": results, "sandbox": throughput}, indent=2))
    failed = [r for r in results if r["counts"] != {"accepted": r["rows"]}]
    return 1 if failed or worst >= RSS_TARGET_MIB else 0


if __name__ == "__main__":
    sys.exit(main())
