"""The benchmarks run, in their quickest mode, and print every ratio with its target.

A smoke test only: each benchmark runs as a subprocess (as `python benchmarks/...` from
the repo root) with the fewest repetitions and rows, and the test checks the lines it
prints, never the figures (speed is measured, not asserted). Each run is bounded by
`TIMEOUT` seconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30
RATIO = r"\d+\.\d\dx"
VERDICT = r"(PASS|MISS)"


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_bench_client_prints_every_ratio_with_its_target() -> None:
    out = run("bench_client.py", "--quick", "--reps", "1", "--imports", "1")
    assert f"package measured: {ROOT / 'message_media_messages'}" in out
    assert "no gc.collect()" in out
    sends, status = out.split("(b) get message status")
    assert re.search(rf"SDK/requests +CPU +{RATIO} .*\(target <= 0\.8x: {VERDICT}\)", sends)
    assert re.search(rf"SDK/http\.client +CPU +{RATIO}", sends)
    assert re.search(rf"SDK/requests +CPU +{RATIO} .*\(target <= 0\.3x: {VERDICT}\)", status)
    assert re.search(rf"SDK/http\.client +CPU +{RATIO}", status)
    for flavour in ("sdk", "requests", "http.client"):
        assert re.search(rf"^  {re.escape(flavour)} +\d+\.\d +\d+\.\d", sends, re.M)
    assert re.search(rf"\(c\) SDK import - import requests.*\(target <= \+10 ms: {VERDICT}\)", out)
    assert re.search(rf"\(d\) CLI --help - import requests.*\(target <= \+30 ms: {VERDICT}\)", out)


def test_bench_batch_prints_cpu_ratio_rss_and_sandbox_bytes() -> None:
    out = run(
        "bench_batch.py", "--quick", "--rows", "2000", "--cpu-rows", "2000", "--store", "2000"
    )
    assert re.search(
        rf"send_batch / send_messages, SDK CPU per row: {RATIO} \(target <= 1\.2x: {VERDICT}\)", out
    )
    assert re.search(r"^\| send_messages \(100 per call\) \| \d+\.\d", out, re.M)
    assert re.search(r"^\| send_batch \(concurrency 1\) \| \d+\.\d", out, re.M)
    assert re.search(r"^\| 2,000 \| 1 \| .* \| all accepted \|$", out, re.M)
    assert re.search(rf"Peak client RSS, worst run: \d+\.\d MiB .*: {VERDICT}\)", out)
    assert re.search(r"Sandbox bytes per stored message: [\d,]+ \(by quarter", out)


def test_bench_async_prints_every_ratio_with_its_target() -> None:
    out = run("bench_async.py", "--quick", "--reps", "1")
    sends, rest = out.split("(b) get message status, one call")
    status, concurrent = rest.split("(c) get message status, all calls")
    for part in (sends, status):
        assert re.search(rf"SDK/httpx +CPU +{RATIO} .*\(target <= 1\.0x: {VERDICT}\)", part)
    assert re.search(rf"SDK/httpx +CPU +{RATIO} +throughput +{RATIO}", concurrent)
    assert "target" not in concurrent  # throughput is reported, not judged
    for flavour in ("sdk", "httpx"):
        assert re.search(rf"^  {re.escape(flavour)} +\d+\.\d", sends, re.M), flavour
