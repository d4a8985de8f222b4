"""Where the SDK's client CPU goes: cProfile by area and function, and per-stage timings.

Used by `bench_client.py --profile`. cProfile inflates functions that make many small
calls, so the per-stage timings (plain `process_time` loops, no profiler) are the
numbers to compare with http.client; the profile says which functions to look at.
"""

from __future__ import annotations

import cProfile
import itertools
import json
import pstats
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from _clients import HttpClientClient, SDKClient

from message_media_messages import _validation as validation
from message_media_messages.models.get_message_status_response import GetMessageStatusResponse
from message_media_messages.models.send_messages_response import SendMessagesResponse

PACKAGE = "message_media_messages"
TOP = 15


def _area(filename: str, name: str) -> str:
    """A coarse owner for one profiled function."""
    if PACKAGE in filename:
        return "sdk (message_media_messages)"
    for lib in ("urllib3", "requests", "dateutil"):
        if f"/{lib}/" in filename:
            return lib
    if "/json/" in filename or "_json" in name or "json" in filename:
        return "json"
    if filename == "~":
        if any(io in name for io in ("recv", "send", "select", "poll", "settimeout")):
            return "socket syscalls"
        return "builtins (C)"
    if any(part in filename for part in ("/http/", "socket.py", "/email/", "selectors")):
        return "stdlib http.client/email/socket"
    return "stdlib other"


def _profile(call: Callable[[Any], Any], items: list[Any]) -> pstats.Stats:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for item in items:
        call(item)
    profiler.disable()
    return pstats.Stats(profiler)


def _print_profile(title: str, stats: pstats.Stats, calls: int) -> None:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    areas: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        areas[_area(filename, name)] += tottime
    total = sum(areas.values())
    print(
        f"\n[profile] {title}: {total / calls * 1e6:.0f} us/call under cProfile, self time by area"
    )
    for area, seconds in sorted(areas.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds / total:6.1%}  {seconds / calls * 1e6:8.1f} us/call  {area}")
    print(f"  top {TOP} self-time functions in {PACKAGE} (us/call, ncalls/call):")
    own = [
        (tottime, nc, filename, line, name)
        for (filename, line, name), (_cc, nc, tottime, _ct, _callers) in raw.items()
        if PACKAGE in filename
    ]
    for tottime, nc, filename, line, name in sorted(own, reverse=True)[:TOP]:
        where = filename[filename.rindex(PACKAGE) + len(PACKAGE) + 1 :]
        print(f"    {tottime / calls * 1e6:7.1f}  {nc / calls:6.1f}x  {where}:{line} {name}")


def _best_cpu_us(cells: dict[Any, Callable[[], Any]], repeat: int = 20, rounds: int = 15) -> Any:
    """CPU µs per call of each cell: the best of `rounds` loops of `repeat` calls.

    The cells take turns round by round, and the minimum is kept: the estimate least
    disturbed by other processes on a busy machine.
    """
    best = dict.fromkeys(cells, float("inf"))
    for call in cells.values():
        call()
    for _ in range(rounds):
        for key, call in cells.items():
            started = time.process_time()
            for _ in range(repeat):
                call()
            best[key] = min(best[key], time.process_time() - started)
    return {key: seconds / repeat * 1e6 for key, seconds in best.items()}


def _stages(port: int, body: dict[str, Any], ids: list[str]) -> None:
    """CPU per stage of one send and one status call, the SDK next to http.client.

    "rest" is the whole call minus the listed stages: for the SDK, the controller
    pipeline (request object, signing, status mapping, logging check, response object).
    Status calls cycle over distinct ids, whose answers carry distinct timestamps, so
    timestamp parsing is not served from a warm cache.
    """
    hc = HttpClientClient(port, "bench")
    sdk = SDKClient(port)
    wire = validation.send_body(body)
    sdk_bytes = json.dumps(wire, ensure_ascii=False, separators=(",", ":")).encode()
    plain_bytes = json.dumps(body).encode()
    status_path = f"/v1/messages/{ids[0]}"
    send_reply = _round_trip(hc, "POST", "/v1/messages", sdk_bytes)
    status_reply = _round_trip(hc, "GET", status_path, None)
    send_decoded = json.loads(send_reply)
    statuses = itertools.cycle([hc.status(message_id) for message_id in ids])
    sdk_ids, hc_ids = itertools.cycle(ids), itertools.cycle(ids)
    sdk_send, sdk_get = _sdk_round_trips(sdk, hc, sdk_bytes, status_path)
    scenarios = {
        "send (100 msgs/call)": [
            ("validation", lambda: validation.send_body(body), None),
            (
                "json.dumps + encode",
                lambda: json.dumps(wire, ensure_ascii=False, separators=(",", ":")).encode(),
                lambda: json.dumps(body).encode(),
            ),
            (
                "HTTP round trip",
                sdk_send,
                lambda: _round_trip(hc, "POST", "/v1/messages", plain_bytes),
            ),
            ("json.loads", lambda: json.loads(send_reply), lambda: json.loads(send_reply)),
            ("response models", lambda: SendMessagesResponse.from_dictionary(send_decoded), None),
            ("whole call", lambda: sdk.send(body), lambda: hc.send(body)),
        ],
        "get status": [
            ("HTTP round trip", sdk_get, lambda: _round_trip(hc, "GET", status_path, None)),
            ("json.loads", lambda: json.loads(status_reply), lambda: json.loads(status_reply)),
            (
                "response model",
                lambda: GetMessageStatusResponse.from_dictionary(next(statuses)),
                None,
            ),
            ("whole call", lambda: sdk.status(next(sdk_ids)), lambda: hc.status(next(hc_ids))),
        ],
    }
    cells = {
        (title, label, side): call
        for title, rows in scenarios.items()
        for label, *calls in rows
        for side, call in enumerate(calls)
        if call is not None
    }
    best = _best_cpu_us(cells)
    print("\n[stages] client CPU per call (us), best of 15 x 20 calls per cell, no profiler")
    for title, rows in scenarios.items():
        print(f"  {title:<24} {'SDK':>8} {'http.client':>12}")
        parts = [0.0, 0.0]
        for label, *_calls in rows:
            values = [best.get((title, label, side)) for side in (0, 1)]
            if label == "whole call":
                rest = [None if v is None else v - p for v, p in zip(values, parts, strict=True)]
                print(f"    {'rest (pipeline)':<22} {_cell(rest[0])} {_cell(rest[1], 12)}")
            else:
                parts = [p + (v or 0.0) for p, v in zip(parts, values, strict=True)]
            print(f"    {label:<22} {_cell(values[0])} {_cell(values[1], 12)}")
    sdk.close()
    hc.close()


def _cell(value: float | None, width: int = 8) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.1f}"


def _sdk_round_trips(
    sdk: SDKClient, hc: HttpClientClient, body: bytes, status_path: str
) -> tuple[Callable[[], Any] | None, Callable[[], Any] | None]:
    """The SDK transport's `send` for a ready POST and GET, if its internals still fit."""
    try:
        from message_media_messages.http.http_request import HttpRequest

        transport = sdk.client._transport
        post = HttpRequest("POST", "/v1/messages", dict(hc.post_headers), body, "")
        get = HttpRequest("GET", status_path, dict(hc.get_headers), None, "")
        transport.send(post)
    except Exception as exc:  # a private seam: report, do not fail the benchmark
        print(f"  (SDK transport not measurable alone: {exc!r})")
        return None, None
    return (lambda: transport.send(post)), (lambda: transport.send(get))


def report(port: int, bodies: list[dict[str, Any]], ids: list[str]) -> None:
    """Print the SDK's profile on both scenarios, then the per-stage timings."""
    sdk = SDKClient(port)
    sdk.send(bodies[0])
    sdk.status(ids[0])
    _print_profile("SDK send (100 msgs/call)", _profile(sdk.send, bodies), len(bodies))
    _print_profile("SDK get status", _profile(sdk.status, ids), len(ids))
    sdk.close()
    # More distinct timestamps (2 per id) than the SDK's 1024-entry parse caches hold.
    _stages(port, bodies[0], [str(uuid.UUID(int=0x57A6 << 64 | i)) for i in range(600)])


def _round_trip(hc: HttpClientClient, method: str, path: str, body: bytes | None) -> bytes:
    """One exchange on the http.client connection: bytes out, bytes back."""
    hc.conn.request(method, path, body=body, headers=hc.post_headers if body else hc.get_headers)
    return hc.conn.getresponse().read()
