"""The transport-free sandbox application: auth, endpoints, faults, request log and stats."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from ._accounts import AccountRegistry
from ._api import decode_request, resolve
from ._auth import Authenticator, AuthResult, claimed_scheme
from ._clock import SandboxClock
from ._faults import Fault, FaultPlan
from ._retention import MAX_MESSAGES, RETENTION_DAYS, Retention
from ._store import Sink, Store
from ._wire import ApiRequest, ApiResponse, auth_failure

__all__ = ["SandboxApp", "SandboxOptions"]

LOG_LIMIT = 10_000  # request records kept (oldest dropped first)
_STATS = ("legacy_put_signatures", "auth_failures", "faults_applied", "server_errors")


@dataclass(frozen=True)
class SandboxOptions:
    """Behaviour switches of the sandbox application.

    Attributes:
        hmac_skew: Largest accepted HMAC `Date` drift from the wall clock, in seconds.
        max_body: Largest accepted request body in bytes; larger bodies get 400 (the
            documented codes have no 413, so the sandbox stays within them).
        initial_credits: Credits each account starts with.
        tolerate_put_signed_as_post: Accept cancel PUTs whose HMAC signs `POST`.
        max_messages: Most messages stored; the oldest are evicted first.
        retention_days: Simulated days a message is kept (the API's 45).
    """

    hmac_skew: float = 300.0
    max_body: int = 1 << 20
    initial_credits: int = 1_000_000
    tolerate_put_signed_as_post: bool = True
    max_messages: int = MAX_MESSAGES
    retention_days: float = RETENTION_DAYS


class SandboxApp:
    """Everything behind the HTTP framing: one instance per sandbox server.

    Args:
        registry: The API keys.
        clock: The sandbox clock.
        options: Behaviour switches.
        sink: Receives `(callback_url, payload)` for each webhook.
    """

    def __init__(
        self,
        registry: AccountRegistry,
        clock: SandboxClock,
        options: SandboxOptions,
        sink: Sink | None = None,
    ) -> None:
        self.registry = registry
        self.clock = clock
        self.options = options
        retention = Retention(options.max_messages, options.retention_days)
        self.store = Store(clock, options.initial_credits, sink, retention)
        self.auth = Authenticator(
            registry, clock.wall, options.hmac_skew, options.tolerate_put_signed_as_post
        )
        self.faults = FaultPlan()
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._log: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
        self._stats = dict.fromkeys(_STATS, 0)

    def arrive(self, request: ApiRequest) -> Fault | None:
        """Count an API request (an attempt) and return the fault to apply to it, if any."""
        with self._lock:
            self._seen[request.path] = self._seen.get(request.path, 0) + 1
        fault = self.faults.take(request.method, request.path)
        if fault is not None:
            self.bump("faults_applied")
        return fault

    def handle(self, request: ApiRequest) -> tuple[ApiResponse, AuthResult | None]:
        """Route, authenticate and run one API request.

        Returns:
            The response and the authentication result (None when routing failed first).
        """
        found = resolve(request.method, request.path)
        if isinstance(found, ApiResponse):
            return found, None
        endpoint, args = found
        result = self.auth.authenticate(request)
        if result.error is not None or result.account is None:
            self.bump("auth_failures")
            reason = result.error or "not authenticated"
            return auth_failure(reason, result.authenticated), result
        if result.legacy_put:
            self.bump("legacy_put_signatures")
        body: Any = None
        if endpoint.takes_body:
            body, problem = decode_request(request)
            if problem is not None:
                return problem, result
        return endpoint.handler(self.store, result.account, body, args), result

    def record(
        self,
        request: ApiRequest,
        result: AuthResult | None,
        status: int | None,
        fault: Fault | None,
    ) -> None:
        """Append a request record (Authorization left out) to the log."""
        entry = {
            "method": request.method,
            "path": request.path,
            "target": request.target,
            "account": result.account if result else None,
            "auth_scheme": result.scheme if result else claimed_scheme(request.headers),
            "headers": {k: v for k, v in request.raw_headers if k.lower() != "authorization"},
            "status": status,
            "fault": fault.kind if fault else None,
            "body_size": len(request.body),
        }
        with self._lock:
            self._log.append(entry)

    def bump(self, name: str) -> None:
        """Increment a named statistic."""
        with self._lock:
            self._stats[name] = self._stats.get(name, 0) + 1

    def requests_seen(self, path_prefix: str | None = None) -> int:
        """Count API requests received (every attempt, faulted ones included).

        Args:
            path_prefix: Only count paths starting with it (None: all API requests).
        """
        with self._lock:
            return sum(
                n
                for path, n in self._seen.items()
                if path_prefix is None or path.startswith(path_prefix)
            )

    def request_log(self, path_prefix: str | None = None) -> list[dict[str, Any]]:
        """Return copies of the request records (oldest first, at most the last 10,000)."""
        with self._lock:
            return [
                dict(entry, headers=dict(entry["headers"]))
                for entry in self._log
                if path_prefix is None or entry["path"].startswith(path_prefix)
            ]

    def stats(self) -> dict[str, int]:
        """Return counters: requests, legacy PUT signatures, auth failures, faults, state sizes."""
        with self._lock:
            counters = {"requests": sum(self._seen.values()), **self._stats}
        return {**counters, **self.store.summary()}

    def reset(self) -> None:
        """Drop all state, faults, counters and records; keep the accounts."""
        self.store.reset()
        self.faults.clear()
        with self._lock:
            self._seen.clear()
            self._log.clear()
            self._stats = dict.fromkeys(_STATS, 0)
