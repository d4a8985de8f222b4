"""The fault matrix: every call kind x every sandbox fault, the outcome each must have, a runner.

Shared by `tests/reliability/test_faults.py` (which asserts every cell) and
`benchmarks/reliability_table.py` (which runs every cell and prints the README table).
Stdlib and the package's public names only, so both can load it by path.

A cell applies one fault to the first attempt of one call (`count=1`), so that
"retried and succeeded" is observable, or to every attempt (`count=10`, the persistent
rows), so that exhaustion is. The expectations below follow README "Timeouts and retries"
and "Errors": sends are never repeated once they may have reached the server; every other
call is retried on 5xx, read timeouts and resets; 429 is retried for every call; a 2xx whose
body is empty (where JSON is owed), truncated or not JSON is an `UnexpectedResponseError`
or a `TransportError`, never a silent value.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.http.retry import RetryPolicy

MAX_RETRIES = 2
BACKOFF_BASE = 0.01  # tiny, so the matrix stays fast; really slept (see Recorder)
BACKOFF_MAX = 0.05
NORMAL_TIMEOUT = (1.0, 1.0)  # (connect, read) for cells where nothing should time out
SHORT_TIMEOUT = (0.3, 0.4)  # for hang and trickle cells: per-attempt deadline 0.7 s
HANG_SECONDS = 1.5  # longer than SHORT_TIMEOUT's read
TRICKLE_INTERVAL = 0.05  # one byte per 50 ms: every body here would take > 1 s
SLACK = 0.5  # scheduling and sandbox overhead allowed on top of the budget, per cell
REAL_SLEEP_MAX = 0.1  # the recorder really sleeps backoffs up to this; longer waits are recorded

OK = "ok"  # succeeded on the first attempt
RETRIED_OK = "retried-ok"  # failed first, retried, succeeded


def error(name: str) -> str:
    """The outcome word of a call that raised `name` (an exception class name)."""
    return f"error:{name}"


# --------------------------------------------------------------------------- call kinds


@dataclass(frozen=True)
class Endpoint:
    """One API call as the matrix drives it.

    Attributes:
        key: short id (test ids, table lookups).
        column: the README table column it belongs to (DRs and replies may merge).
        method, path: the HTTP request (path with `{id}` for the message id).
        idempotent: whether the SDK may repeat it after it may have been processed.
        owes_body: whether a 2xx must carry JSON (confirm owes none; cancel may send none).
    """

    key: str
    label: str
    column: str
    method: str
    path: str
    idempotent: bool
    owes_body: bool


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("send", "send", "send", "POST", "/v1/messages", False, True),
    Endpoint("status", "status", "status", "GET", "/v1/messages/{id}", True, True),
    Endpoint("cancel", "cancel", "cancel", "PUT", "/v1/messages/{id}", True, False),
    Endpoint("credits", "credits", "credits", "GET", "/v1/messaging/credits", True, True),
    Endpoint("check_drs", "check DRs", "check", "GET", "/v1/delivery_reports", True, True),
    Endpoint("check_replies", "check replies", "check", "GET", "/v1/replies", True, True),
    Endpoint(
        "confirm_drs", "confirm DRs", "confirm", "POST", "/v1/delivery_reports/confirmed",
        True, False,
    ),
    Endpoint(
        "confirm_replies", "confirm replies", "confirm", "POST", "/v1/replies/confirmed",
        True, False,
    ),
)  # fmt: skip
ENDPOINT = {e.key: e for e in ENDPOINTS}

# --------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    """One row of the matrix: a sandbox fault kind with its options and repeat count.

    Attributes:
        key: short id.
        label: the README row label.
        kind, opts: passed to `SandboxServer.fail_next`.
        count: how many consecutive attempts it hits (1: the first only).
        slow: whether the cell runs with SHORT_TIMEOUT (hang, trickle).
    """

    key: str
    label: str
    kind: str
    opts: dict[str, Any] = field(default_factory=dict)
    count: int = 1
    slow: bool = False

    @property
    def timeout(self) -> tuple[float, float]:
        return SHORT_TIMEOUT if self.slow else NORMAL_TIMEOUT


PERSISTENT = 10  # more than MAX_RETRIES + 1 attempts: every attempt fails

FAULTS: tuple[Fault, ...] = (
    Fault("500", "HTTP 500", "status", {"status": 500}),
    Fault("502", "HTTP 502", "status", {"status": 502}),
    Fault("503", "HTTP 503", "status", {"status": 503}),
    Fault("429", "HTTP 429, no `Retry-After`", "status", {"status": 429}),
    Fault("429_ra", "HTTP 429, `Retry-After: 1`", "status", {"status": 429, "retry_after": 1}),
    Fault("reset_before", "reset before the response (not processed)", "reset_before"),
    Fault("reset_after", "reset after processing", "reset_after"),
    Fault("hang", "no answer past the read timeout", "hang", {"seconds": HANG_SECONDS},
          slow=True),
    Fault("truncate", "truncated body (processed)", "truncate"),
    Fault("malformed_json", "malformed JSON, 2xx (processed)", "malformed_json"),
    Fault("html_502", "HTML error page, 502 (proxy)", "html", {"status": 502}),
    Fault("html_200", "HTML page, 200 (proxy)", "html", {"status": 200}),
    Fault("empty", "empty body, 2xx (processed)", "empty"),
    Fault("trickle", "body trickled 1 byte / 50 ms (processed)", "trickle",
          {"interval": TRICKLE_INTERVAL}, slow=True),
    Fault("503_x", "HTTP 503 on every attempt", "status", {"status": 503}, count=PERSISTENT),
    Fault("429_ra_x", "HTTP 429 + `Retry-After: 1` on every attempt", "status",
          {"status": 429, "retry_after": 1}, count=PERSISTENT),
    Fault("reset_before_x", "reset before the response, every attempt", "reset_before",
          count=PERSISTENT),
    Fault("hang_x", "no answer past the read timeout, every attempt", "hang",
          {"seconds": HANG_SECONDS}, count=PERSISTENT, slow=True),
)  # fmt: skip
FAULT = {f.key: f for f in FAULTS}

# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expect:
    """The outcome one cell must have.

    Attributes:
        outcome: OK, RETRIED_OK or error("ClassName").
        attempts: requests the sandbox must see.
        maybe_sent: the error's `maybe_sent` (None for successes).
        stored: messages the sandbox must hold afterwards (sends only; None otherwise).
        waits: the `Retry-After` waits that must be requested, in order; None means
            "backoffs": one jittered backoff per retry.
        why: the reason, where the expectation is not obvious from the README's rules.
        checks: requests among `attempts` that are follow-up checks, not retries (no
            backoff precedes them).
    """

    outcome: str
    attempts: int
    maybe_sent: bool | None = None
    stored: int | None = None
    waits: tuple[float, ...] | None = None
    why: str = ""
    checks: int = 0


def _row(default: Expect, **cells: Expect) -> dict[str, Expect]:
    """One fault's expectations: `default` for every endpoint not named in `cells`."""
    unknown = set(cells) - set(ENDPOINT)
    assert not unknown, unknown
    return {e.key: cells.get(e.key, default) for e in ENDPOINTS}


_RETRIED = Expect(RETRIED_OK, 2)
_RETRIED_AFTER_1S = Expect(RETRIED_OK, 2, waits=(1.0,))
_OK_FIRST = Expect(OK, 1)
_CANCEL_RETRIED_AFTER_PROCESSING = Expect(
    RETRIED_OK,
    3,
    why=(
        "the first attempt cancelled the message but its answer was lost; the retry gets "
        "400 (no longer scheduled), so the SDK checks the status (the third request seen) "
        "and, finding it cancelled, reports success instead of a false failure"
    ),
    checks=1,
)
_BAD_BODY = Expect(error("UnexpectedResponseError"), 1, maybe_sent=False)


def _send_error(name: str, stored: int) -> Expect:
    """A send that fails on its only attempt and says it may have been sent."""
    return Expect(error(name), 1, maybe_sent=True, stored=stored)


def _exhausted(name: str, *, waits: tuple[float, ...] | None = None) -> Expect:
    """An idempotent call (or any 429) that failed on all MAX_RETRIES + 1 attempts."""
    return Expect(error(name), MAX_RETRIES + 1, maybe_sent=False, waits=waits)


EXPECTED: dict[str, dict[str, Expect]] = {
    # 5xx: the API did not process it. Sends are not repeated (the SDK cannot know that).
    "500": _row(_RETRIED, send=_send_error("ServerError", stored=0)),
    "502": _row(_RETRIED, send=_send_error("ServerError", stored=0)),
    "503": _row(_RETRIED, send=_send_error("ServerError", stored=0)),
    # 429: refused without processing, retried for every call, sends included.
    "429": _row(_RETRIED, send=Expect(RETRIED_OK, 2, stored=1)),
    "429_ra": _row(_RETRIED_AFTER_1S, send=Expect(RETRIED_OK, 2, stored=1, waits=(1.0,))),
    "reset_before": _row(_RETRIED, send=_send_error("APIConnectionError", stored=0)),
    # Processed, then the answer is lost. A retried cancel must still report success:
    # the earlier attempt cancelled the message (the API then says "not scheduled").
    "reset_after": _row(
        _RETRIED,
        send=_send_error("APIConnectionError", stored=1),
        cancel=_CANCEL_RETRIED_AFTER_PROCESSING,
    ),
    "hang": _row(_RETRIED, send=_send_error("APITimeoutError", stored=0)),
    # Content-Length announced, half the body sent: the connection broke mid-response.
    # confirm answers 202 with no body, so there half the status line is cut instead.
    "truncate": _row(
        _RETRIED,
        send=_send_error("APIConnectionError", stored=1),
        cancel=_CANCEL_RETRIED_AFTER_PROCESSING,
    ),
    # A 2xx the SDK cannot read: an error (not retried), never a silent str/None.
    # confirm owes no body, but a non-empty one that is not JSON is still refused.
    "malformed_json": _row(_BAD_BODY, send=_send_error("UnexpectedResponseError", stored=1)),
    "html_502": _row(_RETRIED, send=_send_error("ServerError", stored=0)),
    "html_200": _row(_BAD_BODY, send=_send_error("UnexpectedResponseError", stored=0)),
    # Empty is legitimate where no JSON is owed: cancel may answer with none, confirm does.
    "empty": _row(
        _BAD_BODY,
        send=_send_error("UnexpectedResponseError", stored=1),
        cancel=_OK_FIRST,
        confirm_drs=_OK_FIRST,
        confirm_replies=_OK_FIRST,
    ),
    # Past connect + read, the attempt is cut even though bytes keep arriving. confirm's
    # 202 has no body to trickle, so it completes on the first attempt.
    "trickle": _row(
        _RETRIED,
        send=_send_error("APITimeoutError", stored=1),
        cancel=_CANCEL_RETRIED_AFTER_PROCESSING,
        confirm_drs=_OK_FIRST,
        confirm_replies=_OK_FIRST,
    ),
    "503_x": _row(_exhausted("ServerError"), send=_send_error("ServerError", stored=0)),
    "429_ra_x": _row(
        _exhausted("RateLimitError", waits=(1.0, 1.0)),
        send=Expect(error("RateLimitError"), 3, maybe_sent=False, stored=0, waits=(1.0, 1.0)),
    ),
    "reset_before_x": _row(
        _exhausted("APIConnectionError"), send=_send_error("APIConnectionError", stored=0)
    ),
    "hang_x": _row(_exhausted("APITimeoutError"), send=_send_error("APITimeoutError", stored=0)),
}
assert set(EXPECTED) == set(FAULT), set(EXPECTED) ^ set(FAULT)

CELLS: tuple[tuple[Fault, Endpoint], ...] = tuple((f, e) for f in FAULTS for e in ENDPOINTS)


def budget(fault: Fault, expect: Expect, slept: float) -> float:
    """Upper bound of a cell's wall time: attempts x (connect + read) + waits slept + slack."""
    connect, read = fault.timeout
    return expect.attempts * (connect + read) + slept + SLACK


# --------------------------------------------------------------------------- runner


class Recorder:
    """`sleep=` for the client: records every wait; sleeps the tiny backoffs only."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.slept = 0.0

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if seconds <= REAL_SLEEP_MAX:
            time.sleep(seconds)
            self.slept += seconds


@dataclass
class Measured:
    """What one cell did.

    Attributes:
        outcome: OK, RETRIED_OK or error("ClassName").
        attempts: requests the sandbox saw during the call.
        maybe_sent: the error's `maybe_sent`, None on success.
        stored: messages the sandbox holds afterwards (sends), else None.
        effect: whether the call's effect is what its outcome claims (see `_effect`).
        waits: every wait the client asked for.
        slept: seconds of those waits really slept.
        elapsed: wall time of the call.
        result: the call's return value; exc: the exception raised, if any.
    """

    outcome: str
    attempts: int
    maybe_sent: bool | None
    stored: int | None
    effect: bool
    waits: list[float]
    slept: float
    elapsed: float
    result: Any = None
    exc: BaseException | None = None


def new_sandbox() -> SandboxServer:
    """A started sandbox (the caller stops it)."""
    return SandboxServer().start()


def _client(sb: SandboxServer, **settings: Any) -> MessageMediaMessagesClient:
    return MessageMediaMessagesClient(sb.api_key, sb.api_secret, True, base_uri=sb.url, **settings)


def _future_utc(days: int = 1) -> str:
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _setup(sb: SandboxServer, endpoint: Endpoint) -> dict[str, Any]:
    """Put in the sandbox what the call needs; returns the call's arguments and checks."""
    if endpoint.key == "send":
        return {}
    with _client(sb) as client:
        scheduled = endpoint.key == "cancel"
        message = {"content": "fault matrix", "destination_number": "+61491570156",
                   "delivery_report": True}  # fmt: skip
        if scheduled:
            message["scheduled"] = _future_utc()
        sent = client.messages.send_messages({"messages": [message]})
        message_id = str(sent.messages[0].message_id)
        if endpoint.key in ("check_drs", "confirm_drs"):
            sb.advance(to_final=True)
            reports = client.delivery_reports.check_delivery_reports().delivery_reports or []
            return {"id": message_id, "ids": [str(r.delivery_report_id) for r in reports]}
        if endpoint.key in ("check_replies", "confirm_replies"):
            reply = sb.inject_reply(message_id, "fault matrix reply")
            return {"id": message_id, "ids": [str(reply["reply_id"])]}
        return {"id": message_id}


def _call(client: MessageMediaMessagesClient, endpoint: Endpoint, args: dict[str, Any]) -> Any:
    key = endpoint.key
    if key == "send":
        body = {
            "messages": [{"content": "fault matrix send", "destination_number": "+61491570157"}]
        }
        return client.messages.send_messages(body)
    if key == "status":
        return client.messages.get_message_status(args["id"])
    if key == "cancel":
        return client.messages.cancel_scheduled_message(args["id"], {"status": "cancelled"})
    if key == "credits":
        return client.messages.check_credits_remaining()
    if key == "check_drs":
        return client.delivery_reports.check_delivery_reports()
    if key == "check_replies":
        return client.replies.check_replies()
    if key == "confirm_drs":
        return client.delivery_reports.confirm_delivery_reports_as_received(
            {"delivery_report_ids": args["ids"]}
        )
    assert key == "confirm_replies", key
    return client.replies.confirm_replies_as_received({"reply_ids": args["ids"]})


def _effect(sb: SandboxServer, endpoint: Endpoint, args: dict[str, Any], result: Any,
            succeeded: bool) -> bool:  # fmt: skip
    """Whether the sandbox's state and the result agree with the call's outcome.

    On success: the result is the right one and the call's effect happened. On an error
    that says nothing was sent (`maybe_sent` False, idempotent calls), nothing is checked
    beyond the result: a retried idempotent call may legitimately have had its effect.
    """
    if not succeeded:
        return True
    key = endpoint.key
    stats = sb.stats()
    checks: dict[str, Callable[[], bool]] = {
        "send": lambda: len(result.messages) == 1 and bool(result.messages[0].message_id),
        "status": lambda: str(result.message_id) == args["id"],
        "cancel": lambda: _status_of(sb, args["id"]) == "cancelled",
        "credits": lambda: isinstance(result.get("remaining_credits"), int),
        "check_drs": lambda: len(result.delivery_reports or []) == len(args["ids"]) > 0,
        "check_replies": lambda: len(result.replies or []) == len(args["ids"]) > 0,
        "confirm_drs": lambda: result == "" and stats["unconfirmed_delivery_reports"] == 0,
        "confirm_replies": lambda: result == "" and stats["unconfirmed_replies"] == 0,
    }
    return checks[key]()


def _status_of(sb: SandboxServer, message_id: str) -> str | None:
    found = [m["status"] for m in sb.messages() if m["message_id"] == message_id]
    return found[0] if found else None


def run_cell(
    sb: SandboxServer,
    fault: Fault,
    endpoint: Endpoint,
    make: Callable[..., Any] | None = None,
) -> Measured:
    """Run one cell against `sb` (reset first) and measure what happened.

    `make(sb, **settings)` builds the client under test (default: the sync client, HMAC);
    the async client's test passes one that builds it behind a sync facade.
    """
    sb.reset()
    args = _setup(sb, endpoint)
    path = endpoint.path.replace("{id}", args.get("id", ""))
    stored_before = len(sb.messages())
    sb.fail_next(fault.kind, fault.count, path=path, method=endpoint.method, **fault.opts)
    recorder = Recorder()
    policy = RetryPolicy(max_retries=MAX_RETRIES, backoff_base=BACKOFF_BASE,
                         backoff_max=BACKOFF_MAX)  # fmt: skip
    client = (make or _client)(sb, timeout=fault.timeout, max_retries=MAX_RETRIES,
                               retry_policy=policy, sleep=recorder)  # fmt: skip
    seen_before = sb.requests_seen()
    result: Any = None
    exc: BaseException | None = None
    started = time.monotonic()
    try:
        result = _call(client, endpoint, args)
    except Exception as caught:  # every outcome is data here; the test judges it
        exc = caught
    elapsed = time.monotonic() - started
    client.close()
    attempts = sb.requests_seen() - seen_before
    return Measured(
        outcome=_outcome(exc, attempts),
        attempts=attempts,
        maybe_sent=None if exc is None else bool(getattr(exc, "maybe_sent", None)),
        stored=len(sb.messages()) - stored_before if endpoint.key == "send" else None,
        effect=_effect(sb, endpoint, args, result, exc is None),
        waits=list(recorder.waits),
        slept=recorder.slept,
        elapsed=elapsed,
        result=result,
        exc=exc,
    )


def _outcome(exc: BaseException | None, attempts: int) -> str:
    if exc is not None:
        return error(public_name(exc))
    return OK if attempts == 1 else RETRIED_OK


def public_name(exc: BaseException) -> str:
    """The documented class name of an SDK error (the transport's requests-compatible
    subclasses are named as their public parent, e.g. `APITimeoutError`)."""
    for cls in type(exc).__mro__:
        if not cls.__name__.startswith("_") and cls.__module__.startswith("message_media_messages"):
            return cls.__name__
    return type(exc).__name__
