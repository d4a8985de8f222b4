"""The sync request pipeline: sign, send, and wait as the shared decisions say.

Every decision (build, retry, `maybe_sent`, status, parse) is in `_answers`, shared with
the asyncio `AsyncRequestor`; this module only sends and sleeps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from ..exceptions.api_exception import TransportError
from ..http._base_transport import BaseTransport, Timeout
from ..http.auth._schemes import Auth
from ..http.http_context import HttpContext
from ..http.http_request import HttpRequest
from ..http.http_response import HttpResponse
from ..http.retry import RetryPolicy
from ._answers import Attempts, Endpoint, Exchange, RequestBuilder, Retry

logger = logging.getLogger("message_media_messages")


class Requestor(RequestBuilder):
    """Runs calls for every controller of one client: the only code that sends.

    Attributes:
        transport: sends one request (see `BaseTransport`).
        auth: signs each attempt (chosen once, from the configuration).
        retry: the retry policy.
        timeout: (connect, read) seconds, handed to the transport on every send.
        base_uri, headers, account_id: see `RequestBuilder`.
        sleep: sleeps between retries.
        clock: POSIX time, for `Retry-After` dates.
        call_back: the client's 2.x `HttpCallBack`, or None.
    """

    def __init__(  # the attributes above, by name
        self,
        transport: BaseTransport,
        auth: Auth,
        retry: RetryPolicy,
        timeout: Timeout,
        base_uri: str,
        headers: dict[str, str] | None = None,
        account_id: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        call_back: Any = None,
    ) -> None:
        super().__init__(base_uri, headers, account_id)
        self.transport, self.auth, self.retry, self.timeout = transport, auth, retry, timeout
        self.sleep, self.clock, self.call_back = sleep, clock, call_back

    def exchange(self, endpoint: Endpoint, request: HttpRequest, hook: Any) -> Exchange:
        """Send with retries until the policy stops; the final exchange."""
        attempts = Attempts(self.retry, endpoint.idempotent, self.clock)
        while True:
            self.auth.sign(request)
            if hook is not None:
                hook.on_before_request(request)
            step = attempts.next(request, self._attempt(request))
            if isinstance(step, Retry):
                self.sleep(step.delay)
            elif isinstance(step, TransportError):
                raise step
            else:
                if hook is not None:
                    hook.on_after_response(HttpContext(request, step.response))
                return step

    def _attempt(self, request: HttpRequest) -> HttpResponse | TransportError:
        started = time.perf_counter()
        try:
            response = self.transport.send(request, timeout=self.timeout)
        except TransportError as err:
            log_attempt(request, err.failure, started)
            return err
        log_attempt(request, str(response.status_code), started)
        return response


def log_attempt(request: HttpRequest, outcome: str, started: float) -> None:
    """The DEBUG line of one attempt: request line, outcome, elapsed (never a header)."""
    if logger.isEnabledFor(logging.DEBUG):
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("%s %s -> %s in %.1f ms", request.http_method, request.path, outcome, elapsed)
