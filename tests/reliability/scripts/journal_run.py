"""Send a journaled batch in its own process; print one JSON line: the counts, or the error.

Usage: python journal_run.py URL API_KEY API_SECRET JOURNAL [--rows N] [--hostile]
       [--fsize BYTES]

Row i's content is ``row <i>``. With ``--hostile`` some rows cannot be sent: a ``set`` value
(rows 3, 53, ...), keys of mixed types (13, 63, ...), a circular reference (23, 73, ...).
``--fsize`` caps the size of any file this process writes (RLIMIT_FSIZE, SIGXFSZ ignored),
so journal writes fail part way through, as on a full disk. The script prints ``started``,
then ``{"counts": {...}, "rows": n, "errors": {index: error}}`` or ``{"error": class name,
"message": ..., "path": ..., "holder": ...}``.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
from typing import Any

from message_media_messages import JournalError, MessageMediaMessagesClient

DESTINATION = "+61491570156"


def row(i: int, hostile: bool) -> dict[Any, Any]:
    """Input row i (the same on every run, whatever PYTHONHASHSEED is)."""
    message: dict[Any, Any] = {"content": f"row {i}", "destination_number": DESTINATION}
    if hostile and i % 50 == 3:
        message["tags"] = {"alpha", "beta", "gamma", "delta"}
    elif hostile and i % 50 == 13:
        message[7] = "seven"
    elif hostile and i % 50 == 23:
        loop: dict[str, Any] = {"name": "loop"}
        loop["self"] = loop
        message["extra"] = loop
    return message


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    for name in ("url", "api_key", "api_secret", "journal"):
        parser.add_argument(name)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--hostile", action="store_true")
    parser.add_argument("--fsize", type=int)
    args = parser.parse_args(argv)
    if args.fsize:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.fsize, args.fsize))
    client = MessageMediaMessagesClient(args.api_key, args.api_secret, base_uri=args.url)
    print("started", flush=True)
    rows = (row(i, args.hostile) for i in range(args.rows))
    try:
        with client, client.messages.send_batch(rows, journal=args.journal) as result:
            errors = {r.index: r.error for r in result.rows if r.error}
            report = {"counts": result.counts, "rows": len(result.rows), "errors": errors}
    except JournalError as exc:
        holder = getattr(exc, "holder", None)
        report = {"error": type(exc).__name__, "message": str(exc), "path": exc.path,
                  "holder": holder}  # fmt: skip
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
