"""Where the SDK's client CPU goes: cProfile by area and function, and per-stage timings.

Used by `bench_client.py --profile`. cProfile inflates functions that make many small
calls, so the per-stage timings (plain `process_time` loops, no profiler) are the
numbers to compare with http.client; the profile says which functions to look at.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from _clients import HttpClientClient, SDKClient

from message_media_messages import validation
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


def _cpu_us(call: Callable[[], Any], repeat: int) -> float:
    """CPU µs per call of `call`, over `repeat` calls after one warm-up call."""
    call()
    started = time.process_time()
    for _ in range(repeat):
        call()
    return (time.process_time() - started) / repeat * 1e6


def _stages(port: int, body: dict[str, Any], message_id: str) -> None:
    """CPU per stage of one send and one status call, SDK next to http.client."""
    hc = HttpClientClient(port, "bench")
    wire = validation.send_body(body)
    sdk_json = json.dumps(wire, ensure_ascii=False, separators=(",", ":")).encode()
    hc.conn.request("POST", "/v1/messages", body=sdk_json, headers=hc.post_headers)
    send_reply = hc.conn.getresponse().read()
    hc.conn.request("GET", f"/v1/messages/{message_id}", headers=hc.get_headers)
    status_reply = hc.conn.getresponse().read()
    send_decoded, status_decoded = json.loads(send_reply), json.loads(status_reply)
    n = 200
    rows = [
        ("send: validation.send_body (100 msgs)", lambda: validation.send_body(body)),
        (
            "send: json.dumps compact + encode",
            lambda: json.dumps(wire, ensure_ascii=False, separators=(",", ":")).encode(),
        ),
        ("send: json.dumps default + encode (baselines)", lambda: json.dumps(body).encode()),
        ("send: json.loads response", lambda: json.loads(send_reply)),
        (
            "send: SendMessagesResponse.from_dictionary",
            lambda: SendMessagesResponse.from_dictionary(send_decoded),
        ),
        (
            "send: http.client round trip (bytes in/out)",
            lambda: _round_trip(hc, "POST", "/v1/messages", sdk_json),
        ),
        ("status: json.loads response", lambda: json.loads(status_reply)),
        (
            "status: GetMessageStatusResponse.from_dictionary",
            lambda: GetMessageStatusResponse.from_dictionary(status_decoded),
        ),
        (
            "status: http.client round trip (bytes in/out)",
            lambda: _round_trip(hc, "GET", f"/v1/messages/{message_id}", None),
        ),
    ]
    sdk = SDKClient(port)
    transport = getattr(sdk.client, "_transport", None)
    if transport is not None:  # the SDK's own transport, if it still has this shape
        from message_media_messages.http.http_request import HttpRequest

        headers = {**hc.post_headers, "Authorization": hc.get_headers["Authorization"]}
        post = HttpRequest("POST", "/v1/messages", headers, sdk_json, "")
        get = HttpRequest("GET", f"/v1/messages/{message_id}", hc.get_headers, None, "")
        rows.insert(6, ("send: SDK transport.send round trip", lambda: transport.send(post)))
        rows.append(("status: SDK transport.send round trip", lambda: transport.send(get)))
    rows.append(("send: SDK send_messages, whole call", lambda: sdk.send(body)))
    rows.append(("status: SDK get_message_status, whole", lambda: sdk.status(message_id)))
    rows.append(("send: http.client baseline, whole call", lambda: hc.send(body)))
    rows.append(("status: http.client baseline, whole call", lambda: hc.status(message_id)))
    print(f"\n[stages] client CPU per call (us), {n} calls each, no profiler")
    for label, call in rows:
        print(f"  {_cpu_us(call, n):8.1f}  {label}")
    sdk.close()
    hc.close()


def _round_trip(hc: HttpClientClient, method: str, path: str, body: bytes | None) -> bytes:
    hc.conn.request(method, path, body=body, headers=hc.post_headers if body else hc.get_headers)
    return hc.conn.getresponse().read()


def report(port: int, bodies: list[dict[str, Any]], ids: list[str]) -> None:
    """Print the SDK's profile on both scenarios, then the per-stage timings."""
    sdk = SDKClient(port)
    sdk.send(bodies[0])
    sdk.status(ids[0])
    _print_profile("SDK send (100 msgs/call)", _profile(sdk.send, bodies), len(bodies))
    _print_profile("SDK get status", _profile(sdk.status, ids), len(ids))
    sdk.close()
    _stages(port, bodies[0], ids[0])
