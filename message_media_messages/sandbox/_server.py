"""SandboxServer: the emulator's public face (start/stop, accounts, clock, faults, inspection)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

from ._accounts import DEFAULT_API_KEY, DEFAULT_API_SECRET, AccountRegistry
from ._app import SandboxApp, SandboxOptions
from ._clock import SandboxClock
from ._faults import make_fault
from ._handler import SandboxHTTPServer
from ._rules import validate_content
from ._signing import SigningKey, load_signing_key
from ._webhooks import WebhookDispatcher

__all__ = ["SandboxServer"]

logger = logging.getLogger("message_media_messages.sandbox")


class SandboxServer:
    """A local emulator of the MessageMedia Messages API over real HTTP.

    Use it as a context manager (or `start()` / `stop()`); it serves from daemon threads.

    Args:
        host: Interface to bind (loopback by default).
        port: Port to bind; 0 picks a free one (see `url`).
        accounts: API key -> secret; None means `{DEFAULT_API_KEY: DEFAULT_API_SECRET}`.
        realtime: Step the lifecycle from a background thread; else only `advance` moves it.
        speed: Realtime pace multiplier: one step per `step_seconds / speed` real seconds,
            and (when > 1) simulated time runs `speed` times faster than the wall clock.
        step_seconds: Simulated seconds per realtime lifecycle step.
        hmac_skew: Largest accepted HMAC `Date` drift from the wall clock, in seconds.
        max_body: Largest request body in bytes; larger ones get 400, not 413 (the API's
            documented codes have no 413).
        initial_credits: Credits each account starts with (one per accepted message).
        allow_non_loopback_callbacks: Let webhooks go to hosts other than loopback.
        webhook_signing_key: RSA key to sign webhooks with: a `cryptography`
            `RSAPrivateKey`, or its PEM as `str` or `bytes` (needs the `webhooks` extra).
        clock: Wall clock in epoch seconds (`time.time` when None), for deterministic tests.
        tolerate_put_signed_as_post: Accept a cancel PUT whose HMAC signs `POST`, as the
            official SDK 2.1.3 sends it, mimicking the real API's apparent tolerance; each
            one is counted in `stats()["legacy_put_signatures"]`.
        max_messages: Most messages kept; beyond it the oldest is evicted (its status
            lookup then answers 404, its unconfirmed DRs and replies are dropped).
        retention_days: Simulated days a message is kept before it is evicted likewise.

    Raises:
        ValueError: A setting out of range (`max_messages` >= 1, `retention_days` > 0), or
            a signing key PEM that does not load.
        TypeError: `webhook_signing_key` is of another type.
        ImportError: A signing key without `cryptography` (the `webhooks` extra) installed.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        accounts: Mapping[str, str] | None = None,
        realtime: bool = False,
        speed: float = 1.0,
        step_seconds: float = 1.0,
        hmac_skew: float = 300.0,
        max_body: int = 1 << 20,
        initial_credits: int = 1_000_000,
        allow_non_loopback_callbacks: bool = False,
        webhook_signing_key: SigningKey | None = None,
        clock: Callable[[], float] | None = None,
        tolerate_put_signed_as_post: bool = True,
        max_messages: int = 1_000_000,
        retention_days: float = 45.0,
    ) -> None:
        if speed <= 0 or step_seconds <= 0 or hmac_skew < 0 or max_body < 1 or initial_credits < 0:
            raise ValueError(
                "need speed > 0, step_seconds > 0, hmac_skew >= 0, max_body >= 1 "
                "and initial_credits >= 0"
            )
        self.host, self._port = host, port
        self.realtime, self.speed, self.step_seconds = realtime, speed, step_seconds
        self.allow_non_loopback_callbacks = allow_non_loopback_callbacks
        if webhook_signing_key is not None:  # a wrong type or bad PEM fails here, not in start()
            webhook_signing_key = load_signing_key(webhook_signing_key)
        self.webhook_signing_key = webhook_signing_key
        self.registry = AccountRegistry()
        for key, secret in (accounts or {DEFAULT_API_KEY: DEFAULT_API_SECRET}).items():
            self.registry.add(key, secret)
        self.clock = SandboxClock(clock)
        options = SandboxOptions(hmac_skew, max_body, initial_credits, tolerate_put_signed_as_post,
                                 max_messages, retention_days)  # fmt: skip
        self.app = SandboxApp(self.registry, self.clock, options, sink=self._post_webhook)
        self._httpd: SandboxHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._dispatcher: WebhookDispatcher | None = None

    # ------------------------------------------------------------------ running

    def start(self) -> SandboxServer:
        """Bind and serve in daemon threads (plus the realtime ticker if enabled).

        Returns:
            self.

        Raises:
            RuntimeError: Already started.
            OSError: The address cannot be bound.
        """
        if self._httpd is not None:
            raise RuntimeError("the sandbox is already running")
        httpd = SandboxHTTPServer((self.host, self._port), self.app)
        self._dispatcher = WebhookDispatcher(
            allow_non_loopback=self.allow_non_loopback_callbacks,
            signing_key=self.webhook_signing_key,
        )
        self._httpd = httpd
        serve = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sandbox-http",
            daemon=True,
        )
        self._threads = [serve]
        if self.realtime:
            ticker = threading.Thread(
                target=self._tick, args=(httpd.stopping,), name="sandbox-clock", daemon=True
            )
            self._threads.append(ticker)
        for thread in self._threads:
            thread.start()
        logger.debug("sandbox listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, stop the ticker and the webhook dispatcher."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5.0)
        self._threads = []
        if self._dispatcher is not None:
            self._dispatcher.close(timeout=5.0)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _tick(self, stopping: threading.Event) -> None:
        """Realtime mode: one lifecycle step per interval until the server stops."""
        interval = self.step_seconds / self.speed
        extra = max(0.0, self.step_seconds - interval)  # simulated time runs `speed` x faster
        while not stopping.wait(interval):
            try:
                self.app.store.advance(steps=1, seconds=extra)
            except Exception:
                logger.exception("sandbox realtime step failed")

    def _post_webhook(self, url: str, payload: dict[str, Any]) -> None:
        dispatcher = self._dispatcher
        if dispatcher is None:
            logger.debug("sandbox not started: webhook to %s dropped", url)
            return
        dispatcher.post(url, payload)

    # ------------------------------------------------------------------ properties

    @property
    def url(self) -> str:
        """The base URL; RuntimeError if the sandbox is not running.

        For example `http://127.0.0.1:50123` (loopback when bound to a wildcard).
        """
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running; call start() or use `with`")
        host, port = self._httpd.server_name, self._httpd.server_port
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # wildcards
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the listening socket is bound to, e.g. `("0.0.0.0", 50123)`.

        Raises:
            RuntimeError: Not started.
        """
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running; call start() or use `with`")
        return self._httpd.server_name, self._httpd.server_port

    @property
    def port(self) -> int:
        """The bound port (the requested one before `start`)."""
        return self._httpd.server_port if self._httpd else self._port

    @property
    def api_key(self) -> str:
        """The first configured API key."""
        return self.registry.first().key

    @property
    def api_secret(self) -> str:
        """The secret of the first configured API key."""
        return self.registry.first().secret

    @property
    def webhooks(self) -> WebhookDispatcher | None:
        """The webhook dispatcher (`deliveries`, `wait_idle`); None before the first start.

        After `stop` it is closed, but its `deliveries` can still be read.
        """
        return self._dispatcher

    # ------------------------------------------------------------------ control

    def add_account(self, key: str, secret: str, sub_accounts: Iterable[str] = ()) -> None:
        """Add (or replace) an API key; `sub_accounts` may be chosen with `Account`."""
        self.registry.add(key, secret, sub_accounts)

    def advance(
        self, steps: int = 1, to_final: bool = False, seconds: float = 0.0
    ) -> dict[str, Any]:
        """Move the clock by `seconds`, release due scheduled messages, then step.

        Args:
            steps: Lifecycle steps for every moving message (queued -> enroute ->
                submitted -> final); 0 moves only the clock.
            to_final: Step until every moving message is final.
            seconds: Simulated seconds to move the clock first.

        Returns:
            A dict of `released` and `transitions` (counts) and `now` (ISO 8601 text).
        """
        return self.app.store.advance(steps, to_final, seconds)

    def inject_reply(self, message_id: str, content: str) -> dict[str, Any]:
        """Simulate a handset reply to a stored message (webhook posted if it has a callback).

        Raises:
            KeyError: No such message.
            ValueError: `content` is not a 1-5000 character string.
        """
        problems = validate_content(content)
        if problems:
            raise ValueError(problems[0])
        return self.app.store.inject_reply(message_id, content)

    def fail_next(
        self,
        kind: str,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        **opts: Any,
    ) -> None:
        """Queue a fault for the next `count` API requests matching `path`/`method`.

        Kinds: `status` (status=500, retry_after=None), `reset_before`, `reset_after`,
        `hang` (seconds=10.0, process=False), `truncate`, `malformed_json`,
        `html` (status=502), `empty`, `trickle` (interval=0.05).

        Raises:
            ValueError: Unknown kind or option, or a bad value.
        """
        self.app.faults.add(make_fault(kind, count, path, method, **opts))

    def messages(self, account: str | None = None) -> list[dict[str, Any]]:
        """Every stored message (with `message_id`, `status`, `account`), oldest first."""
        return self.app.store.messages(account)

    def requests_seen(self, path_prefix: str | None = None) -> int:
        """API requests received (attempts, faulted ones included), optionally by path prefix."""
        return self.app.requests_seen(path_prefix)

    def request_log(self, path_prefix: str | None = None) -> list[dict[str, Any]]:
        """Request records: method, path, account, auth_scheme, headers (no Authorization)..."""
        return self.app.request_log(path_prefix)

    def stats(self) -> dict[str, int]:
        """Counters, e.g. `requests`, `legacy_put_signatures`, `auth_failures`."""
        return self.app.stats()

    def reset(self) -> None:
        """Drop messages, DRs, replies, faults, counters and the clock offset; keep accounts."""
        self.app.reset()
