"""Batch sending: client CPU per row of `send_batch` vs `send_messages`, peak RSS, sandbox memory.

Run from the repo root: `python benchmarks/bench_batch.py [--quick] [--rows 1000000]
[--concurrency 1,4] [--cpu-rows 100000] [--reps 3] [--store 200000] [--shape campaign]
[--throughput] [--json]`. The checkout's package is measured (the repo root goes first
on the path of every child).

Every run is a fresh client process against a fresh sandbox process
(`python -m message_media_messages.sandbox --manual`), so the client's CPU
(`process_time`) and peak RSS (`ru_maxrss`) are its own. The rows are the messages of
`_shape.py` (default `campaign`), streamed from a generator: fresh dicts, never a list.
Each client process first makes one untimed `send_messages` of 100 and one untimed
`send_batch` of 100 (connection, lazy loads), whatever it measures.

1. CPU per row: `--reps` pairs of runs, alternating, of `--cpu-rows` rows each: one
   through `send_batch` (concurrency 1), one through `send_messages` in requests of 100.
   The cost of generating the rows (timed alone in the same process) is subtracted from
   both. Target: send_batch per row <= 1.2x send_messages per message.
2. Peak RSS: `send_batch` of `--rows` rows at each `--concurrency`. Target < 80 MiB at
   1,000,000 rows.
3. Sandbox memory: a fresh sandbox stores `--store` messages sent through the API (raw
   `http.client`, 100 per request); its RSS (`VmRSS`) growth per message, over the whole
   run and per quarter; then again with `--max-messages` set to `--store-cap` (default:
   half of `--store`), where the quarters past the cap show memory held flat by eviction.
`--throughput`: also the sandbox's throughput from 1, 4 and 8 raw `http.client` threads.
`--quick`: 20,000 CPU rows x 1 pair, 100,000 rows at concurrency 1, 20,000 stored.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if (ROOT / "message_media_messages").is_dir():  # measure the checkout, not an installed copy
    sys.path.insert(0, str(ROOT))

import _sandbox  # noqa: E402
import _shape  # noqa: E402

RSS_TARGET_MIB = 80.0
RATIO_TARGET = 1.2
WARM_START = 10**8  # warm-up messages are numbered apart from the measured ones
DEFAULTS = {"rows": "1000000", "concurrency": "1,4", "cpu_rows": 100_000, "reps": 3,
            "store": 200_000}  # fmt: skip
QUICK = {"rows": "100000", "concurrency": "1", "cpu_rows": 20_000, "reps": 1, "store": 20_000}


# ---------------------------------------------------------------------------- client process


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """One client run in this fresh process; the figures as a dict."""
    from message_media_messages import MessageMediaMessagesClient

    client = MessageMediaMessagesClient(
        _sandbox.KEY, _sandbox.SECRET, base_uri=args.url, pool_maxsize=max(10, args.concurrency)
    )
    messages = client.messages
    messages.send_messages({"messages": list(_shape.messages(args.shape, 100, WARM_START))})
    messages.send_batch(_shape.messages(args.shape, 100, WARM_START + 100)).close()
    source_us = _source_us(args.shape, min(args.rows, 100_000))
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = _shape.messages(args.shape, args.rows)
    started, cpu = time.perf_counter(), time.process_time()
    if args.mode == "batch":
        result = messages.send_batch(rows, concurrency=args.concurrency)
        counts = dict(result.counts)
        result.close()
    else:
        counts = {"accepted": 0}
        while chunk := list(itertools.islice(rows, 100)):
            counts["accepted"] += len(messages.send_messages({"messages": chunk}).messages)
    cpu, seconds = time.process_time() - cpu, time.perf_counter() - started
    client.close()
    return {
        "mode": args.mode,
        "rows": args.rows,
        "concurrency": args.concurrency,
        "seconds": seconds,
        "rows_per_s": args.rows / seconds,
        "cpu_us_per_row": cpu / args.rows * 1e6,
        "source_us_per_row": source_us,
        "sdk_us_per_row": cpu / args.rows * 1e6 - source_us,
        "baseline_rss_mib": baseline_kib / 1024,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "counts": counts,
    }


def _source_us(shape: str, count: int) -> float:
    """CPU µs per row of generating the rows alone (what both modes pay before the SDK)."""
    cpu = time.process_time()
    for _ in _shape.messages(shape, count):
        pass
    return (time.process_time() - cpu) / count * 1e6


def client_run(env: dict[str, str], mode: str, rows: int, concurrency: int, shape: str) -> Any:
    """One run: fresh sandbox, fresh client process; its figures plus the sandbox's peak RSS."""
    with _sandbox.sandbox(env) as (url, pid):
        command = [
            sys.executable, __file__, "--worker", "--url", url, "--mode", mode,
            "--rows", str(rows), "--concurrency", str(concurrency), "--shape", shape,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode:
            raise RuntimeError(f"{mode} run failed:\n{done.stderr}")
        figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        figures["sandbox_peak_rss_mib"] = _sandbox.rss_mib(pid, "VmHWM")
    return figures


# ---------------------------------------------------------------------------- sandbox memory


def stored_bytes(env: dict[str, str], count: int, shape: str, cap: int | None) -> dict[str, Any]:
    """RSS growth of a fresh sandbox per message stored through the API (raw http.client),
    keeping at most `cap` messages (None: the sandbox's default cap)."""
    quarters = [count * q // 4 // 100 for q in range(1, 5)]  # requests done at each quarter
    options = () if cap is None else ("--max-messages", str(cap))
    with _sandbox.sandbox(env, *options) as (url, pid):
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
        _sandbox.post(conn, _shape.bodies(shape, 1)[0])  # warm up: connection, lazy loads
        rss = [_sandbox.rss_mib(pid, "VmRSS")]
        started = time.perf_counter()
        for request in range(1, quarters[-1] + 1):
            start = request * 100
            _sandbox.post(conn, {"messages": list(_shape.messages(shape, 100, start))})
            if request in quarters:
                rss.append(_sandbox.rss_mib(pid, "VmRSS"))
        seconds = time.perf_counter() - started
        conn.close()
    stored = quarters[-1] * 100
    per_quarter = [(b - a) * 2**20 / (stored / 4) for a, b in itertools.pairwise(rss)]
    return {
        "messages": stored,
        "rss_mib": rss,
        "bytes_per_message": (rss[-1] - rss[0]) * 2**20 / stored,
        "bytes_per_message_by_quarter": per_quarter,
        "messages_per_s": stored / seconds,
        "cap": cap,
    }


# ---------------------------------------------------------------------------- report


def cpu_report(pairs: dict[str, list[dict[str, Any]]]) -> dict[str, float]:
    """Print the CPU-per-row comparison; return the medians."""
    medians = {
        mode: {key: statistics.median(r[key] for r in runs) for key in runs[0] if "us" in key}
        for mode, runs in pairs.items()
    }
    rows = pairs["batch"][0]["rows"]
    print(
        f"\n## 1. Client CPU per message, {rows:,} rows, median of {len(pairs['batch'])}"
        " fresh processes each\n"
    )
    print("| path | CPU us/row | row generation us/row | SDK us/row | runs (SDK us/row) |")
    print("|---|---:|---:|---:|---|")
    labels = {"messages": "send_messages (100 per call)", "batch": "send_batch (concurrency 1)"}
    for mode, label in labels.items():
        m = medians[mode]
        runs = " ".join(f"{r['sdk_us_per_row']:.1f}" for r in pairs[mode])
        print(
            f"| {label} | {m['cpu_us_per_row']:.1f} | {m['source_us_per_row']:.1f}"
            f" | {m['sdk_us_per_row']:.1f} | {runs} |"
        )
    ratio = medians["batch"]["sdk_us_per_row"] / medians["messages"]["sdk_us_per_row"]
    gross = medians["batch"]["cpu_us_per_row"] / medians["messages"]["cpu_us_per_row"]
    verdict = "PASS" if ratio <= RATIO_TARGET else "MISS"
    print(
        f"\nsend_batch / send_messages, SDK CPU per row: {ratio:.2f}x"
        f" (target <= {RATIO_TARGET}x: {verdict}); with row generation: {gross:.2f}x"
    )
    return {"ratio": ratio, "ratio_with_generation": gross}


def rss_report(results: list[dict[str, Any]]) -> float:
    """Print the peak-RSS table; return the worst client peak."""
    print("\n## 2. send_batch: peak client RSS (client and sandbox in separate processes)\n")
    print(
        "| rows | concurrency | seconds | rows/s | client CPU us/row | client RSS before"
        " (MiB) | client peak RSS (MiB) | sandbox peak RSS (MiB) | outcome |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        accepted = r["counts"] == {"accepted": r["rows"]}
        outcome = "all accepted" if accepted else json.dumps(r["counts"])
        print(
            f"| {r['rows']:,} | {r['concurrency']} | {r['seconds']:.1f} | {r['rows_per_s']:,.0f}"
            f" | {r['cpu_us_per_row']:.1f} | {r['baseline_rss_mib']:.1f}"
            f" | {r['peak_rss_mib']:.1f} | {r['sandbox_peak_rss_mib']:.0f} | {outcome} |"
        )
    worst = max(r["peak_rss_mib"] for r in results)
    biggest = max(r["rows"] for r in results)
    verdict = "PASS" if worst < RSS_TARGET_MIB else "MISS"
    print(
        f"\nPeak client RSS, worst run: {worst:.1f} MiB at up to {biggest:,} rows"
        f" (target < {RSS_TARGET_MIB:.0f} MiB at 1,000,000 rows: {verdict})"
    )
    return worst


def store_report(figures: dict[str, Any]) -> None:
    quarters = " / ".join(f"{b:,.0f}" for b in figures["bytes_per_message_by_quarter"])
    rss = " -> ".join(f"{m:.0f}" for m in figures["rss_mib"])
    kept = "the default cap" if figures["cap"] is None else f"--max-messages {figures['cap']:,}"
    stored = f"{figures['messages']:,} messages stored through the API ({kept})"
    print(f"\n## 3. Sandbox memory: {stored}\n")
    print(
        f"Sandbox bytes per stored message: {figures['bytes_per_message']:,.0f}"
        f" (by quarter of the run: {quarters}); RSS MiB {rss};"
        f" {figures['messages_per_s']:,.0f} messages/s from one raw http.client thread"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (see the docstring)")
    parser.add_argument("--rows", help="row counts for the RSS runs, comma-separated")
    parser.add_argument("--concurrency", help="concurrencies for the RSS runs, comma-separated")
    parser.add_argument("--cpu-rows", type=int, help="rows per CPU comparison run")
    parser.add_argument("--reps", type=int, help="pairs of CPU comparison runs")
    parser.add_argument("--store", type=int, help="messages stored for the sandbox memory")
    parser.add_argument("--store-cap", type=int, help="then again with this --max-messages")
    parser.add_argument("--shape", choices=sorted(_shape.SHAPES), default="campaign")
    parser.add_argument("--throughput", action="store_true", help="also sandbox throughput")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def _numbers(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        args.rows, args.concurrency = int(args.rows), int(args.concurrency)
        print(json.dumps(worker(args)), flush=True)
        return 0
    env = _sandbox.child_env(ROOT)
    print(
        f"# bench_batch: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs,"
        f" shape {args.shape}",
        flush=True,
    )
    pairs: dict[str, list[dict[str, Any]]] = {"messages": [], "batch": []}
    for rep in range(args.reps):
        for mode in ("messages", "batch") if rep % 2 == 0 else ("batch", "messages"):
            pairs[mode].append(client_run(env, mode, args.cpu_rows, 1, args.shape))
    figures: dict[str, Any] = {"cpu": pairs, "ratios": cpu_report(pairs)}
    figures["rss"] = [
        client_run(env, "batch", rows, concurrency, args.shape)
        for rows, concurrency in itertools.product(_numbers(args.rows), _numbers(args.concurrency))
    ]
    worst = rss_report(figures["rss"])
    figures["store"] = stored_bytes(env, args.store, args.shape, None)
    store_report(figures["store"])
    cap = args.store_cap or args.store // 2  # the later quarters show the cap holding memory flat
    figures["store_capped"] = stored_bytes(env, args.store, args.shape, cap)
    store_report(figures["store_capped"])
    if args.throughput:
        figures["throughput"] = _sandbox.throughput_report(env, args.shape)
    if args.json:
        print(json.dumps(figures, indent=2))
    failed = [r for r in figures["rss"] if r["counts"] != {"accepted": r["rows"]}]
    return 1 if failed or worst >= RSS_TARGET_MIB else 0


if __name__ == "__main__":
    sys.exit(main())
