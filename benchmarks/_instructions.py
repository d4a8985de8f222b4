"""Instructions per call, counted by valgrind: a figure that other load on the machine cannot move.

Each flavour's worker runs twice under `valgrind --tool=cachegrind`, once timing `n`
calls and once `2 n` (the same start-up and warm-up both times): the difference of the
two totals, divided by `n`, is what one call costs, in user-space instructions of the
client process. It leaves out the kernel's share (system calls, loopback TCP) and how
fast the instructions run, so it complements the CPU-time medians rather than replacing
them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Sequence

CALLS = {"send": 10, "status": 100}  # `n` per scenario: a few seconds under valgrind


def available() -> bool:
    """Whether valgrind is installed."""
    return shutil.which("valgrind") is not None


def total(command: Sequence[str], env: dict[str, str]) -> int:
    """The instructions `command` (a Python worker) executes, as valgrind counts them."""
    valgrind = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
    ]  # fmt: skip
    done = subprocess.run([*valgrind, *command], capture_output=True, text=True, env=env)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode or found is None:
        raise RuntimeError(f"valgrind run failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_call(worker: Sequence[str], scenario: str, env: dict[str, str]) -> float:
    """Instructions of one call: `worker` is the worker command without `--calls`."""
    n = CALLS[scenario]
    once, twice = (total([sys.executable, *worker, "--calls", str(k)], env) for k in (n, 2 * n))
    return (twice - once) / n
