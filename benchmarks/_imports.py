"""Start-up cost of fresh interpreters: importing the client, and the CLI's `--help`.

Used by `bench_client.py` (scenarios c and d). Every command runs in a fresh `python`
process, the commands taking turns, `n` times each after one untimed round that fills
the bytecode cache (a private `PYTHONPYCACHEPREFIX`, as after a normal `pip install`:
without it an editable checkout would pay for compiling every module and requests,
installed with its .pyc, would not). Per command: whole-process CPU (`RUSAGE_CHILDREN`)
and wall, and for the import probes the CPU of the import statement alone
(`process_time` around it, in the child). Best and median of `n` are reported; CPU is
the figure to trust on a busy machine (wall time also counts waiting for a core).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from typing import Any

SDK_IMPORT = "from message_media_messages import MessageMediaMessagesClient"
PROBES = {"bare": "pass", "requests": "import requests", "sdk": SDK_IMPORT}
IMPORT_TARGET_MS = 10.0  # SDK import <= import requests + 10 ms (issue 11)
CLI_TARGET_MS = 30.0  # `--help` within 30 ms of `import requests` (issue 11)
CLI = "cli --help"


def commands() -> dict[str, list[str]]:
    """The command lines timed: one probe per import, and the CLI's help."""
    timed = {}
    for name, code in PROBES.items():
        probe = f"import time; t = time.process_time(); {code}; "
        timed[name] = [sys.executable, "-c", probe + "print(time.process_time() - t)"]
    timed[CLI] = [sys.executable, "-m", "message_media_messages", "--help"]
    return timed


def _one(command: list[str], env: dict[str, str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    row = {"process_cpu_ms": cpu * 1000, "process_wall_ms": wall * 1000}
    if command[1] == "-c":
        row["import_cpu_ms"] = float(done.stdout) * 1000
    return row


def measure(n: int, env: dict[str, str]) -> dict[str, dict[str, dict[str, float]]]:
    """{command: {figure: {"best": ms, "median": ms}}} over `n` alternating fresh processes."""
    timed = commands()
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in timed}
    for attempt in range(n + 1):
        names = list(timed)
        names = names[attempt % len(names) :] + names[: attempt % len(names)]
        for name in names:
            row = _one(timed[name], env)
            if attempt:  # the first round only fills the bytecode cache
                samples[name].append(row)
    return {
        name: {
            key: {
                "best": min(r[key] for r in rows),
                "median": statistics.median(r[key] for r in rows),
            }
            for key in rows[0]
        }
        for name, rows in samples.items()
    }


def _line(label: str, extra: dict[str, float], target: float) -> str:
    verdict = "PASS" if extra["median"] <= target else "MISS"
    return (
        f"  {label}: {extra['best']:+.1f} ms best, {extra['median']:+.1f} ms median"
        f" (target <= +{target:.0f} ms: {verdict})"
    )


def report(figures: dict[str, Any], n: int) -> None:
    """Print the table and the two differences with their targets."""
    print(f"\n(c, d) start-up, {n} fresh processes each (ms, bytecode cached): best / median")
    print(f"  {'command':<12} {'process CPU':>15} {'process wall':>15} {'import CPU':>15}")
    for name, row in figures.items():
        cells = [
            f"{row[k]['best']:6.1f} /{row[k]['median']:6.1f}" if k in row else f"{'-':>15}"
            for k in ("process_cpu_ms", "process_wall_ms", "import_cpu_ms")
        ]
        print(f"  {name:<12} " + " ".join(f"{c:>15}" for c in cells))

    def extra(a: str, b: str, key: str) -> dict[str, float]:
        return {s: figures[a][key][s] - figures[b][key][s] for s in ("best", "median")}

    print(
        _line(
            "(c) SDK import - import requests, import CPU",
            extra("sdk", "requests", "import_cpu_ms"),
            IMPORT_TARGET_MS,
        )
    )
    print(
        _line(
            "(c) SDK import - import requests, process CPU",
            extra("sdk", "requests", "process_cpu_ms"),
            IMPORT_TARGET_MS,
        )
    )
    print(
        _line(
            "(d) CLI --help - import requests, process CPU",
            extra(CLI, "requests", "process_cpu_ms"),
            CLI_TARGET_MS,
        )
    )
