"""Tests only: an async client behind a sync-looking facade, so sync tests can drive it.

`Bridged(AsyncMessageMediaMessagesClient(...))` runs each call to completion on an event
loop of its own (`loop.run_until_complete`), in the calling thread; `iter_unconfirmed`
becomes a plain iterator over the async one. A sync `sleep=` becomes an async one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any

from message_media_messages import AsyncMessageMediaMessagesClient

FLAVOURS = ("sync", "async")  # the two clients, as tests parametrise over them


def async_sleep(sleep: Callable[[float], None]) -> Callable[[float], Coroutine[Any, Any, None]]:
    """A sync sleep (a recorder) as the async client's `sleep=`."""

    async def sleeper(seconds: float) -> None:
        sleep(seconds)

    return sleeper


class _Call:
    """One async method, called synchronously; equal when the methods are equal."""

    def __init__(self, loop: asyncio.AbstractEventLoop, method: Callable[..., Any]) -> None:
        self.loop, self.method = loop, method

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        made = self.method(*args, **kwargs)
        if isinstance(made, AsyncIterator):
            return _iterate(self.loop, made)
        return self.loop.run_until_complete(made)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Call) and self.method == other.method

    __hash__ = None  # type: ignore[assignment]


def _iterate(loop: asyncio.AbstractEventLoop, items: AsyncIterator[Any]) -> Iterator[Any]:
    try:
        while True:
            try:
                yield loop.run_until_complete(items.__anext__())
            except StopAsyncIteration:
                return
    finally:
        aclose = getattr(items, "aclose", None)
        if aclose is not None and not loop.is_closed():
            loop.run_until_complete(aclose())


class _Controller:
    def __init__(self, loop: asyncio.AbstractEventLoop, controller: Any) -> None:
        self._loop, self._controller = loop, controller

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._controller, name)
        return _Call(self._loop, value) if callable(value) else value


class Bridged:
    """The facade: `.messages`, `.delivery_reports`, `.replies`, `close()`, `with`."""

    def __init__(self, client: AsyncMessageMediaMessagesClient) -> None:
        self.client = client
        self.loop = asyncio.new_event_loop()
        self.messages = _Controller(self.loop, client.messages)
        self.delivery_reports = _Controller(self.loop, client.delivery_reports)
        self.replies = _Controller(self.loop, client.replies)

    @property
    def config(self) -> Any:
        return self.client.config

    def run(self, awaitable: Coroutine[Any, Any, Any]) -> Any:
        """Run any coroutine on the bridge's loop."""
        return self.loop.run_until_complete(awaitable)

    def close(self) -> None:
        """`await client.aclose()`, then finish what is left on the loop (as asyncio.run
        ends); the loop stays open for a client used again after it."""
        if not self.loop.is_closed():
            self.loop.run_until_complete(self.client.aclose())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.run_until_complete(asyncio.sleep(0))

    def __del__(self) -> None:
        if not self.loop.is_closed():
            self.loop.close()

    def __repr__(self) -> str:
        return repr(self.client)

    def __enter__(self) -> Bridged:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def bridged_client(
    *args: Any, sleep: Callable[[float], None] | None = None, **kwargs: Any
) -> Bridged:
    """`AsyncMessageMediaMessagesClient(*args, **kwargs)` behind the facade."""
    if sleep is not None:
        kwargs["sleep"] = async_sleep(sleep)
    return Bridged(AsyncMessageMediaMessagesClient(*args, **kwargs))
