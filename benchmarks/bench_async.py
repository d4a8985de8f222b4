"""Client CPU of the SDK's async client vs a plain httpx.AsyncClient loop (and aiohttp's).

Run from the repo root: `python benchmarks/bench_async.py [--quick] [--reps N] [--json]`.
Needs the `async` extra (httpx); the aiohttp loop runs when aiohttp is installed (it is
reported for the record, and is no dependency of the SDK).

Method (as `bench_client.py`, issue 12): the keep-alive stand-in for the API
(`_server.py`) runs in a child process; each run is one flavour doing one scenario in a
FRESH Python process (build the client and the work, a few untimed warm-up calls, then
the timed loop on one event loop), client CPU by `time.process_time()`, wall by
`perf_counter()`; every answer kept; no `gc.collect()`. Flavours take turns run by run
(the order rotating); each figure is the median of `--reps` runs (default 9).
  (a) send: 100 POSTs of 100 campaign messages (`_shape.py`), one after another;
  (b) status: 1,000 GETs of distinct message ids, one after another;
  (c) concurrent: 1,000 GETs in flight at once (`asyncio.gather`): throughput, calls/s.
The plain loops build their headers once, `json.dumps` the body and `json.loads` the answer.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if (ROOT / "message_media_messages").is_dir():  # measure the checkout, not an installed copy
    sys.path.insert(0, str(ROOT))

import _clients  # noqa: E402
import _shape  # noqa: E402
from bench_client import child_env, server  # noqa: E402

FLAVOURS = ("sdk", "httpx", "aiohttp")
TARGET = 1.0  # SDK / plain httpx loop, client CPU per call, sends and status (issue 12)
CALLS = {"send": 100, "status": 1000, "concurrent": 1000}
QUICK_CALLS = {"send": 10, "status": 100, "concurrent": 200}
WARM_UP = {"send": 3, "status": 30, "concurrent": 30}


class SDK:
    """The SDK's async client, as its README shows it."""

    def __init__(self, port: int, user_agent: str) -> None:
        from message_media_messages import AsyncMessageMediaMessagesClient

        self.client = AsyncMessageMediaMessagesClient(
            _clients.KEY, _clients.SECRET, base_uri=f"http://127.0.0.1:{port}"
        )
        self.messages = self.client.messages

    async def send(self, body: dict[str, Any]) -> Any:
        return await self.messages.send_messages(body)

    async def status(self, message_id: str) -> Any:
        return await self.messages.get_message_status(message_id)

    def count(self, result: Any) -> int:
        return len(result.messages)

    def message_id(self, result: Any) -> str:
        return str(result.message_id)

    async def close(self) -> None:
        await self.client.aclose()


class _Plain:
    """What the plain loops share: their headers (built once) and how answers are read."""

    def __init__(self, user_agent: str) -> None:
        self.get_headers = {"User-Agent": user_agent, "Accept": "application/json",
                            "Authorization": _clients.basic_authorization()}  # fmt: skip
        self.post_headers = {**self.get_headers, "Content-Type": "application/json; charset=utf-8"}

    def count(self, result: Any) -> int:
        return len(result["messages"])

    def message_id(self, result: Any) -> str:
        return str(result["message_id"])


class Httpx(_Plain):
    """A plain `httpx.AsyncClient` loop, as a competent user writes it."""

    def __init__(self, port: int, user_agent: str) -> None:
        import httpx

        super().__init__(user_agent)
        self.client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30)

    async def send(self, body: dict[str, Any]) -> Any:
        r = await self.client.post(
            _clients.SEND_PATH, content=json.dumps(body).encode("utf-8"), headers=self.post_headers
        )
        r.raise_for_status()
        return json.loads(r.content)

    async def status(self, message_id: str) -> Any:
        r = await self.client.get(_clients.STATUS_PATH.format(message_id), headers=self.get_headers)
        r.raise_for_status()
        return json.loads(r.content)

    async def close(self) -> None:
        await self.client.aclose()


class Aiohttp(_Plain):
    """A plain `aiohttp.ClientSession` loop (for the record)."""

    def __init__(self, port: int, user_agent: str) -> None:
        import aiohttp

        super().__init__(user_agent)
        self.base = f"http://127.0.0.1:{port}"
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def send(self, body: dict[str, Any]) -> Any:
        data = json.dumps(body).encode("utf-8")
        url = self.base + _clients.SEND_PATH
        async with self.session.post(url, data=data, headers=self.post_headers) as r:
            r.raise_for_status()
            return json.loads(await r.read())

    async def status(self, message_id: str) -> Any:
        url = self.base + _clients.STATUS_PATH.format(message_id)
        async with self.session.get(url, headers=self.get_headers) as r:
            r.raise_for_status()
            return json.loads(await r.read())

    async def close(self) -> None:
        await self.session.close()


MAKERS = {"sdk": SDK, "httpx": Httpx, "aiohttp": Aiohttp}


# ---------------------------------------------------------------------------- one run (child)


async def worker(args: argparse.Namespace) -> dict[str, Any]:
    """One flavour, one scenario, in this fresh process: warm up, then time the loop."""
    client = MAKERS[args.flavour](args.port, args.user_agent)
    calls, warm, scenario = args.calls, WARM_UP[args.scenario], args.scenario
    items: list[Any] = (
        _shape.bodies(args.shape, calls + warm) if scenario == "send"
        else _shape.message_ids(calls + warm)
    )  # fmt: skip
    call = client.send if scenario == "send" else client.status
    for item in items[:warm]:
        _check(client, scenario, item, await call(item))
    timed = items[warm:]
    cpu, wall = time.process_time(), time.perf_counter()
    if scenario == "concurrent":
        kept = await asyncio.gather(*(call(item) for item in timed))
    else:
        kept = [await call(item) for item in timed]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    for item, result in zip(timed, kept, strict=True):
        _check(client, scenario, item, result)
    await client.close()
    return {"cpu_us": cpu / calls * 1e6, "wall_us": wall / calls * 1e6, "per_s": calls / wall}


def _check(client: Any, scenario: str, item: Any, result: Any) -> None:
    if scenario == "send":
        if client.count(result) != len(item["messages"]):
            raise RuntimeError("send answer has the wrong number of messages")
    elif client.message_id(result) != item:
        raise RuntimeError("status answer is for another message")


# ---------------------------------------------------------------------------- runs (parent)


def one_run(port: int, flavour: str, scenario: str, opts: argparse.Namespace) -> dict[str, Any]:
    """Spawn a fresh process for one run; return its figures."""
    command = [
        sys.executable, __file__, "--worker", "--port", str(port), "--flavour", flavour,
        "--scenario", scenario, "--calls", str(opts.calls[scenario]), "--shape", opts.shape,
        "--user-agent", opts.user_agent,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=opts.env)
    if done.returncode:
        raise RuntimeError(f"{flavour} {scenario} run failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def measure(port: int, opts: argparse.Namespace) -> dict[str, Any]:
    """`opts.reps` runs of every flavour and scenario, alternating; medians per flavour."""
    flavours = opts.flavours
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {s: {f: [] for f in flavours} for s in CALLS}
    for rep in range(opts.reps):
        for scenario in CALLS:
            turn = rep % len(flavours)
            for flavour in flavours[turn:] + flavours[:turn]:
                runs[scenario][flavour].append(one_run(port, flavour, scenario, opts))
    return {
        scenario: {
            flavour: {k: statistics.median(r[k] for r in samples) for k in ("cpu_us", "wall_us",
                                                                              "per_s")}
            | {"cpu_us_runs": [round(r["cpu_us"]) for r in samples]}
            for flavour, samples in per_flavour.items()
        }
        | {"calls": opts.calls[scenario]}
        for scenario, per_flavour in runs.items()
    }  # fmt: skip


def report(results: dict[str, Any], opts: argparse.Namespace) -> None:
    titles = {
        "send": "(a) send: 100 campaign messages per POST, one call after another",
        "status": "(b) get message status, one call after another",
        "concurrent": "(c) get message status, all calls in flight at once",
    }
    for scenario, title in titles.items():
        rows = results[scenario]
        print(f"\n{title}: {rows['calls']} calls per run, median of {opts.reps} fresh processes")
        print(f"  {'flavour':<9} {'CPU us/call':>12} {'wall us/call':>13} {'calls/s':>9}"
              "   CPU per run (us/call)")  # fmt: skip
        for name in opts.flavours:
            row = rows[name]
            spread = " ".join(str(v) for v in row["cpu_us_runs"])
            print(f"  {name:<9} {row['cpu_us']:>12.1f} {row['wall_us']:>13.1f}"
                  f" {row['per_s']:>9.0f}   {spread}")  # fmt: skip
        for base in opts.flavours[1:]:
            cpu = rows["sdk"]["cpu_us"] / rows[base]["cpu_us"]
            speed = rows["sdk"]["per_s"] / rows[base]["per_s"]
            target = TARGET if base == "httpx" and scenario != "concurrent" else None
            note = ""
            if target is not None:
                note = f"  (target <= {target}x: {'PASS' if cpu <= target else 'MISS'})"
            print(f"  SDK/{base:<8} CPU {cpu:5.2f}x   throughput {speed:5.2f}x{note}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 reps, few calls")
    parser.add_argument("--reps", type=int, help="runs per flavour and scenario (default 9)")
    parser.add_argument("--shape", choices=sorted(_shape.SHAPES), default="campaign")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    for hidden in ("--flavour", "--scenario", "--user-agent"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.worker:
        print(json.dumps(asyncio.run(worker(opts))), flush=True)
        return 0
    opts.reps = opts.reps or (3 if opts.quick else 9)
    opts.calls = QUICK_CALLS if opts.quick else CALLS
    has_aiohttp = importlib.util.find_spec("aiohttp") is not None
    opts.flavours = FLAVOURS if has_aiohttp else FLAVOURS[:2]
    from message_media_messages import MessageMediaMessagesClient

    opts.user_agent = MessageMediaMessagesClient("k", "s").config.user_agent
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; flavours: {opts.flavours}"
          + ("" if has_aiohttp else " (aiohttp not installed)"))  # fmt: skip
    print("client CPU = time.process_time() of a fresh process per run; every answer kept")
    with tempfile.TemporaryDirectory(prefix="bench-pyc-") as pycache:
        opts.env = child_env(pycache)
        with server(opts.env) as port:
            results = measure(port, opts)
    report(results, opts)
    if opts.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
