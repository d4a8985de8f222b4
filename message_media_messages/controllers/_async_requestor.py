"""The asyncio request pipeline: the sync one's decisions (`_answers`), awaited on one loop."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from ..exceptions.api_exception import TransportError
from ..http._base_transport import AsyncBaseTransport, Timeout
from ..http.auth._schemes import Auth
from ..http.http_context import HttpContext
from ..http.http_request import HttpRequest
from ..http.http_response import HttpResponse
from ..http.retry import RetryPolicy
from ._answers import Attempts, Endpoint, Exchange, RequestBuilder, Retry, result
from ._requestor import log_attempt


class AsyncRequestor(RequestBuilder):
    """Runs the calls of one async client: the only async code that sends.

    Attributes:
        transport: sends one request (see `AsyncBaseTransport`).
        auth, retry, timeout, clock, call_back: as `Requestor`'s.
        base_uri, headers, account_id: see `RequestBuilder`.
        sleep: awaited between retries (default `anyio.sleep`).
    """

    def __init__(  # the attributes above, by name
        self,
        transport: AsyncBaseTransport,
        auth: Auth,
        retry: RetryPolicy,
        timeout: Timeout,
        base_uri: str,
        headers: dict[str, str] | None = None,
        account_id: str | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.time,
        call_back: Any = None,
    ) -> None:
        super().__init__(base_uri, headers, account_id)
        self.transport, self.auth, self.retry, self.timeout = transport, auth, retry, timeout
        self.sleep, self.clock, self.call_back = sleep, clock, call_back

    async def call(
        self,
        endpoint: Endpoint,
        *,
        message_id: str = "",
        body: Any = None,
        account_header: str | None = None,
    ) -> Any:
        """Build, send (with retries) and parse one call of `endpoint`."""
        request = self.build(endpoint, message_id, body, account_header)
        return result(endpoint, await self.exchange(endpoint, request))

    async def exchange(self, endpoint: Endpoint, request: HttpRequest) -> Exchange:
        """Send with retries until the policy stops; the final exchange.

        Raises:
            CancelledError: the task was cancelled; its `maybe_sent` says whether this
                call may have reached the server (decided as for any error).
        """
        attempts = Attempts(self.retry, endpoint.idempotent, self.clock)
        hook = self.call_back
        while True:
            self.auth.sign(request)
            if hook is not None:
                hook.on_before_request(request)
            try:
                outcome = await self._attempt(request)
            except anyio.get_cancelled_exc_class() as cancelled:
                reached = getattr(cancelled, "maybe_sent", True)  # unknown: it may have
                cancelled.maybe_sent = attempts.cancelled(reached)  # type: ignore[attr-defined]
                raise
            step = attempts.next(request, outcome)
            if isinstance(step, Retry):
                await self._pause(step.delay, attempts)
            elif isinstance(step, TransportError):
                raise step
            else:
                if hook is not None:
                    hook.on_after_response(HttpContext(request, step.response))
                return step

    async def _pause(self, delay: float, attempts: Attempts) -> None:
        """Wait before a retry; a cancel now says what the attempts so far may have done."""
        try:
            await self.sleep(delay)
        except anyio.get_cancelled_exc_class() as cancelled:
            cancelled.maybe_sent = attempts.cancelled(False)  # type: ignore[attr-defined]
            raise

    async def _attempt(self, request: HttpRequest) -> HttpResponse | TransportError:
        started = time.perf_counter()
        try:
            response = await self.transport.send(request, timeout=self.timeout)
        except TransportError as err:
            log_attempt(request, err.failure, started)
            return err
        log_attempt(request, str(response.status_code), started)
        return response
