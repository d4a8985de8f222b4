"""Run the fault matrix against a sandbox and print the README's reliability table (Markdown).

Run from the repo root: `python benchmarks/reliability_table.py [--check]`.

Every cell of `tests/reliability/fault_matrix.py` (the same cells `tests/reliability/
test_faults.py` asserts) is executed against an in-process sandbox over real HTTP, so the
table shows measured outcomes: one row per fault, one column per call kind (the DRs and
replies columns are merged when every row is identical). A cell that differs from the
matrix's expectation is marked with a footnote. `--check` exits 1 if any cell differs.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

MATRIX = Path(__file__).resolve().parent.parent / "tests" / "reliability" / "fault_matrix.py"


def _load_matrix() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fault_matrix", MATRIX)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fault_matrix"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fm = _load_matrix()


def cell_text(outcome: str, attempts: int, maybe_sent: bool | None, stored: int | None,
              retry_after_waits: list[float]) -> str:  # fmt: skip
    """One cell: what happened, then (attempts seen by the sandbox), then stored messages."""
    waited = " + ".join(f"{w:g} s" for w in retry_after_waits)
    if outcome == fm.OK:
        text = f"ok ({attempts})"
    elif outcome == fm.RETRIED_OK:
        text = f"retried{f' after {waited}' if waited else ''} → ok ({attempts})"
    else:
        name = outcome.removeprefix("error:")
        text = f"{name}{', maybe_sent' if maybe_sent else ''} ({attempts})"
        if waited:
            text += f" after waiting {waited}"
        elif attempts == 1 and maybe_sent:
            text = f"not retried: {text}"
    if stored is not None:
        text += f", stored {stored}"
    return text


def _retry_after_waits(waits: list[float] | tuple[float, ...] | None) -> list[float]:
    """The waits that came from `Retry-After` (backoffs are at most BACKOFF_MAX)."""
    return [w for w in waits or () if w > fm.BACKOFF_MAX]


def _differences(fault: Any, expect: Any, got: Any) -> list[str]:
    problems = []
    for name in ("outcome", "attempts", "maybe_sent", "stored"):
        if getattr(got, name) != getattr(expect, name):
            problems.append(f"{name} {getattr(got, name)!r}, expected {getattr(expect, name)!r}")
    if expect.waits is not None and got.waits != list(expect.waits):
        problems.append(f"waits {got.waits}, expected {list(expect.waits)}")
    if not got.effect:
        problems.append("the call's effect does not match its outcome")
    limit = fm.budget(fault, expect, got.slept)
    if got.elapsed > limit:
        problems.append(f"took {got.elapsed:.2f} s, budget {limit:.2f} s")
    return problems


def _note(expect: Any, got: Any, problems: list[str]) -> str:
    """A footnote: what differs, the error (without ids), and the matrix's reason."""
    text = "; ".join(problems)
    if got.exc is not None:
        said = getattr(got.exc, "message", None) or getattr(got.exc, "reason", "")
        text += f" ({fm.public_name(got.exc)}: {said})"
    if expect.why:
        text += f". Why it is a defect: {expect.why}."
    return text


def run_matrix() -> tuple[dict[tuple[str, str], str], list[str]]:
    """Run every cell; returns the cell texts by (fault, endpoint) and the footnotes."""
    cells: dict[tuple[str, str], str] = {}
    notes: dict[str, list[str]] = {}  # footnote text -> the cells it applies to
    sandbox = fm.new_sandbox()
    try:
        for fault, endpoint in fm.CELLS:
            expect = fm.EXPECTED[fault.key][endpoint.key]
            got = fm.run_cell(sandbox, fault, endpoint)
            text = cell_text(got.outcome, got.attempts, got.maybe_sent, got.stored,
                             _retry_after_waits(got.waits))  # fmt: skip
            problems = _differences(fault, expect, got)
            if problems:
                note = _note(expect, got, problems)
                notes.setdefault(note, []).append(f"{fault.label} / {endpoint.label}")
                text += f" ✗[{list(notes).index(note) + 1}]"
            cells[fault.key, endpoint.key] = text
    finally:
        sandbox.stop()
    return cells, [f"{note} (cells: {'; '.join(where)})" for note, where in notes.items()]


def columns(cells: dict[tuple[str, str], str]) -> list[tuple[str, list[str]]]:
    """(header, endpoint keys) per column: one per call kind, merging identical DR/reply ones."""
    groups: dict[str, list[str]] = {}
    for endpoint in fm.ENDPOINTS:
        groups.setdefault(endpoint.column, []).append(endpoint.key)
    result: list[tuple[str, list[str]]] = []
    for column, keys in groups.items():
        same = all(len({cells[f.key, k] for k in keys}) == 1 for f in fm.FAULTS)
        if len(keys) == 1 or same:
            header = column if len(keys) == 1 else f"{column} (DRs, replies)"
            result.append((header, keys[:1]))
        else:
            result.extend((fm.ENDPOINT[k].label, [k]) for k in keys)
    return result


def render(cells: dict[tuple[str, str], str], notes: list[str]) -> str:
    cols = columns(cells)
    lines = [
        "| fault | " + " | ".join(header for header, _ in cols) + " |",
        "|---" * (len(cols) + 1) + "|",
    ]
    for fault in fm.FAULTS:
        row = [cells[fault.key, keys[0]] for _, keys in cols]
        lines.append(f"| {fault.label} | " + " | ".join(row) + " |")
    normal, short = fm.NORMAL_TIMEOUT, fm.SHORT_TIMEOUT
    persistent = sum(f.count > 1 for f in fm.FAULTS)
    lines += [
        "",
        f"Measured by `python benchmarks/reliability_table.py` against the sandbox, HMAC, "
        f"`max_retries={fm.MAX_RETRIES}`, `timeout=({normal[0]:g}, {normal[1]:g})` "
        f"(hang and trickle rows: `({short[0]:g}, {short[1]:g})`). Each fault hits the "
        f"first attempt only, except the last {persistent} rows (every attempt). "
        "(n) = attempts the sandbox saw; stored = messages the sandbox holds after the "
        "send. Each cell's wall time is also checked against attempts x (connect + read) "
        f"+ backoffs + {fm.SLACK:g} s.",
    ]
    if notes:
        lines += ["", "✗ differs from the expectation in `tests/reliability/fault_matrix.py`:"]
        lines += [f"{n}. {note}" for n, note in enumerate(notes, 1)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a cell differs")
    args = parser.parse_args(argv)
    started = time.monotonic()
    cells, notes = run_matrix()
    print(render(cells, notes))
    print(f"\n({len(cells)} cells in {time.monotonic() - started:.1f} s)", file=sys.stderr)
    return 1 if notes and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
