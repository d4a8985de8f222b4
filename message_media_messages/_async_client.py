"""AsyncMessageMediaMessagesClient: the asyncio client, wired from the sync client's parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ._client_settings import client_config, wiring
from .configuration import DEFAULT_TIMEOUT, Configuration, Timeout
from .http._base_transport import AsyncBaseTransport
from .http._redaction import redact_url
from .http.retry import RetryPolicy

if TYPE_CHECKING:  # loaded on first use (with the models and validation they need)
    from .controllers._async_controllers import (
        AsyncDeliveryReportsController,
        AsyncMessagesController,
        AsyncRepliesController,
    )

Sleep = Callable[[float], Awaitable[None]]


class AsyncMessageMediaMessagesClient:
    """An asyncio client of the MessageMedia Messages API (`pip install "...[async]"`).

    The same parameters as `MessageMediaMessagesClient`, and the same controllers with
    `async` methods; validation, models, auth, retry decisions, status mapping and the
    exception tree are the sync client's own. Use it inside one event loop: `async with`,
    or `await client.aclose()` to release its connections.

    Args:
        auth_user_name: the API key; this and every parameter not described here
            (`auth_password`, `use_hmac_authentication`, `config`, `retry_policy`,
            `http_call_back`, `timeout`) as for `MessageMediaMessagesClient`.
        transport: an `AsyncBaseTransport` (an object with `async send(request, *,
            timeout)`) instead of the default httpx one; `aclose()`, if it has one, is
            awaited by `aclose()`.
        sleep: awaited between retries (default `anyio.sleep`); injectable for tests.
        **settings: any `Configuration` field, as for `MessageMediaMessagesClient`.
    """

    def __init__(
        self,
        auth_user_name: str | None = None,
        auth_password: str | None = None,
        use_hmac_authentication: bool = False,
        *,
        config: Configuration | None = None,
        retry_policy: RetryPolicy | None = None,
        http_call_back: Any = None,
        transport: AsyncBaseTransport | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        sleep: Sleep | None = None,
        **settings: Any,
    ) -> None:
        self.config = config = client_config(
            auth_user_name, auth_password, use_hmac_authentication, config, timeout, settings
        )
        from .controllers._async_requestor import AsyncRequestor  # httpx loads with a client

        self._transport = transport if transport is not None else _default_transport(config)
        self._requestor = AsyncRequestor(
            transport=self._transport, call_back=http_call_back, **wiring(config, retry_policy)
        )
        if sleep is not None:
            self._requestor.sleep = sleep

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **settings: Any
    ) -> AsyncMessageMediaMessagesClient:
        """A client configured from `MESSAGEMEDIA_*` environment variables (see the sync one)."""
        own = ("retry_policy", "http_call_back", "transport", "sleep")  # not Configuration's
        given = {name: settings.pop(name, None) for name in own}
        return cls(config=Configuration.from_env(environ, **settings), **given)

    @cached_property
    def messages(self) -> AsyncMessagesController:
        """Send, status, cancel and credits (`await client.messages.send_messages(...)`)."""
        from .controllers._async_controllers import AsyncMessagesController

        return AsyncMessagesController(self._requestor)

    @cached_property
    def delivery_reports(self) -> AsyncDeliveryReportsController:
        """Check and confirm delivery reports; `async for` over `iter_unconfirmed()`."""
        from .controllers._async_controllers import AsyncDeliveryReportsController

        return AsyncDeliveryReportsController(self._requestor)

    @cached_property
    def replies(self) -> AsyncRepliesController:
        """Check and confirm replies; `async for` over `iter_unconfirmed()`."""
        from .controllers._async_controllers import AsyncRepliesController

        return AsyncRepliesController(self._requestor)

    async def aclose(self) -> None:
        """Release the client's pooled connections (the transport's, if it can close)."""
        close = getattr(self._transport, "aclose", None)
        if close is not None:
            await close()

    async def __aenter__(self) -> AsyncMessageMediaMessagesClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        scheme = "hmac" if self.config.use_hmac_authentication else "basic"
        shown = redact_url(str(self.config.base_uri))
        return f"<AsyncMessageMediaMessagesClient {shown} auth={scheme}>"


def _default_transport(config: Configuration) -> AsyncBaseTransport:
    """The httpx transport, with this configuration's connection settings."""
    from .http._async_transport import AsyncTransport

    return AsyncTransport(
        str(config.base_uri),
        timeout=(config.connect_timeout, config.read_timeout),
        verify=config.verify,
        proxies=config.proxies,
        pool_maxsize=config.pool_maxsize,
        max_response_bytes=config.max_response_bytes,
    )
