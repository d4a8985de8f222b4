"""Fixtures for the sandbox tests: running sandboxes, API clients, a webhook receiver."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

if str(Path(__file__).parent) not in sys.path:  # so tests can import sandbox_helpers
    sys.path.insert(0, str(Path(__file__).parent))

from sandbox_helpers import ApiClient, Receiver

from message_media_messages.sandbox import SandboxServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., SandboxServer]]:
    started: list[SandboxServer] = []

    def make(**kwargs: Any) -> SandboxServer:
        started.append(SandboxServer(**kwargs).start())
        return started[-1]

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[ApiClient]:
    api = ApiClient(sandbox.url, sandbox.api_key, sandbox.api_secret)
    yield api
    api.close()


@pytest.fixture
def make_client() -> Iterator[Callable[..., ApiClient]]:
    made: list[ApiClient] = []

    def make(server: SandboxServer, **kwargs: Any) -> ApiClient:
        kwargs.setdefault("key", server.api_key)
        kwargs.setdefault("secret", server.api_secret)
        made.append(ApiClient(server.url, **kwargs))
        return made[-1]

    yield make
    for api in made:
        api.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    recv = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with recv.event:
                recv.calls.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "json": json.loads(body),
                    }
                )
                recv.event.notify_all()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recv.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield recv
    server.shutdown()
    server.server_close()
