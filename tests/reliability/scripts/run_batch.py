"""Send the deterministic crash-test batch with a journal; print the counts as JSON at the end.

Usage: python run_batch.py URL API_KEY API_SECRET JOURNAL [--rows N] [--concurrency C]
       [--unreachable-every K]

Row i's content is ``row <i>`` so the sandbox's messages map back to input rows. A few rows
are invalid (no destination) and a few go to the sandbox's magic ``...999`` number (the
whole request is rejected with 400, so the batch splits it). The script prints ``started``
once the client is built, then one JSON line ``{"counts": {...}, "rows": n}`` when done.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from message_media_messages import MessageMediaMessagesClient

ROWS = 20_000
DESTINATION = "+61491570156"
UNREACHABLE = "+61491570999"
UNREACHABLE_EVERY = 1499  # one row in this many goes to the magic 400 number


def is_invalid(i: int) -> bool:
    return i % 1999 == 7


def is_unreachable(i: int, every: int = UNREACHABLE_EVERY) -> bool:
    return i % every == 11 % every


def row(i: int, unreachable_every: int = UNREACHABLE_EVERY) -> dict[str, Any]:
    """Input row i (the same on every run)."""
    if is_invalid(i):
        return {"content": f"row {i}"}
    destination = UNREACHABLE if is_unreachable(i, unreachable_every) else DESTINATION
    return {"content": f"row {i}", "destination_number": destination}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("api_key")
    parser.add_argument("api_secret")
    parser.add_argument("journal")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--unreachable-every", type=int, default=UNREACHABLE_EVERY)
    args = parser.parse_args(argv)
    client = MessageMediaMessagesClient(
        args.api_key,
        args.api_secret,
        base_uri=args.url,
        pool_maxsize=args.concurrency,
        timeout=(2, 10),
    )
    print("started", flush=True)
    with client:
        result = client.messages.send_batch(
            (row(i, args.unreachable_every) for i in range(args.rows)),
            journal=args.journal,
            concurrency=args.concurrency,
        )
        print(json.dumps({"counts": result.counts, "rows": len(result.rows)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
