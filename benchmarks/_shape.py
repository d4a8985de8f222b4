"""The messages the benchmarks send: the same dicts for every client, built by the stdlib alone.

`campaign` (the default) is what a real campaign sends: distinct texts of about 100
GSM-7 characters, one destination each, `format: "SMS"`, `delivery_report: true`, three
metadata keys and a `source_number`. `minimal` is the smallest valid message (content
and destination only), the shape the benchmark used before issue 11.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

SOURCE_NUMBER = "+61491570157"
_FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Riley")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_SEGMENTS = ("new", "returning", "vip")


def campaign_message(i: int) -> dict[str, Any]:
    """Message number `i` of a campaign (distinct content, destination and customer id)."""
    return {
        "content": (
            f"Hi {_FIRST[i % 8]}, your booking #{100000 + i} is confirmed for {_DAYS[i % 6]}"
            f" {9 + i % 8}:{i % 4 * 15:02d}. Reply YES to keep it or STOP to opt out."
        ),
        # Last three digits below 900: the sandbox's magic suffixes (9xx) fail or refuse.
        "destination_number": f"+614{i // 900 % 100_000:05d}{i % 900:03d}",
        "format": "SMS",
        "delivery_report": True,
        "source_number": SOURCE_NUMBER,
        "metadata": {
            "campaign": "spring-reminders",
            "customer_id": f"C{i:08d}",
            "segment": _SEGMENTS[i % 3],
        },
    }


def minimal_message(i: int) -> dict[str, Any]:
    """The smallest valid message: content and destination."""
    return {"content": f"Benchmark message {i}", "destination_number": "+61491570156"}


SHAPES: dict[str, Callable[[int], dict[str, Any]]] = {
    "campaign": campaign_message,
    "minimal": minimal_message,
}


def messages(shape: str, count: int, start: int = 0) -> Iterator[dict[str, Any]]:
    """`count` fresh message dicts of `shape`, streamed (numbered from `start`)."""
    make = SHAPES[shape]
    for i in range(start, start + count):
        yield make(i)


def bodies(shape: str, requests: int, per_request: int = 100) -> list[dict[str, Any]]:
    """`requests` send bodies (`{"messages": [...]}`) of `per_request` distinct messages."""
    return [
        {"messages": list(messages(shape, per_request, r * per_request))} for r in range(requests)
    ]


def message_ids(count: int) -> list[str]:
    """`count` distinct message ids (UUIDs, as the API's)."""
    return [str(uuid.UUID(int=0xBE4C << 64 | i)) for i in range(count)]
