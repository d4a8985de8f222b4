"""The sync fault matrix run against the async client: every cell's outcome equals the sync one's.

Each cell runs twice on one sandbox, once per client, with the same fault, timeouts, retry
policy and sleep recorder; what the caller can observe must be the same: the outcome, the
attempts the sandbox saw, `maybe_sent`, the messages stored, the call's effect, and the
waits asked for (exactly where `Retry-After` sets them, one per retry otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from async_bridge import bridged_client
from test_faults import _assert_error_fields, _assert_waits, fm

from message_media_messages import SandboxServer


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    sb = fm.new_sandbox()
    try:
        yield sb
    finally:
        sb.stop()


def _async_client(sb: SandboxServer, **settings: Any) -> Any:
    return bridged_client(sb.api_key, sb.api_secret, True, base_uri=sb.url, **settings)


def observed(got: Any) -> dict[str, Any]:
    """What a caller of either client can tell about one cell (jittered waits by count)."""
    return {
        "outcome": got.outcome,
        "attempts": got.attempts,
        "maybe_sent": got.maybe_sent,
        "stored": got.stored,
        "effect": got.effect,
        "waits": len(got.waits),
    }


@pytest.mark.parametrize(
    ("fault", "endpoint"), fm.CELLS, ids=[f"{f.key}-{e.key}" for f, e in fm.CELLS]
)
def test_async_cell_equals_the_sync_cell(sandbox: SandboxServer, fault: Any, endpoint: Any) -> None:
    sync = fm.run_cell(sandbox, fault, endpoint)
    got = fm.run_cell(sandbox, fault, endpoint, make=_async_client)
    detail = f"async: {got.exc!r} / sync: {sync.exc!r}"
    assert observed(got) == observed(sync), detail
    expect = fm.EXPECTED[fault.key][endpoint.key]
    assert got.outcome == expect.outcome, detail  # and both are what the matrix requires
    _assert_waits(expect, got)
    limit = fm.budget(fault, expect, got.slept)
    assert got.elapsed <= limit, f"{got.elapsed:.2f}s > {limit:.2f}s budget"
    _assert_error_fields(expect, got)
    if got.exc is not None:  # the same public class, and the async one is no requests error
        assert fm.public_name(got.exc) == fm.public_name(sync.exc)
        assert not type(got.exc).__module__.startswith("requests")
