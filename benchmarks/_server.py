"""A minimal, cheap HTTP/1.1 keep-alive stand-in for the Messages API, for benchmarks only.

Run as a script (`python benchmarks/_server.py [--port N]`): it prints the port it
listens on, as one line on stdout, then serves until stdin closes or it is killed.

It answers two endpoints, and nothing is checked (no auth, no validation):
- `POST /v1/messages` -> 202, `{"messages": [...]}` echoing each message plus a
  `message_id` and `"status": "queued"`. The answer is cached per distinct body, so
  after the first request of a given body the server only reads and writes bytes.
- `GET /v1/messages/{id}` -> 200, the status JSON of API.md's example with that id
  (and timestamps derived from it).

Each response goes out in one `write` (headers and body together), so Nagle and
delayed ACKs never add latency, and the server stays far from being the bottleneck.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import uuid
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STATUS_TEMPLATE: dict[str, Any] = {
    "format": "SMS",
    "content": "My first message!",
    "metadata": {"key1": "value1", "key2": "value2"},
    "message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
    "callback_url": "https://my.callback.url.com",
    "delivery_report": True,
    "destination_number": "+61401760575",
    "scheduled": "2016-11-03T11:49:02.807Z",
    "source_number": "+61491570157",
    "source_number_type": "INTERNATIONAL",
    "message_expiry_timestamp": "2016-11-03T11:49:02.807Z",
    "status": "enroute",
}

_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 404: "Not Found"}
_DATE = formatdate(usegmt=True)  # one fixed Date header: cheap, and clients parse it anyway
_EPOCH = datetime(2016, 11, 3, 11, 49, 2, 807000, tzinfo=timezone.utc)
_MESSAGE_IDS = [str(uuid.UUID(int=i + 1)) for i in range(100)]
_SEND_CACHE: dict[bytes, bytes] = {}
_STATUS_CACHE: dict[str, bytes] = {}
_CACHE_LOCK = threading.Lock()


def _response(status: int, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        f"Date: {_DATE}\r\n"
        "Server: bench\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


def send_answer(body: bytes) -> bytes:
    """The full HTTP response to a send request with this body (cached per body)."""
    cached = _SEND_CACHE.get(body)
    if cached is not None:
        return cached
    try:
        messages = json.loads(body)["messages"]
        echoed = [
            {**message, "message_id": _MESSAGE_IDS[i % 100], "status": "queued"}
            for i, message in enumerate(messages)
        ]
        answer = _response(202, json.dumps({"messages": echoed}).encode())
    except (ValueError, KeyError, TypeError):
        answer = _response(400, b'{"message":"bad body"}')
    with _CACHE_LOCK:
        if len(_SEND_CACHE) < 1000:
            _SEND_CACHE[body] = answer
    return answer


def _timestamp(seed: int) -> str:
    """A distinct API-style timestamp per seed (`2016-11-03T11:49:02.807Z` form)."""
    moment = _EPOCH + timedelta(milliseconds=seed % (365 * 86_400_000))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def status_answer(message_id: str) -> bytes:
    """The full HTTP response to a get-status request for this id (cached per id).

    Timestamps differ from id to id, as real ones do, so a client cannot answer its
    timestamp parsing from a cache of the few strings a fixed example would repeat.
    """
    cached = _STATUS_CACHE.get(message_id)
    if cached is None:
        seed = zlib.crc32(message_id.encode())
        status = {
            **STATUS_TEMPLATE,
            "message_id": message_id,
            "scheduled": _timestamp(seed),
            "message_expiry_timestamp": _timestamp(seed + 86_400_000),
        }
        cached = _response(200, json.dumps(status).encode())
        with _CACHE_LOCK:
            if len(_STATUS_CACHE) < 10000:
                _STATUS_CACHE[message_id] = cached
    return cached


class Handler(BaseHTTPRequestHandler):
    """Serves the two endpoints on one keep-alive connection per client."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:  # http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/v1/messages":
            self.wfile.write(send_answer(body))
        else:
            self.wfile.write(_response(404, b'{"message":"Resource not found."}'))

    def do_GET(self) -> None:
        prefix = "/v1/messages/"
        if self.path.startswith(prefix) and len(self.path) > len(prefix):
            self.wfile.write(status_answer(self.path[len(prefix) :]))
        else:
            self.wfile.write(_response(404, b'{"message":"Resource not found."}'))

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: logging each request would cost more than answering it."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    ThreadingHTTPServer.request_queue_size = 128  # a listen backlog for 100 connects at once
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # the parent closes our stdin (or exits) to stop us
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
