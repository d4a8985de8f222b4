"""Hostile input both ways: arbitrary messages in, arbitrary response bodies out.

(a) Any message dict sent through `send_messages` to a real sandbox either raises
`ValidationError` before any request, or is accepted with 202: the SDK never sends what the
API would refuse, and never fails in any other way.

(b) Any body a server answers with (random bytes, JSON of the wrong shape, 10,000 levels of
nesting, 5,000-digit numbers, jsonpickle tags naming functions to call) makes every endpoint
raise a `MessageMediaError` or return its documented type: never a raw `str`/`None` where a
model is due, and nothing named by the payload is ever run.
"""

from __future__ import annotations

import builtins
import json
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings, strategies as st

from message_media_messages import (
    MessageMediaError,
    MessageMediaMessagesClient,
    SandboxServer,
    ValidationError,
)
from message_media_messages.http.http_request import HttpRequest
from message_media_messages.http.http_response import HttpResponse
from message_media_messages.http.retry import RetryPolicy
from message_media_messages.models import (
    DeliveryReport,
    Message,
    Reply,
    SendMessagesResponse,
)
from message_media_messages.models.check_delivery_reports_response import (
    CheckDeliveryReportsResponse,
)
from message_media_messages.models.check_replies_response import CheckRepliesResponse
from message_media_messages.models.get_message_status_response import GetMessageStatusResponse

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MESSAGE_ID = "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a"
VALID_BODY = {"messages": [{"content": "hi", "destination_number": "+61491570156"}]}

# ---------------------------------------------------------------------------- strategies

surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
any_char = st.one_of(st.characters(), st.characters(categories=["Cs", "Cc", "Zs", "Zl"]))
any_text = st.text(any_char, max_size=40)
clean_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
huge_text = st.builds(
    lambda char, size: char * size,
    st.sampled_from(["a", "€", "😀", "\x00", "\n", '"', "\\", "\ud800"]),
    st.sampled_from([0, 1, 64, 65, 256, 257, 5000, 5001, 100_000]),
)


class HugeInt(int):
    """An int too long for str() (over 4,300 digits), with a repr hypothesis can print."""

    def __repr__(self) -> str:
        return f"HugeInt(<{self.bit_length()} bits>)"


huge_ints = st.one_of(
    st.sampled_from([2**63, -(2**63) - 1, 2**64]),
    st.sampled_from([4000, 4299]).map(lambda digits: 10**digits),
    st.sampled_from([4301, 5000, -5000]).map(
        lambda d: HugeInt(10 ** abs(d) * (1 if d > 0 else -1))
    ),
)
offsets = st.builds(
    timezone,
    st.timedeltas(
        min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
    ),
)
timestamps = st.one_of(
    st.datetimes(),  # naive: refused
    st.datetimes(timezones=st.one_of(st.just(timezone.utc), offsets, st.timezones())),
    st.dates(),
    st.sampled_from([
        "2030-01-01T00:00:00Z", "2030-01-01T10:00:00+10:00", "2030-01-01T10:00:00.123456789Z",
        "2030-01-01", "2030-01-01T10:00:00", "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00", "2016-11-03T11:49:02.807Z", "20300101T090000Z",
        "2030-01-01T10:00:00+05:30:15", "2030-13-01T00:00:00Z", "Z", "T", "",
    ]),
)  # fmt: skip


class Opaque:
    """An object JSON cannot represent."""


def _deep(kind: str, depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


def _cycle() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


odd_objects = st.one_of(
    st.binary(max_size=8).map(bytearray),
    st.decimals(allow_nan=True),
    st.complex_numbers(max_magnitude=1e3),
    st.builds(Opaque),
    st.just(Ellipsis),
    st.sets(st.integers(), max_size=3),
    st.builds(_cycle),
    st.builds(_deep, st.sampled_from(["list", "dict"]), st.sampled_from([50, 500, 990, 10_000])),
    st.dictionaries(clean_text, clean_text, max_size=3).map(MappingProxyType),
)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), huge_ints, st.floats(), any_text, huge_text,
    st.binary(max_size=8), timestamps, odd_objects,
    st.sampled_from([
        "SMS", "MMS", "TTS", "sms", "INTERNATIONAL", "ALPHANUMERIC", "SHORTCODE",
        "https://example.com/a.png", "http://example.com", "https://", "ftp://example.com/x",
        "https://exa mple.com/", "https://example.com:99999/", "https://[::1/", "+61491570156",
        "+6149157015612345", "0491570156", "+0491570156", "cancelled", Decimal("1.5"),
    ]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.frozensets(st.integers(), max_size=3),
        st.dictionaries(st.one_of(any_text, st.integers(), st.none()), inner, max_size=6),
    ),
    max_leaves=12,
)
FIELDS = [
    "content", "destination_number", "callback_url", "delivery_report", "format",
    "message_expiry_timestamp", "metadata", "scheduled", "source_number", "source_number_type",
    "media", "subject", "message_id", "status",
]  # fmt: skip
keys = st.one_of(
    st.sampled_from([*FIELDS, "", "py/object", "__class__"]),
    any_text,
    st.integers(),
    st.none(),
    st.tuples(st.integers()),
    st.binary(max_size=4),
)
# Fields with valid values, so that near-valid messages are often accepted.
valid_fields = {
    "content": st.one_of(clean_text, st.sampled_from(["😀" * 5000, "€" * 5000, "x" * 5000])),
    "destination_number": st.from_regex(r"\+[1-9][0-9]{1,14}", fullmatch=True),
    "delivery_report": st.booleans(),
    "format": st.sampled_from(["SMS", "TTS"]),
    "metadata": st.dictionaries(
        st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=100),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=256),
        max_size=10,
    ),
    "scheduled": st.datetimes(timezones=st.just(timezone.utc)),
    "message_expiry_timestamp": st.sampled_from(["2030-01-01T10:00:00+10:00", "2000-01-01Z"]),
    "source_number": clean_text,
    "callback_url": st.sampled_from(["https://example.com/cb", "http://example.org/hook?a=1"]),
}
mms_fields = st.fixed_dictionaries(
    {"format": st.just("MMS")},
    optional={
        "media": st.lists(st.sampled_from(["https://example.com/a.png", "http://x.example"])),
        "subject": st.text(st.characters(exclude_categories=["Cs"]), max_size=64),
    },
)
valid_messages = st.builds(
    lambda base, mms: {**base, **mms},
    st.fixed_dictionaries(
        {k: valid_fields[k] for k in ("content", "destination_number")},
        optional={
            k: v for k, v in valid_fields.items() if k not in ("content", "destination_number")
        },
    ),
    st.one_of(st.just({}), mms_fields),
)
hostile_overrides = st.dictionaries(keys, values, max_size=3)
near_valid = st.builds(lambda base, extra: {**base, **extra}, valid_messages, hostile_overrides)
messages = st.one_of(
    valid_messages,
    near_valid,
    near_valid,
    st.dictionaries(keys, values, max_size=8),
    values,  # not even a mapping
)


def _magic_unreachable(message: Any) -> bool:
    """The sandbox's magic '999' number: a valid message that the API rejects whole by design."""
    if not isinstance(message, dict):
        return False
    number = message.get("destination_number")
    return isinstance(number, str) and number.endswith("999")


# ---------------------------------------------------------------------------- (a) sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def clients(sandbox: SandboxServer) -> Iterator[dict[bool, MessageMediaMessagesClient]]:
    made = {
        hmac: MessageMediaMessagesClient(
            sandbox.api_key, sandbox.api_secret, hmac, base_uri=sandbox.url, max_retries=0
        )
        for hmac in (False, True)
    }
    yield made
    for client in made.values():
        client.close()


@SETTINGS
@given(message=messages, hmac=st.booleans())
def test_any_message_is_refused_before_sending_or_accepted(
    sandbox: SandboxServer,
    clients: dict[bool, MessageMediaMessagesClient],
    message: Any,
    hmac: bool,
) -> None:
    assume(not _magic_unreachable(message))
    before = sandbox.requests_seen()
    try:
        result = clients[hmac].messages.send_messages({"messages": [message]})
    except ValidationError as error:
        event("refused by validation")
        assert error.problems
        assert sandbox.requests_seen() == before, "a request went out before ValidationError"
        return
    except Exception as error:  # the property: nothing but ValidationError, or a 202
        details = getattr(error, "details", None)
        pytest.fail(f"{type(error).__name__}: {error} (server details: {details})")
    event("accepted")
    assert sandbox.requests_seen() == before + 1
    assert sandbox.request_log()[-1]["status"] == 202
    assert isinstance(result, SendMessagesResponse)
    assert len(result.messages) == 1
    assert isinstance(result.messages[0], Message)
    assert result.messages[0].message_id


# ---------------------------------------------------------------------------- (b) bodies

PWNED_FILE = Path(tempfile.gettempdir()) / f"mm-hostile-{os.getpid()}.sentinel"
_EXEC_FLAG = "import builtins; builtins.MM_HOSTILE_PWNED = True"
PICKLE_TAGS: list[Any] = [
    {"py/reduce": [{"py/function": "builtins.exec"}, {"py/tuple": [_EXEC_FLAG]}]},
    {"py/reduce": [{"py/function": "builtins.exec"}, {"py/tuple": ["import os; os._exit(3)"]}]},
    {"py/object": "subprocess.Popen", "py/newargs": {"py/tuple": [["touch", str(PWNED_FILE)]]}},
    {"py/object": "subprocess.Popen"},
    {"py/type": "os.system"},
    {"py/function": "os.system"},
    {"py/repr": f"os/os.system('touch {PWNED_FILE}')"},
    {"py/object": "builtins.exec", "py/state": _EXEC_FLAG},
]


def _assert_nothing_ran() -> None:
    assert not hasattr(builtins, "MM_HOSTILE_PWNED"), "a payload executed code"
    assert not PWNED_FILE.exists(), "a payload started a process"


def _pickled_shapes(tag: Any) -> list[Any]:
    """The tag at the top and at every level a model would read."""
    return [
        tag,
        {"messages": [tag]},
        {"messages": tag},
        {"messages": [{"message_id": MESSAGE_ID, "content": "x", "metadata": tag}]},
        {"delivery_reports": [tag]},
        {"replies": [{"reply_id": "r", "metadata": tag, "date_received": tag}]},
        {"message_id": MESSAGE_ID, "status": tag, "scheduled": tag},
        {"remaining_credits": tag},
        [tag],
    ]


def _nest(depth: int, open_: str, close: str, inner: str = "1") -> bytes:
    return (open_ * depth + inner + close * depth).encode()


FIXED_BODIES: list[bytes] = [
    b"",
    b"null",
    b"true",
    b"0",
    b'""',
    b'"a string"',
    b"[]",
    b"{}",
    b"\xef\xbb\xbf{}",  # UTF-8 BOM
    b"\xff\xfe\x00\x00",
    b'{"messages": [',  # truncated
    b"<html><body>502 Bad Gateway</body></html>",
    b"NaN",
    b'{"messages": [{"scheduled": NaN, "content": Infinity}]}',
    _nest(10_000, "[", "]"),
    _nest(10_000, '{"a":', "}"),
    b'{"messages":' + _nest(10_000, "[", "]") + b"}",
    b'{"messages":[' + _nest(990, "[", "]") + b"]}",
    b'{"messages":[{"metadata":' + _nest(900, '{"a":', "}") + b"}]}",
    b"1" + b"0" * 5000,
    b'{"remaining_credits": 1' + b"0" * 5000 + b"}",
    b'{"messages": [{"message_id": 1' + b"0" * 5000 + b"}]}",
    b'{"messages": [{"content": 1e999999, "scheduled": "9999-12-31T23:59:59-23:59"}]}',
    b'{"messages": [{"scheduled": "\\ud800"}],'
    b' "delivery_reports": [{"submitted_date": "\\udfff"}]}',
    b'{"messages": [{"message_expiry_timestamp": "0001-01-01T00:00:00+23:59"}]}',
    b'{"messages": [{"scheduled": "2030-01-01T00:00:00+99:99"}]}',
    b'{"messages": [{"scheduled": ["2030-01-01T00:00:00Z"]}]}',
    b'{"delivery_reports": [{"date_received": 12}], "replies": [{"date_received": {}}]}',
    b'{"messages": "not a list", "delivery_reports": {}, "replies": 7}',
    b'{"messages": [1, "two", null]}',
    b'{"messages": [null]}',
    b'{"delivery_reports": [null], "replies": [null]}',
    b'{"messages": [{}], "delivery_reports": [{}], "replies": [{}]}',
    b'{"messages": null, "delivery_reports": null, "replies": null}',
    b'{"a": 1, "a": 2}',
    '{"messages": [{"content": "\u00e9"}]}'.encode("utf-16"),
    b'{"messages": [{"content": "\xff\xfe invalid utf-8"}]}',
    b"\x00" * 64,
    os.urandom(256),
] + [json.dumps(shape).encode() for tag in PICKLE_TAGS for shape in _pickled_shapes(tag)]

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(any_char, max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(any_char, max_size=10), inner, max_size=4),
    ),
    max_leaves=15,
)
TIMESTAMP_KEYS = ["scheduled", "message_expiry_timestamp", "submitted_date", "date_received"]
item_keys = st.sampled_from(
    [*FIELDS, *TIMESTAMP_KEYS, "delivery_report_id", "reply_id", "error_code", "vendor_account_id",
     "py/object", "py/reduce"]
)  # fmt: skip
item_values = st.one_of(json_values, timestamps.map(str), st.sampled_from(PICKLE_TAGS))
items = st.dictionaries(item_keys, item_values, max_size=8)
item_lists = st.lists(st.one_of(items, json_values), max_size=3)
top_keys = st.sampled_from(["messages", "delivery_reports", "replies", "remaining_credits"])
shaped = st.one_of(
    st.fixed_dictionaries({"messages": item_lists}),
    st.fixed_dictionaries({"delivery_reports": item_lists}),
    st.fixed_dictionaries({"replies": item_lists}),
    items,
    st.dictionaries(top_keys, json_values),
)


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(_encode),
    shaped.map(_encode),
    st.sampled_from(FIXED_BODIES),
)

# Each endpoint: how to call it, and what a successful call must return.
Expect = Callable[[Any], bool]


def _model_list(model: type, attribute: str) -> Callable[[Any], bool]:
    def check(result: Any) -> bool:
        items = getattr(result, attribute)
        return items is None or (
            isinstance(items, list) and all(isinstance(item, model) for item in items)
        )

    return check


ENDPOINTS: dict[str, tuple[Callable[[Any], Any], Expect]] = {
    "send_messages": (
        lambda c: c["messages"].send_messages(VALID_BODY),
        lambda r: isinstance(r, SendMessagesResponse) and _model_list(Message, "messages")(r),
    ),
    "get_message_status": (
        lambda c: c["messages"].get_message_status(MESSAGE_ID),
        lambda r: isinstance(r, GetMessageStatusResponse),
    ),
    "cancel_scheduled_message": (
        lambda c: c["messages"].cancel_scheduled_message(MESSAGE_ID),
        lambda r: r == "" or isinstance(r, (dict, list, str, int, float, bool)),  # '' or JSON
    ),
    "check_credits_remaining": (
        lambda c: c["messages"].check_credits_remaining(),
        lambda r: isinstance(r, dict),
    ),
    "check_delivery_reports": (
        lambda c: c["reports"].check_delivery_reports(),
        lambda r: (
            isinstance(r, CheckDeliveryReportsResponse)
            and _model_list(DeliveryReport, "delivery_reports")(r)
        ),
    ),
    "confirm_delivery_reports_as_received": (
        lambda c: c["reports"].confirm_delivery_reports_as_received(
            {"delivery_report_ids": [MESSAGE_ID]}
        ),
        lambda r: r == "" or isinstance(r, (dict, list, str, int, float, bool)),  # '' or JSON
    ),
    "check_replies": (
        lambda c: c["replies"].check_replies(),
        lambda r: isinstance(r, CheckRepliesResponse) and _model_list(Reply, "replies")(r),
    ),
    "confirm_replies_as_received": (
        lambda c: c["replies"].confirm_replies_as_received({"reply_ids": [MESSAGE_ID]}),
        lambda r: r == "" or isinstance(r, (dict, list, str, int, float, bool)),  # '' or JSON
    ),
}


class _Answer:
    """A transport that hands every request to `send` (no network)."""

    def __init__(self, send: Callable[[HttpRequest], HttpResponse]) -> None:
        self._send = send

    def send(self, request: HttpRequest, *, timeout: tuple[float, float]) -> HttpResponse:
        return self._send(request)


def _controllers(send: Callable[[HttpRequest], HttpResponse]) -> dict[str, Any]:
    """The three controllers of a client whose transport answers with `send`."""
    client = MessageMediaMessagesClient(
        "key",
        "secret",
        transport=_Answer(send),
        retry_policy=RetryPolicy(max_retries=0),
        sleep=lambda seconds: None,
        base_uri="https://api.messagemedia.test",
    )
    return {
        "messages": client.messages,
        "reports": client.delivery_reports,
        "replies": client.replies,
    }


def _outcome(endpoint: str, controllers: dict[str, Any]) -> str | None:
    """Run one endpoint; None when it raised a typed error or returned its documented type."""
    call, expect = ENDPOINTS[endpoint]
    try:
        result = call(controllers)
    except MessageMediaError:
        return None
    except Exception as error:
        return f"{endpoint}: untyped {type(error).__name__}: {error}"
    finally:
        _assert_nothing_ran()
    if expect(result):
        return None
    return f"{endpoint} returned {type(result).__name__}: {result!r:.200}"


def _check_call(endpoint: str, controllers: dict[str, Any]) -> None:
    """A typed error or the documented result type, and nothing named by the body ran."""
    problem = _outcome(endpoint, controllers)
    assert problem is None, problem


@SETTINGS
@given(endpoint=st.sampled_from(sorted(ENDPOINTS)), status=st.sampled_from([200, 202]), body=bodies)
def test_any_2xx_body_gives_the_model_or_a_typed_error(
    endpoint: str, status: int, body: bytes
) -> None:
    response = HttpResponse(status, {"content-type": "application/json"}, body)
    _check_call(endpoint, _controllers(lambda request: response))


@SETTINGS
@given(
    endpoint=st.sampled_from(sorted(ENDPOINTS)),
    status=st.integers(100, 599),
    retry_after=st.one_of(st.none(), any_text, st.integers(-(10**20), 10**20).map(str)),
    body=bodies,
)
def test_any_status_and_body_gives_the_model_or_a_typed_error(
    endpoint: str, status: int, retry_after: str | None, body: bytes
) -> None:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    response = HttpResponse(status, headers, body)
    _check_call(endpoint, _controllers(lambda request: response))


# Over real HTTP too: the transport reads, the pipeline parses, for every endpoint.


class _QueueHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # head and body are separate writes: no delayed-ACK stall
    replies: queue.Queue[tuple[int, bytes]]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, body = self.replies.get(timeout=5)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def body_server() -> Iterator[tuple[str, queue.Queue[tuple[int, bytes]]]]:
    replies: queue.Queue[tuple[int, bytes]] = queue.Queue()
    handler = type("Handler", (_QueueHandler,), {"replies": replies})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", replies
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_hostile_bodies_over_http(
    endpoint: str, body_server: tuple[str, queue.Queue[tuple[int, bytes]]]
) -> None:
    url, replies = body_server
    with MessageMediaMessagesClient("key", "secret", True, base_uri=url, max_retries=0) as client:
        controllers = {
            "messages": client.messages,
            "reports": client.delivery_reports,
            "replies": client.replies,
        }
        problems = []
        for index, body in enumerate(FIXED_BODIES):
            replies.put((202 if index % 2 else 200, body))
            problem = _outcome(endpoint, controllers)
            if problem is not None:
                problems.append(f"body {body[:60]!r}: {problem}")
            assert replies.empty()  # exactly one request per call: no hidden retry
    assert problems == []


def test_pickle_tags_stay_data() -> None:
    """The tags come back as inert data where a model keeps unknown keys."""
    tag = PICKLE_TAGS[0]
    body = json.dumps({"messages": [{"message_id": MESSAGE_ID, "py/reduce": tag["py/reduce"]}]})
    controllers = _controllers(lambda request: HttpResponse(202, {}, body.encode()))
    result = controllers["messages"].send_messages(VALID_BODY)
    assert result.messages[0].additional_properties["py/reduce"] == tag["py/reduce"]
    _assert_nothing_ran()


BATCH_ROWS = [{"content": f"row {i}", "destination_number": "+61491570156"} for i in range(3)]


@SETTINGS
@given(body=bodies, status=st.sampled_from([200, 202]))
def test_send_batch_survives_any_2xx_body(body: bytes, status: int) -> None:
    """A batch never raises on a hostile answer; accepted rows always carry a message id."""
    controllers = _controllers(lambda request: HttpResponse(status, {}, body))
    result = controllers["messages"].send_batch(BATCH_ROWS)
    _assert_nothing_ran()
    assert sum(result.counts.values()) == len(BATCH_ROWS)
    for row in result.rows:
        assert row.outcome in ("accepted", "unknown"), row
        if row.outcome == "accepted":
            assert isinstance(row.message_id, str) and row.message_id, row


@pytest.mark.parametrize(
    "body",
    [b'{"messages":[null,null,null]}', b'{"messages":[{},{},{}]}', b'{"messages":[1,2,3]}'],
)
def test_send_batch_on_an_echo_without_ids(body: bytes) -> None:
    """The API acted on the request but named no ids: rows are unknown, never a crash."""
    controllers = _controllers(lambda request: HttpResponse(202, {}, body))
    result = controllers["messages"].send_batch(BATCH_ROWS)
    assert result.counts == {"unknown": len(BATCH_ROWS)}
