"""send_batch end to end against the sandbox: ledger, chunking, splitting, journal, faults."""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from async_bridge import FLAVOURS

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.batch import BatchProgress
from message_media_messages.exceptions import JournalMismatchError
from message_media_messages.models import Message
from message_media_messages.sandbox import SandboxServer

DEST = "+61491570156"
UNREACHABLE = "+61491570999"  # sandbox magic: the whole send request gets 400
SEND = "/v1/messages"
Rows = list[Any]


def sms(i: int, destination: str = DEST) -> dict[str, Any]:
    """A valid row whose content names its index (maps sandbox messages back to rows)."""
    return {"content": f"row {i}", "destination_number": destination}


def plain(n: int) -> list[dict[str, Any]]:
    return [sms(i) for i in range(n)]


# Invalid rows of several kinds: not a mapping at all, broken fields, invalid models.
INVALID_ROWS: dict[int, Any] = {
    10: "not a message",
    11: 42,
    12: None,
    13: ["content", "destination_number"],
    14: {"content": "no destination"},
    15: {"content": "bad number", "destination_number": "0491570156"},
    16: {"content": "", "destination_number": DEST},
    17: {"content": "x" * 5001, "destination_number": DEST},
    18: {"content": "bad format", "destination_number": DEST, "format": "FAX"},
    19: {"content": "bad flag", "destination_number": DEST, "delivery_report": "yes"},
    20: Message(content=None, destination_number=DEST),
    205: Message(content="model, bad number", destination_number="nope"),
    206: {"content": "bad callback", "destination_number": DEST, "callback_url": "ftp://x"},
}
UNREACHABLE_ROWS = (3, 120, 121, 250, 319)  # spread over the first, second and last chunks
MIXED_SIZE = 320


def mixed_rows() -> tuple[Rows, list[str]]:
    """320 rows: valid dicts, valid Message models, invalid rows, magic-999 rows."""
    rows: Rows = []
    expected: list[str] = []
    for i in range(MIXED_SIZE):
        if i in INVALID_ROWS:
            rows.append(INVALID_ROWS[i])
            expected.append("invalid")
        elif i in UNREACHABLE_ROWS:
            rows.append(sms(i, UNREACHABLE))
            expected.append("rejected")
        elif i % 7 == 0:
            rows.append(Message(content=f"row {i}", destination_number=DEST))
            expected.append("accepted")
        else:
            rows.append(sms(i))
            expected.append("accepted")
    return rows, expected


def split_requests(bad: list[bool]) -> int:
    """Requests a chunk costs when each 400 splits it into halves (bad[i]: row i is 999)."""
    if not any(bad) or len(bad) == 1:
        return 1
    middle = len(bad) // 2
    return 1 + split_requests(bad[:middle]) + split_requests(bad[middle:])


def expected_send_requests(expected: list[str]) -> int:
    sendable = [o == "rejected" for o in expected if o != "invalid"]
    return sum(split_requests(sendable[i : i + 100]) for i in range(0, len(sendable), 100))


def contents(sandbox: SandboxServer) -> Counter[str]:
    return Counter(m["content"] for m in sandbox.messages())


def ledger_shape(result: Any) -> list[tuple[int, str, str | None]]:
    """The run-independent part of a ledger (message ids differ from run to run)."""
    return [(r.index, r.outcome, r.error) for r in result.rows]


def row_fault_injector(rows: Rows, at: int, arm: Callable[[], None]) -> Iterator[Any]:
    """Yield rows; call `arm` just before yielding row `at` (concurrency 1: earlier chunks
    have been sent by then, so a fault armed here hits the chunk that starts at `at`)."""
    for i, row in enumerate(rows):
        if i == at:
            arm()
        yield row


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """Every test here runs for the sync client's send_batch and the async one's (bridged)."""
    return str(request.param)


@pytest.fixture
def closed_port_url() -> str:
    """The URL of a loopback port nobody listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def basic(make_client: Callable[..., MessageMediaMessagesClient]) -> MessageMediaMessagesClient:
    """A Basic-auth client of the sandbox (the auth mode is irrelevant to batching)."""
    return make_client()


# --------------------------------------------------------------------------- the ledger


def test_mixed_input_ledger_in_input_order(client, sandbox):
    rows, expected = mixed_rows()
    result = client.messages.send_batch(rows)

    assert result.counts == dict(Counter(expected))
    assert len(result.rows) == MIXED_SIZE
    assert [r.index for r in result.rows] == list(range(MIXED_SIZE))
    assert [r.outcome for r in result.rows] == expected
    assert [result.rows[i].outcome for i in range(MIXED_SIZE)] == expected  # random access too
    assert result.ok is False
    for row in result.rows:
        if row.outcome == "invalid":
            assert row.error is not None and row.error.startswith(f"messages[{row.index}]")
            assert row.message_id is None
        elif row.outcome == "rejected":
            assert row.message_id is None
            assert "HTTP 400" in row.error and "999" in row.error
            # the API's messages[0] (the row alone in its split request) named as the batch does
            assert f"[messages[{row.index}].destination_number: " in row.error, row.error
        else:
            assert row.outcome == "accepted" and row.error is None and row.message_id


def test_invalid_rows_say_which_rule(basic, sandbox):
    result = basic.messages.send_batch(mixed_rows()[0])
    errors = {i: result.rows[i].error for i in INVALID_ROWS}
    for i in (10, 11, 12, 13):
        assert "must be a Message or a JSON object" in errors[i]
    assert "destination_number" in errors[14] and "required" in errors[14]
    assert "destination_number" in errors[15] and "E.164" in errors[15]
    assert "content" in errors[16] and "content" in errors[17]
    assert "format" in errors[18]
    assert "delivery_report" in errors[19]
    assert "content" in errors[20] and "required" in errors[20]
    assert "destination_number" in errors[205]
    assert "callback_url" in errors[206]


def test_split_rejects_only_the_unreachable_rows_and_sandbox_stores_accepted_once(basic, sandbox):
    rows, expected = mixed_rows()
    result = basic.messages.send_batch(rows)

    rejected = [r.index for r in result.rows if r.outcome == "rejected"]
    assert rejected == list(UNREACHABLE_ROWS)
    accepted = {r.message_id: r.index for r in result.rows if r.outcome == "accepted"}
    assert len(accepted) == expected.count("accepted")  # distinct ids
    stored = sandbox.messages()
    assert len(stored) == len(accepted)
    assert {m["message_id"] for m in stored} == set(accepted)
    for message in stored:
        assert message["content"] == f"row {accepted[message['message_id']]}"
    assert max(contents(sandbox).values()) == 1
    # Each 400 splits its chunk into halves until the bad rows stand alone.
    assert sandbox.requests_seen(SEND) == expected_send_requests(expected)


@pytest.mark.parametrize(("n", "requests"), [(1, 1), (100, 1), (101, 2), (250, 3)])
def test_valid_rows_go_in_chunks_of_at_most_100(basic, sandbox, n, requests):
    result = basic.messages.send_batch(plain(n))
    assert result.counts == {"accepted": n}
    assert result.ok
    assert sandbox.requests_seen(SEND) == requests
    assert [m["content"] for m in sandbox.messages()] == [f"row {i}" for i in range(n)]


def test_concurrency_does_not_change_the_ledger(make_client, sandbox):
    rows, expected = mixed_rows()
    shapes = {}
    for concurrency in (1, 4, 8):
        before = contents(sandbox)
        client = make_client(pool_maxsize=concurrency)
        result = client.messages.send_batch(rows, concurrency=concurrency)
        shapes[concurrency] = ledger_shape(result)
        assert result.counts == dict(Counter(expected))
        added = contents(sandbox) - before
        accepted = [f"row {r.index}" for r in result.rows if r.outcome == "accepted"]
        assert added == Counter(accepted)
        assert {m["message_id"] for m in sandbox.messages()} >= {
            r.message_id for r in result.rows if r.outcome == "accepted"
        }
    assert shapes[1] == shapes[4] == shapes[8]
    assert [outcome for _, outcome, _ in shapes[1]] == expected


def test_a_generator_of_10000_rows_is_streamed(make_client, sandbox):
    client = make_client(pool_maxsize=4)
    seen_when_half_read: list[int] = []

    def rows() -> Iterator[dict[str, Any]]:
        for i in range(10_000):
            if i == 5_000:
                seen_when_half_read.append(sandbox.requests_seen(SEND))
            yield sms(i)

    result = client.messages.send_batch(rows(), concurrency=4)

    assert result.counts == {"accepted": 10_000}
    assert len(result.rows) == 10_000
    assert result.rows[-1].index == 9_999 and result.rows[-1].outcome == "accepted"
    assert sandbox.requests_seen(SEND) == 100
    # Sending started long before the input was exhausted (at most 4 chunks in flight).
    assert seen_when_half_read[0] >= 45
    stored = contents(sandbox)
    assert len(stored) == 10_000 and max(stored.values()) == 1


# --------------------------------------------------------------------------- dry run

SEGMENT_CASES = [
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("ж" * 70, "UCS-2", 1),
    ("ж" * 71, "UCS-2", 2),
    ("€" * 80, "GSM-7", 1),  # extension characters take two septets: 160
    ("€" * 81, "GSM-7", 2),
]


def test_dry_run_sends_nothing_and_measures_each_row(basic, sandbox):
    rows: Rows = [{"content": text, "destination_number": DEST} for text, _, _ in SEGMENT_CASES]
    rows.append({"content": "no destination"})
    rows.append(Message(content="a" * 306, destination_number=DEST))  # 2 x 153

    result = basic.messages.send_batch(rows, dry_run=True)

    assert sandbox.requests_seen() == 0
    assert sandbox.messages() == []
    assert result.dry_run is True
    assert result.counts == {"valid": len(SEGMENT_CASES) + 1, "invalid": 1}
    for row, (_, encoding, segments) in zip(
        result.rows[: len(SEGMENT_CASES)], SEGMENT_CASES, strict=True
    ):
        assert (row.outcome, row.encoding, row.segments) == ("valid", encoding, segments)
        assert row.message_id is None
    invalid = result.rows[len(SEGMENT_CASES)]
    assert invalid.outcome == "invalid" and "destination_number" in invalid.error
    assert (invalid.encoding, invalid.segments) == (None, None)
    assert (result.rows[-1].encoding, result.rows[-1].segments) == ("GSM-7", 2)
    assert result.total_segments == sum(s for _, _, s in SEGMENT_CASES) + 2


def test_dry_run_progress_ends_at_the_input_length(basic, sandbox):
    for n in (10, 2_500):
        progress: list[BatchProgress] = []
        result = basic.messages.send_batch(plain(n), dry_run=True, on_progress=progress.append)
        assert result.counts["valid"] == n
        done = [p.rows_done for p in progress]
        assert done == sorted(done)
        assert done and done[-1] == n, f"dry run of {n} rows reported {done}"
    assert sandbox.requests_seen() == 0


# --------------------------------------------------------------------------- journal


def test_journal_resume_sends_nothing_twice(basic, sandbox, tmp_path):
    journal = str(tmp_path / "batch.db")
    bad = (5, 130, 240)
    rows = [sms(i, UNREACHABLE if i in bad else DEST) for i in range(250)]

    first = basic.messages.send_batch(rows, journal=journal)
    assert first.counts == {"accepted": 247, "rejected": 3}
    ids = {r.index: r.message_id for r in first.rows if r.outcome == "accepted"}
    first.close()  # a result holds its journal until closed
    stored = contents(sandbox)
    requests = sandbox.requests_seen(SEND)

    progress: list[BatchProgress] = []
    second = basic.messages.send_batch(rows, journal=journal, on_progress=progress.append)

    # Accepted rows are skipped; the 3 rejected rows (a 400 means nothing was sent) are
    # tried again: one chunk of 3, split by its 400 into 1 + 2, the 2 into 1 + 1.
    assert sandbox.requests_seen(SEND) - requests == split_requests([True] * 3) == 5
    assert contents(sandbox) == stored
    assert max(stored.values()) == 1 and len(stored) == 247
    assert second.counts == {"accepted": 247, "rejected": 3}
    assert {r.index: r.message_id for r in second.rows if r.outcome == "accepted"} == ids
    assert [r.index for r in second.rows if r.outcome == "rejected"] == list(bad)
    assert progress[-1].rows_done == 250 and progress[-1].counts == second.counts


def test_journal_of_a_finished_batch_sends_nothing_again(basic, sandbox, tmp_path):
    journal = str(tmp_path / "batch.db")
    first = basic.messages.send_batch(plain(150), journal=journal)
    ids = [r.message_id for r in first.rows]
    first.close()
    requests = sandbox.requests_seen(SEND)

    again = basic.messages.send_batch(iter(plain(150)), journal=journal, concurrency=4)

    assert sandbox.requests_seen(SEND) == requests
    assert again.counts == {"accepted": 150}
    assert [r.message_id for r in again.rows] == ids
    assert len(sandbox.messages()) == 150


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(lambda rows: [sms(1000), *rows[1:]], id="first-row-differs"),
        pytest.param(lambda rows: [*rows[:-1], sms(1000)], id="last-row-differs"),
        pytest.param(lambda rows: rows[:100], id="shorter"),
        pytest.param(lambda rows: [{"x": 1}, *rows[1:]], id="invalid-row-now"),
    ],
)
def test_a_different_input_against_a_journal_raises_and_sends_nothing(
    basic, sandbox, tmp_path, other
):
    journal = str(tmp_path / "batch.db")
    rows = plain(150)
    basic.messages.send_batch(rows, journal=journal)
    requests, stored = sandbox.requests_seen(SEND), contents(sandbox)

    with pytest.raises(JournalMismatchError):
        basic.messages.send_batch(other(rows), journal=journal)

    assert sandbox.requests_seen(SEND) == requests
    assert contents(sandbox) == stored


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(lambda rows: [*rows[:200], sms(1000), *rows[201:]], id="row-200-differs"),
        pytest.param(lambda rows: rows[:150], id="shorter"),
    ],
)
def test_a_different_input_sends_nothing_even_when_the_journal_has_unsent_rows(
    make_client, sandbox, tmp_path, closed_port_url, other
):
    # A first run that could not connect: every row is journaled, `rejected` ("not sent").
    journal = str(tmp_path / "batch.db")
    rows = plain(250)
    offline = make_client(base_uri=closed_port_url)
    first = offline.messages.send_batch(rows, journal=journal)
    assert first.counts == {"rejected": 250}
    first.close()

    changed = other(rows)
    with pytest.raises(JournalMismatchError):
        make_client().messages.send_batch(changed, journal=journal)

    # JournalMismatchError promises "nothing of this input was sent".
    assert sandbox.requests_seen(SEND) == 0
    assert sandbox.messages() == []


class InputBroke(Exception):
    """Raised by an input iterator part way through."""


class SlowFourthRequest:
    """An `http_call_back` that holds the 4th request back 0.3 s before it is sent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    def on_before_request(self, request: Any) -> None:
        with self.lock:
            self.count += 1
            mine = self.count
        if mine == 4:
            time.sleep(0.3)

    def on_after_response(self, context: Any) -> None:
        pass


def test_an_exception_from_the_input_keeps_acknowledged_rows_accepted(
    make_client, sandbox, tmp_path
):
    journal = str(tmp_path / "batch.db")
    client = make_client(pool_maxsize=4, http_call_back=SlowFourthRequest())
    rows = plain(1000)

    def breaks_at_450() -> Iterator[dict[str, Any]]:
        yield from rows[:450]
        raise InputBroke  # the 4th request is still in flight (held back 0.3 s)

    with pytest.raises(InputBroke):
        client.messages.send_batch(breaks_at_450(), journal=journal, concurrency=4)
    # send_batch waited for the 4 requests in flight: all were answered 202.
    assert contents(sandbox) == Counter(f"row {i}" for i in range(400))

    resumed = client.messages.send_batch(rows, journal=journal, concurrency=4)

    assert contents(sandbox) == Counter(f"row {i}" for i in range(1000))
    # Rows whose 202 answer arrived are `accepted`, not `unknown`: an exception is not a kill.
    assert resumed.counts == {"accepted": 1000}


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("kind", "stored"),
    [
        pytest.param("reset_after", True, id="reset_after"),  # processed, answer lost
        pytest.param("reset_before", False, id="reset_before"),  # dropped unprocessed
    ],
)
def test_a_broken_connection_makes_its_chunk_unknown_never_resent(
    basic, sandbox, tmp_path, kind, stored
):
    journal = str(tmp_path / "batch.db")
    rows = plain(300)
    arm = lambda: sandbox.fail_next(kind, path=SEND, method="POST")  # noqa: E731

    result = basic.messages.send_batch(row_fault_injector(rows, 100, arm), journal=journal)

    outcomes = [r.outcome for r in result.rows]
    assert outcomes == ["accepted"] * 100 + ["unknown"] * 100 + ["accepted"] * 100
    assert result.counts == {"accepted": 200, "unknown": 100}
    assert not result.ok
    assert all("maybe_sent" in result.rows[i].error for i in range(100, 200))
    result.close()
    assert sandbox.requests_seen(SEND) == 3  # the send was not retried
    expected = {f"row {i}" for i in range(300) if stored or not 100 <= i < 200}
    assert contents(sandbox) == Counter(expected)

    resumed = basic.messages.send_batch(rows, journal=journal)

    assert sandbox.requests_seen(SEND) == 3  # unknown rows are reported, never re-sent
    assert contents(sandbox) == Counter(expected)
    assert resumed.counts == {"accepted": 200, "unknown": 100}


def test_a_5xx_on_a_send_makes_its_chunk_unknown(basic, sandbox, tmp_path):
    journal = str(tmp_path / "batch.db")
    rows = plain(300)
    arm = lambda: sandbox.fail_next("status", path=SEND, method="POST", status=503)  # noqa: E731

    result = basic.messages.send_batch(row_fault_injector(rows, 100, arm), journal=journal)

    assert result.counts == {"accepted": 200, "unknown": 100}
    assert {r.outcome for r in result.rows[100:200]} == {"unknown"}
    assert all("503" in result.rows[i].error for i in range(100, 200))
    result.close()
    assert sandbox.requests_seen(SEND) == 3  # a 5xx send is not retried
    # The sandbox's status fault answers without processing: those rows were not stored,
    # but the client cannot know that, so it must not claim either way.
    assert contents(sandbox) == Counter(f"row {i}" for i in range(300) if not 100 <= i < 200)

    basic.messages.send_batch(rows, journal=journal)
    assert sandbox.requests_seen(SEND) == 3


@pytest.mark.parametrize("kind", ["malformed_json", "empty"])
def test_an_undecodable_2xx_send_answer_is_unknown_not_rejected(basic, sandbox, tmp_path, kind):
    # The sandbox stores the messages, then answers 202 with a body the client cannot read:
    # the API did accept them, so the rows must not be reported as "not sent" or re-sent.
    journal = str(tmp_path / "batch.db")
    rows = plain(5)
    sandbox.fail_next(kind, path=SEND, method="POST")

    first = basic.messages.send_batch(rows, journal=journal)
    counts, errors = dict(first.counts), {r.error for r in first.rows}
    first.close()
    basic.messages.send_batch(rows, journal=journal)
    stored = contents(sandbox)

    assert (counts, stored) == (
        {"unknown": 5},
        Counter(f"row {i}" for i in range(5)),  # each exactly once after the resume
    ), f"first run: {counts} {errors}"


def test_connect_failure_rejects_rows_as_not_sent_and_reports_progress(
    make_client, sandbox, closed_port_url, sleeps
):
    client = make_client(base_uri=closed_port_url, sleep=sleeps)
    rows: Rows = plain(150)
    rows[7] = {"content": "no destination"}
    progress: list[BatchProgress] = []

    result = client.messages.send_batch(rows, on_progress=progress.append)

    assert result.counts == {"rejected": 149, "invalid": 1}
    for row in result.rows:
        if row.index == 7:
            assert row.outcome == "invalid"
        else:
            assert row.outcome == "rejected"
            assert row.error.startswith("not sent:")
    done = [p.rows_done for p in progress]
    assert done == sorted(done) and done[-1] == 150
    assert progress[-1].counts == result.counts
    assert sleeps.calls  # connect failures were retried (never really sleeping)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_progress_rows_done_increases_to_the_input_length(make_client, sandbox, concurrency):
    client = make_client(pool_maxsize=concurrency)
    rows, expected = mixed_rows()
    progress: list[BatchProgress] = []

    result = client.messages.send_batch(rows, concurrency=concurrency, on_progress=progress.append)

    done = [p.rows_done for p in progress]
    assert len(done) > 3
    assert done == sorted(done)
    assert done[-1] == MIXED_SIZE
    for p in progress:
        assert sum(p.counts.values()) == p.rows_done
    assert progress[-1].counts == result.counts == dict(Counter(expected))


@pytest.mark.parametrize("journaled", [False, True])
def test_a_long_run_of_invalid_rows_is_recorded_as_it_goes(basic, sandbox, tmp_path, journaled):
    """Invalid rows with no request between them (a file of local numbers) are written and
    reported a window at a time, not held until the input ends: memory stays flat."""

    def peak(n: int) -> tuple[int, list[tuple[int, int]]]:
        rows = ({"content": "x", "destination_number": f"0491{i:06d}"} for i in range(n))
        journal = str(tmp_path / f"{n}.journal") if journaled else None
        reports: list[tuple[int, int]] = []
        tracemalloc.start()
        try:
            result = basic.messages.send_batch(
                rows,
                journal=journal,
                on_progress=lambda p: reports.append((p.rows_done, len(p.rows))),
            )
            top = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert result.counts == {"invalid": n}
        result.close()
        return top, reports

    small, _ = peak(3_000)
    large, reports = peak(12_000)
    assert reports[-1][0] == 12_000 and sum(size for _, size in reports) == 12_000
    assert max(size for _, size in reports) <= 1_000  # a window of rows at a time
    assert large < 2 * small, (small, large)  # not 4 times as much for 4 times the rows
    assert sandbox.requests_seen() == 0
