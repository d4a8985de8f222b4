"""Client CPU and wall time of the SDK vs plain requests vs http.client, plus import time.

Run from the repo root: `python benchmarks/bench_client.py [--quick] [--json] [--profile]`.

A stdlib HTTP/1.1 keep-alive server runs in a child process (`_server.py`), so
`time.process_time()` in this process is client CPU only. In one run, the three clients
take turns (slice by slice, the order rotating) on the same work:
  (a) send: 10,000 messages as 100 POSTs of 100 (the same dict bodies for every client);
  (b) status: 1,000 GETs of message status.
Each client gets a warm-up pass first. Reported: the median over repetitions of CPU and
wall microseconds per call, and the ratios SDK/requests and SDK/http.client.
Targets: SDK/requests <= 1.0 on both; stretch SDK/http.client <= 1.5 on sends; SDK
import <= requests import + 15 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _clients import HttpClientClient, RequestsClient, SDKClient

HERE = Path(__file__).resolve().parent
SDK_IMPORT = (
    "from message_media_messages import MessageMediaMessagesClient; MessageMediaMessagesClient"
)
IMPORTS = {"bare": "pass", "requests": "import requests", "sdk": SDK_IMPORT}
IMPORT_TARGET_MS = 15.0
BLOCKS = 10  # slices per scenario and repetition, the clients taking turns


@contextlib.contextmanager
def server() -> Iterator[int]:
    """Start `_server.py` in a child process; yield its port; stop it on exit."""
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def make_bodies(requests: int, per_request: int) -> list[dict[str, Any]]:
    """`requests` send bodies of `per_request` distinct minimal messages each."""
    return [
        {
            "messages": [
                {"content": f"Benchmark message {r}-{m}", "destination_number": "+61491570156"}
                for m in range(per_request)
            ]
        }
        for r in range(requests)
    ]


def make_ids(count: int) -> list[str]:
    """`count` distinct message ids (UUIDs, as the API's)."""
    return [str(uuid.UUID(int=0xBE4C << 64 | i)) for i in range(count)]


def warm_up(client: Any, bodies: list[dict[str, Any]], ids: list[str]) -> None:
    """A few calls of each kind (connection, caches, lazy imports), checking the answers."""
    before = json.dumps(bodies[:3])
    for body in bodies[:3]:
        result = client.send(body)
        if len(client.sent_ids(result)) != len(body["messages"]):
            raise RuntimeError(f"{client.name}: send answer has the wrong number of messages")
    if json.dumps(bodies[:3]) != before:
        raise RuntimeError(f"{client.name} modified the caller's request bodies")
    for message_id in ids[:30]:
        if client.status_id(client.status(message_id)) != message_id:
            raise RuntimeError(f"{client.name}: status answer is for another message")


def timed(call: Callable[[Any], Any], items: list[Any]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of calling `call` on every item, in this process."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    for item in items:
        call(item)
    return time.process_time() - cpu, time.perf_counter() - wall


def run(port: int, reps: int, n_requests: int, n_status: int) -> dict[str, Any]:
    """Alternate the clients over `reps` repetitions; return per-call medians (µs).

    Within a repetition each scenario is cut into BLOCKS slices, and the clients take
    turns slice by slice (the order rotating), so a burst of load from elsewhere on the
    machine falls on all of them alike. A repetition still gives every client the whole
    scenario (all bodies, all ids); its time is the sum over its slices.
    """
    bodies, ids = make_bodies(n_requests, 100), make_ids(n_status)
    sdk = SDKClient(port)
    clients = [sdk, RequestsClient(port, sdk.user_agent), HttpClientClient(port, sdk.user_agent)]
    for client in clients:
        warm_up(client, bodies, ids)
    work = {"send": (bodies, "send"), "status": (ids, "status")}
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {
        scenario: {c.name: [] for c in clients} for scenario in work
    }
    turn = 0
    for _ in range(reps):
        for scenario, (items, method) in work.items():
            totals = {c.name: [0.0, 0.0] for c in clients}
            step = -(-len(items) // BLOCKS)
            for start in range(0, len(items), step):
                turn += 1
                for client in clients[turn % 3 :] + clients[: turn % 3]:
                    cpu, wall = timed(getattr(client, method), items[start : start + step])
                    totals[client.name][0] += cpu
                    totals[client.name][1] += wall
            for name, (cpu, wall) in totals.items():
                samples[scenario][name].append((cpu, wall))
    for client in clients:
        client.close()
    calls = {"send": n_requests, "status": n_status}
    return {
        scenario: {
            name: {
                "cpu_us": statistics.median(c for c, _ in runs) / calls[scenario] * 1e6,
                "wall_us": statistics.median(w for _, w in runs) / calls[scenario] * 1e6,
                "cpu_us_all": [round(c / calls[scenario] * 1e6, 1) for c, _ in runs],
            }
            for name, runs in per_client.items()
        }
        | {"calls": calls[scenario]}
        for scenario, per_client in samples.items()
    }


def import_times(n: int) -> dict[str, dict[str, float]]:
    """Best of `n` fresh interpreters per command, in ms: whole-process wall and CPU, and
    the CPU of the import statement alone (`process_time` around it, in the child).

    CPU is the figure to trust on a busy machine: wall time also counts waiting for a core.
    Bytecode is cached (in a private `PYTHONPYCACHEPREFIX`, primed by one untimed run of
    each command), as after a normal `pip install`: without it an editable checkout run
    under PYTHONDONTWRITEBYTECODE would pay for compiling every SDK module, and requests
    (installed with its .pyc) would not. The commands alternate, so load hits all alike.
    """
    samples: dict[str, dict[str, list[float]]] = {
        name: {"process_ms": [], "process_cpu_ms": [], "import_cpu_ms": []} for name in IMPORTS
    }
    with tempfile.TemporaryDirectory(prefix="bench-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for attempt in range(n + 1):
            for name, code in IMPORTS.items():
                probe = f"import time; t = time.process_time(); {code}; "
                probe += "print(time.process_time() - t)"
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-c", probe],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                )
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if attempt:  # the first round only fills the bytecode cache
                    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                    samples[name]["process_ms"].append(wall * 1000)
                    samples[name]["process_cpu_ms"].append(cpu * 1000)
                    samples[name]["import_cpu_ms"].append(float(result.stdout) * 1000)
    return {
        name: {key: min(values) for key, values in row.items()} for name, row in samples.items()
    }


def print_table(results: dict[str, Any], reps: int) -> None:
    titles = {
        "send": "(a) send: 100 messages per POST",
        "status": "(b) get message status",
    }
    for scenario, title in titles.items():
        rows = results[scenario]
        print(f"\n{title}: {rows['calls']} calls x {reps} reps, medians")
        print(f"  {'client':<12} {'CPU us/call':>12} {'wall us/call':>13}   CPU per rep (us/call)")
        for name in ("sdk", "requests", "http.client"):
            row = rows[name]
            spread = " ".join(f"{v:.0f}" for v in row["cpu_us_all"])
            print(f"  {name:<12} {row['cpu_us']:>12.1f} {row['wall_us']:>13.1f}   {spread}")
        sdk = rows["sdk"]
        stretch = 1.5 if scenario == "send" else None
        for base, target in (("requests", 1.0), ("http.client", stretch)):
            cpu = sdk["cpu_us"] / rows[base]["cpu_us"]
            wall = sdk["wall_us"] / rows[base]["wall_us"]
            verdict = ""
            if target is not None:
                label = "target" if base == "requests" else "stretch"
                verdict = f"  ({label} <= {target}: {'PASS' if cpu <= target else 'MISS'})"
            print(f"  SDK/{base:<12} CPU {cpu:5.2f}x   wall {wall:5.2f}x{verdict}")


def print_imports(imports: dict[str, dict[str, float]], n: int) -> None:
    print(f"\nimport time, best of {n} fresh processes each (ms, bytecode cached)")
    print(f"  {'':<10} {'process wall':>13} {'process CPU':>12} {'import CPU':>11}")
    for name, row in imports.items():
        print(
            f"  {name:<10} {row['process_ms']:>13.1f} {row['process_cpu_ms']:>12.1f}"
            f" {row['import_cpu_ms']:>11.1f}"
        )
    labels = {
        "import_cpu_ms": "import CPU",
        "process_cpu_ms": "process CPU",
        "process_ms": "process wall",
    }
    for key, label in labels.items():
        extra = imports["sdk"][key] - imports["requests"][key]
        verdict = "PASS" if extra <= IMPORT_TARGET_MS else "MISS"
        print(f"  SDK - requests ({label}): {extra:+.1f} ms (target <= +15: {verdict})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke: few reps and calls")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--reps", type=int, help="repetitions per client (default 5, quick 3)")
    parser.add_argument("--profile", action="store_true", help="also cProfile the SDK")
    args = parser.parse_args(argv)
    reps = args.reps or (3 if args.quick else 5)
    n_requests, n_status, n_imports = (10, 100, 3) if args.quick else (100, 1000, 7)
    out = sys.stderr if args.json else sys.stdout  # keep stdout pure JSON with --json
    with server() as port:
        results = run(port, reps, n_requests, n_status)
        if not args.json:
            print(f"Python {sys.version.split()[0]}; client CPU = time.process_time() here")
            print_table(results, reps)
        if args.profile:
            import _profile

            with contextlib.redirect_stdout(out):
                _profile.report(port, make_bodies(n_requests, 100), make_ids(n_status))
    results["imports"] = import_times(n_imports)
    results["reps"] = reps
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_imports(results["imports"], n_imports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
