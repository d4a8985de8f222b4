"""Client CPU of the SDK vs plain requests, urllib3 and http.client loops, as a script runs.

Run from the repo root: `python benchmarks/bench_client.py [--quick] [--reps N]
[--shape campaign|minimal] [--json] [--profile] [--instructions]`. The checkout's package
is measured (the repo root goes first on the path of this process and of every child).

Method (issue 11). A keep-alive stand-in for the API (`_server.py`) runs in a child
process. Each run is one flavour doing one scenario in a FRESH Python process, as a
user's script would: build the client and the work, make a few untimed warm-up calls
(connection, lazy loads), then time the loop with `time.process_time()` (client CPU of
that process alone) and `perf_counter()`. The loop keeps every answer (as a script that
reports on its campaign afterwards does; `--discard` drops them instead). No
`gc.collect()` anywhere: the collector runs as it would in the user's script, and the
collections a flavour's live objects trigger are its cost (column "GCs/call").
The flavours take turns run by run (the order rotating), and each figure is the median
of `--reps` runs (default 9).
  (a) send: 100 POSTs of 100 messages (`_shape.py`; the same dicts for every flavour;
      default shape `campaign`: format, delivery_report, 3 metadata keys, source_number);
  (b) get-status: 1,000 GETs of distinct message ids;
  (c) import: `from message_media_messages import MessageMediaMessagesClient` vs
      `import requests`, fresh `python -c` processes, bytecode cached, best and median;
  (d) the CLI: `python -m message_media_messages --help` vs `python -c "import requests"`.
The flavours: the SDK; a plain `requests.Session` loop (the target's baseline); a bare
`urllib3` pool loop (the library under the SDK's transport, used directly: the floor on
its public API); a bare `http.client` loop (the stdlib floor).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if (ROOT / "message_media_messages").is_dir():  # measure the checkout, not an installed copy
    sys.path.insert(0, str(ROOT))

import _imports  # noqa: E402
import _instructions  # noqa: E402
import _shape  # noqa: E402

FLAVOURS = ("sdk", "requests", "urllib3", "http.client")
TARGETS = {"send": 0.8, "status": 0.3}  # SDK / requests, client CPU (issue 11)
CALLS = {"send": 100, "status": 1000}
QUICK_CALLS = {"send": 10, "status": 100}
WARM_UP = {"send": 3, "status": 30}


def child_env(pycache: str) -> dict[str, str]:
    """The environment of every child: the checkout first on the path, bytecode cached."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if (ROOT / "message_media_messages").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


@contextlib.contextmanager
def server(env: dict[str, str]) -> Iterator[int]:
    """Start `_server.py` in a child process; yield its port; stop it on exit."""
    command = [sys.executable, str(HERE / "_server.py")]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
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


# ---------------------------------------------------------------------------- one run (child)


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """One flavour, one scenario, in this fresh process: warm up, then time the loop."""
    from _clients import make_client

    client = make_client(args.flavour, args.port, args.user_agent)
    calls, warm = args.calls, WARM_UP[args.scenario]
    if args.scenario == "send":
        items: list[Any] = _shape.bodies(args.shape, calls + warm)
        call, check = client.send, _check_send
    else:
        items = _shape.message_ids(calls + warm)
        call, check = client.status, _check_status
    for item in items[:warm]:
        check(client, item, call(item))
    timed, kept = items[warm:], []
    keep = None if args.discard else kept.append
    collections = sum(s["collections"] for s in gc.get_stats())
    cpu, wall = time.process_time(), time.perf_counter()
    if keep is None:
        for item in timed:
            call(item)
    else:
        for item in timed:
            keep(call(item))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    collections = sum(s["collections"] for s in gc.get_stats()) - collections
    client.close()
    return {"cpu_us": cpu / calls * 1e6, "wall_us": wall / calls * 1e6, "gc": collections / calls}


def _check_send(client: Any, body: dict[str, Any], result: Any) -> None:
    if len(client.sent_ids(result)) != len(body["messages"]):
        raise RuntimeError(f"{client.name}: send answer has the wrong number of messages")


def _check_status(client: Any, message_id: str, result: Any) -> None:
    if client.status_id(result) != message_id:
        raise RuntimeError(f"{client.name}: status answer is for another message")


# ---------------------------------------------------------------------------- runs (parent)


def one_run(port: int, flavour: str, scenario: str, opts: argparse.Namespace) -> dict[str, Any]:
    """Spawn a fresh process for one run; return its figures."""
    command = [
        sys.executable, __file__, "--worker", "--port", str(port), "--flavour", flavour,
        "--scenario", scenario, "--calls", str(opts.calls[scenario]), "--shape", opts.shape,
        "--user-agent", opts.user_agent, *(["--discard"] if opts.discard else []),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=opts.env)
    if done.returncode:
        raise RuntimeError(f"{flavour} {scenario} run failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def measure(port: int, opts: argparse.Namespace) -> dict[str, Any]:
    """`opts.reps` runs of every flavour and scenario, alternating; medians per flavour."""
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        scenario: {f: [] for f in FLAVOURS} for scenario in CALLS
    }
    for rep in range(opts.reps):
        for scenario in CALLS:
            turn = rep % len(FLAVOURS)
            order = FLAVOURS[turn:] + FLAVOURS[:turn]
            for flavour in order:
                runs[scenario][flavour].append(one_run(port, flavour, scenario, opts))
    return {
        scenario: {
            flavour: {
                key: statistics.median(r[key] for r in samples)
                for key in ("cpu_us", "wall_us", "gc")
            }
            | {"cpu_us_runs": [round(r["cpu_us"]) for r in samples]}
            for flavour, samples in per_flavour.items()
        }
        | {"calls": opts.calls[scenario]}
        for scenario, per_flavour in runs.items()
    }


# ---------------------------------------------------------------------------- report


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "MISS"


def print_scenarios(results: dict[str, Any], opts: argparse.Namespace) -> None:
    titles = {
        "send": f"(a) send: 100 {opts.shape} messages per POST",
        "status": "(b) get message status",
    }
    for scenario, title in titles.items():
        rows = results[scenario]
        print(f"\n{title}: {rows['calls']} calls per run, median of {opts.reps} fresh processes")
        print(
            f"  {'flavour':<12} {'CPU us/call':>12} {'wall us/call':>13} {'GCs/call':>9}"
            "   CPU per run (us/call)"
        )
        for name in FLAVOURS:
            row = rows[name]
            spread = " ".join(str(v) for v in row["cpu_us_runs"])
            print(
                f"  {name:<12} {row['cpu_us']:>12.1f} {row['wall_us']:>13.1f}"
                f" {row['gc']:>9.2f}   {spread}"
            )
        sdk = rows["sdk"]
        for base in ("requests", "urllib3", "http.client"):
            cpu = sdk["cpu_us"] / rows[base]["cpu_us"]
            wall = sdk["wall_us"] / rows[base]["wall_us"]
            target = TARGETS[scenario] if base == "requests" else None
            note = f"  (target <= {target}x: {verdict(cpu, target)})" if target else ""
            print(f"  SDK/{base:<12} CPU {cpu:5.2f}x   wall {wall:5.2f}x{note}")


def instructions(port: int, opts: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Instructions per call of every flavour and scenario (see `_instructions.py`)."""
    figures: dict[str, dict[str, float]] = {}
    for scenario in CALLS:
        figures[scenario] = {}
        for flavour in FLAVOURS:
            worker = [
                __file__, "--worker", "--port", str(port), "--flavour", flavour,
                "--scenario", scenario, "--shape", opts.shape, "--user-agent", opts.user_agent,
            ]  # fmt: skip
            figures[scenario][flavour] = _instructions.per_call(worker, scenario, opts.env)
    return figures


def print_instructions(figures: dict[str, dict[str, float]]) -> None:
    print("\ninstructions per call (valgrind; user space of the client process, deterministic)")
    for scenario, rows in figures.items():
        cells = "  ".join(f"{name} {count / 1e6:.3f}M" for name, count in rows.items())
        ratios = "  ".join(
            f"SDK/{base} {rows['sdk'] / rows[base]:.2f}x" for base in FLAVOURS if base != "sdk"
        )
        print(f"  {scenario:<7} {cells}\n          {ratios}")


def profile(port: int, shape: str) -> None:
    """cProfile the SDK in this process (`_profile.py` reads private modules: may not fit)."""
    try:
        import _profile
    except ImportError as exc:
        print(f"\n(--profile unavailable on this code: {exc})")
        return
    _profile.report(port, _shape.bodies(shape, 100), _shape.message_ids(1000))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 reps, few calls")
    parser.add_argument("--reps", type=int, help="runs per flavour and scenario (default 9)")
    parser.add_argument("--imports", type=int, help="fresh processes per import command")
    parser.add_argument("--shape", choices=sorted(_shape.SHAPES), default="campaign")
    parser.add_argument("--discard", action="store_true", help="drop each answer, keep none")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="also cProfile the SDK")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions per call (valgrind)"
    )
    for hidden in ("--flavour", "--scenario", "--user-agent"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.worker:
        print(json.dumps(worker(opts)), flush=True)
        return 0
    opts.reps = opts.reps or (3 if opts.quick else 9)
    opts.calls = QUICK_CALLS if opts.quick else CALLS
    n_imports = opts.imports or (3 if opts.quick else 15)
    from message_media_messages import MessageMediaMessagesClient

    opts.user_agent = MessageMediaMessagesClient("k", "s").config.user_agent
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; package measured:"
        f" {Path(sys.modules['message_media_messages'].__file__ or '?').parent}"
    )
    kept = "answers dropped (--discard)" if opts.discard else "every answer kept"
    print(f"client CPU = time.process_time() of a fresh process per run; {kept}; no gc.collect()")
    with tempfile.TemporaryDirectory(prefix="bench-pyc-") as pycache:
        opts.env = child_env(pycache)
        with server(opts.env) as port:
            results = measure(port, opts)
            print_scenarios(results, opts)
            if opts.instructions and _instructions.available():
                results["instructions"] = instructions(port, opts)
                print_instructions(results["instructions"])
            elif opts.instructions:
                print("\n(--instructions: valgrind is not installed)")
            if opts.profile:
                profile(port, opts.shape)
        results["imports"] = _imports.measure(n_imports, opts.env)
    _imports.report(results["imports"], n_imports)
    if opts.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
