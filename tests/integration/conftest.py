"""Fixtures for the end-to-end tests: a running sandbox and SDK clients in both auth modes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from async_bridge import bridged_client

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

AUTH_MODES = {"basic": False, "hmac": True}
DESTINATION = "+61491570156"  # not a magic number: ends delivered
SOURCE = "+61491570157"


class SleepRecorder:
    """A `sleep=` replacement: records the waits asked for, never waits."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class HeaderRecorder:
    """A 2.x `HttpCallBack`: records the headers of every signed attempt."""

    def __init__(self) -> None:
        self.requests: list[Any] = []
        self.authorizations: list[str] = []

    def on_before_request(self, request: Any) -> None:
        self.requests.append(request)
        self.authorizations.append(request.headers.get("Authorization", ""))

    def on_after_response(self, context: Any) -> None:
        pass


@pytest.fixture(autouse=True)
def journal_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's default journals go to a folder of the test's own, never to ~/.local/state."""
    folder = tmp_path / "journals"
    monkeypatch.setenv("MESSAGEMEDIA_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox on a free loopback port (manual clock), stopped after the test."""
    with SandboxServer() as server:
        yield server


@pytest.fixture(params=list(AUTH_MODES), ids=list(AUTH_MODES))
def auth(request: pytest.FixtureRequest) -> str:
    """The auth mode of the client under test: "basic" or "hmac"."""
    return str(request.param)


@pytest.fixture
def flavour() -> str:
    """Which client `make_client` builds: "sync", or "async" (behind `async_bridge`).

    A module that runs its tests for both clients overrides this with
    `@pytest.fixture(params=FLAVOURS)`.
    """
    return "sync"


@pytest.fixture
def make_client(
    sandbox: SandboxServer, flavour: str
) -> Iterator[Callable[..., MessageMediaMessagesClient]]:
    """Factory of clients pointed at `sandbox` (closed after the test).

    `make_client(auth="basic"|"hmac", key=..., secret=..., server=..., **client_kwargs)`;
    the key and secret default to the sandbox's default account, retries never really sleep
    unless a `sleep=` is passed. With `flavour` "async" it builds the async client behind
    the sync facade of `tests/async_bridge.py`.
    """
    made: list[Any] = []
    build: Callable[..., Any] = MessageMediaMessagesClient
    if flavour == "async":
        build = bridged_client

    def make(
        auth: str = "basic",
        *,
        key: str | None = None,
        secret: str | None = None,
        server: SandboxServer | None = None,
        **kwargs: Any,
    ) -> MessageMediaMessagesClient:
        server = server or sandbox
        kwargs.setdefault("base_uri", server.url)
        kwargs.setdefault("sleep", SleepRecorder())
        client = build(
            server.api_key if key is None else key,
            server.api_secret if secret is None else secret,
            AUTH_MODES[auth],
            **kwargs,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(
    make_client: Callable[..., MessageMediaMessagesClient], auth: str
) -> MessageMediaMessagesClient:
    """A client of the sandbox's default account, in the parametrized auth mode."""
    return make_client(auth)


def _sms(
    destination: str = DESTINATION, content: str = "Hello from the e2e tests", **fields: Any
) -> dict[str, Any]:
    return {"messages": [{"content": content, "destination_number": destination, **fields}]}


@pytest.fixture
def sms() -> Callable[..., dict[str, Any]]:
    """`sms(destination=..., content=..., **fields)`: a send body (dict form), one message."""
    return _sms


@pytest.fixture
def sleeps() -> SleepRecorder:
    """A `sleep=` recorder to pass to a client."""
    return SleepRecorder()


@pytest.fixture
def headers_seen() -> HeaderRecorder:
    """An `http_call_back=` recording every signed attempt's headers."""
    return HeaderRecorder()
