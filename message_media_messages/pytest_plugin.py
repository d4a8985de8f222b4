"""pytest plugin: `mm_sandbox`, `mm_client` and `mm_async_client` fixtures (the local sandbox).

`mm_async_client` is an async fixture: use it in tests that anyio's pytest plugin runs
(`@pytest.mark.anyio`; anyio comes with httpx, in the `async` extra).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._async_client import AsyncMessageMediaMessagesClient
    from .message_media_messages_client import MessageMediaMessagesClient
    from .sandbox import SandboxServer


@pytest.fixture
def mm_sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox API server on a free 127.0.0.1 port, stopped after the test."""
    from .sandbox import SandboxServer

    with SandboxServer() as server:
        yield server


@pytest.fixture
def mm_client(mm_sandbox: SandboxServer) -> Iterator[MessageMediaMessagesClient]:
    """A client (Basic auth) pointed at `mm_sandbox` with its default credentials."""
    from .message_media_messages_client import MessageMediaMessagesClient

    with MessageMediaMessagesClient(
        mm_sandbox.api_key, mm_sandbox.api_secret, base_uri=mm_sandbox.url
    ) as client:
        yield client


@pytest.fixture
async def mm_async_client(
    mm_sandbox: SandboxServer,
) -> AsyncIterator[AsyncMessageMediaMessagesClient]:
    """An async client (Basic auth) pointed at `mm_sandbox`, closed after the test."""
    from ._async_client import AsyncMessageMediaMessagesClient

    async with AsyncMessageMediaMessagesClient(
        mm_sandbox.api_key, mm_sandbox.api_secret, base_uri=mm_sandbox.url
    ) as client:
        yield client
