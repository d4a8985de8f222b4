"""Every call kind x every sandbox fault: outcome, attempts, maybe_sent, stored sends, elapsed.

The expectations are data in `fault_matrix.py` (shared with `benchmarks/reliability_table.py`,
which prints the README's reliability table from the same cells). One sandbox serves the
whole module; each cell resets it, sets up what its call needs, queues the fault and runs
the call with a fresh client (HMAC, `max_retries=2`, tiny backoffs, small timeouts, and a
`sleep=` recorder so `Retry-After: 1` is asserted, not waited).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.exceptions.api_exception import (
    APIException,
    APITimeoutError,
    MessageMediaError,
    RateLimitError,
    TransportError,
)
from message_media_messages.http.retry import RetryPolicy
from message_media_messages.sandbox._faults import KINDS


def _load_matrix() -> ModuleType:
    path = Path(__file__).with_name("fault_matrix.py")
    spec = importlib.util.spec_from_file_location("fault_matrix", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fault_matrix", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fm = _load_matrix()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    sb = fm.new_sandbox()
    try:
        yield sb
    finally:
        sb.stop()


# --------------------------------------------------------------------------- the matrix


def test_matrix_covers_every_fault_kind_and_every_call() -> None:
    assert {f.kind for f in fm.FAULTS} == set(KINDS)
    assert len(fm.ENDPOINTS) == 8
    for fault in fm.FAULTS:
        row = fm.EXPECTED[fault.key]
        assert set(row) == set(fm.ENDPOINT), fault.key
        send = row["send"]
        assert send.stored is not None and send.stored <= 1, fault.key  # never a double send
        for key, expect in row.items():
            assert (expect.stored is None) == (key != "send"), (fault.key, key)
            assert (expect.maybe_sent is None) == (not expect.outcome.startswith("error:"))
            assert 1 <= expect.attempts <= fm.MAX_RETRIES + 1
    persistent = [f for f in fm.FAULTS if f.count > fm.MAX_RETRIES + 1]
    assert len(persistent) >= 2


@pytest.mark.parametrize(
    ("fault", "endpoint"), fm.CELLS, ids=[f"{f.key}-{e.key}" for f, e in fm.CELLS]
)
def test_fault_cell(sandbox: SandboxServer, fault: Any, endpoint: Any) -> None:
    expect = fm.EXPECTED[fault.key][endpoint.key]
    got = fm.run_cell(sandbox, fault, endpoint)
    detail = f"{got.exc!r}" if got.exc is not None else f"result={got.result!r}"
    if expect.why:
        detail += f"; expected because {expect.why}"

    assert got.outcome == expect.outcome, detail
    assert got.attempts == expect.attempts, detail
    assert got.maybe_sent == expect.maybe_sent, detail
    if expect.stored is not None:
        assert got.stored == expect.stored, detail
        assert got.stored <= 1  # never more than one message per send
    assert got.effect, f"the call's effect does not match its outcome: {detail}"
    _assert_waits(expect, got)
    limit = fm.budget(fault, expect, got.slept)
    assert got.elapsed <= limit, f"{got.elapsed:.2f}s > {limit:.2f}s budget"
    _assert_error_fields(expect, got)


def _assert_waits(expect: Any, got: Any) -> None:
    """Retry-After waits exactly as the server asked; otherwise one jittered backoff per retry."""
    if expect.waits is not None:
        assert got.waits == list(expect.waits)
        return
    assert len(got.waits) == got.attempts - 1 - expect.checks
    for n, wait in enumerate(got.waits):
        step = min(fm.BACKOFF_MAX, fm.BACKOFF_BASE * 2**n)
        assert step / 2 <= wait <= step, (n, wait)


def _assert_error_fields(expect: Any, got: Any) -> None:
    exc = got.exc
    if exc is None:
        return
    assert isinstance(exc, MessageMediaError)
    if isinstance(exc, TransportError):
        assert exc.attempts == got.attempts
    else:
        assert isinstance(exc, APIException)
        assert 200 <= exc.status_code <= 599
    if isinstance(exc, RateLimitError) and expect.waits:
        assert exc.retry_after == expect.waits[-1]
    if exc.maybe_sent:
        assert "maybe_sent" in str(exc)


# --------------------------------------------------------------------------- trickle deadline


def test_trickled_answer_never_holds_a_call_past_its_deadlines(sandbox: SandboxServer) -> None:
    """A server that sends 1 byte per 50 ms never trips a 0.3 s per-read timeout; the
    overall deadline (connect + read per attempt) must still end every attempt."""
    sandbox.reset()
    connect, read = 0.2, 0.3
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url) as c:
        sent = c.messages.send_messages(
            {"messages": [{"content": "trickle", "destination_number": "+61491570156"}]}
        )
        message_id = str(sent.messages[0].message_id)
        c.messages.get_message_status(message_id)
    path = f"/v1/messages/{message_id}"
    body_bytes = len(sandbox_body(sandbox, path))
    trickle_seconds = body_bytes * fm.TRICKLE_INTERVAL
    assert trickle_seconds > 10 * (connect + read)  # a per-read timeout alone would wait it all

    sandbox.fail_next("trickle", 10, path=path, method="GET", interval=fm.TRICKLE_INTERVAL)
    waits: list[float] = []
    policy = RetryPolicy(max_retries=2, backoff_base=0.01, backoff_max=0.05)
    client = MessageMediaMessagesClient(
        sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url,
        timeout=(connect, read), retry_policy=policy, sleep=waits.append,
    )  # fmt: skip
    seen = sandbox.requests_seen(path)
    started = time.monotonic()
    with client, pytest.raises(APITimeoutError) as caught:
        client.messages.get_message_status(message_id)
    elapsed = time.monotonic() - started

    assert caught.value.attempts == 3
    assert sandbox.requests_seen(path) - seen == 3
    assert len(waits) == 2
    assert elapsed <= 3 * (connect + read) + 0.5, elapsed
    assert elapsed >= 3 * read  # each attempt did wait for the trickle, then gave up


def sandbox_body(sandbox: SandboxServer, path: str) -> bytes:
    """The body the sandbox answers to GET `path` (what the trickle fault would drip)."""
    response = requests.get(
        sandbox.url + path, auth=(sandbox.api_key, sandbox.api_secret), timeout=5
    )
    assert response.status_code == 200
    return response.content
