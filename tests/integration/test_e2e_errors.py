"""Sandbox errors, wire faults and client-side rule violations surface as typed errors."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest
import requests
from async_bridge import FLAVOURS, bridged_client

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.exceptions import (
    APIConnectionError,
    APIException,
    APITimeoutError,
    BadRequestError,
    MessageMediaError,
    NotFoundError,
    RateLimitError,
    SendMessages400ResponseException,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from message_media_messages.models import Message, SendMessagesRequest
from message_media_messages.sandbox import SandboxServer


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """Every test here runs for the sync client and for the async one (bridged)."""
    return str(request.param)


DEST = "+61491570156"
UNKNOWN_ID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
FAST = {"timeout": (1, 1)}


def one(content="hello", destination=DEST, **fields):
    return {"messages": [{"content": content, "destination_number": destination, **fields}]}


# --------------------------------------------------------------------------- API errors


def test_unpredictable_validation_error_is_a_typed_400(client, sandbox):
    credits = client.messages.check_credits_remaining()["remaining_credits"]
    body = {
        "messages": [
            {"content": "fine", "destination_number": DEST},
            {"content": "unreachable", "destination_number": "+61491570999"},
        ]
    }
    with pytest.raises(SendMessages400ResponseException) as caught:
        client.messages.send_messages(body)
    err = caught.value
    assert isinstance(err, BadRequestError)
    assert isinstance(err, APIException)
    assert isinstance(err, MessageMediaError)
    assert (err.status_code, err.response_code) == (400, 400)
    assert err.message  # the server's message, as 2.x code reads it
    assert err.details
    assert any("messages[1].destination_number" in d for d in err.details)
    assert err.maybe_sent is False
    text = str(err)
    for part in ("POST", "/v1/messages", "400", err.message, *err.details):
        assert part in text, part
    assert err.context.response.status_code == 400
    # Nothing of the batch was sent, nor charged, and the 400 is not retried.
    assert sandbox.messages() == []
    assert sandbox.requests_seen("/v1/messages") == 1
    assert client.messages.check_credits_remaining()["remaining_credits"] == credits


def test_unknown_message_id_is_not_found(client, sandbox):
    with pytest.raises(NotFoundError) as caught:
        client.messages.get_message_status(UNKNOWN_ID)
    assert caught.value.status_code == 404
    assert caught.value.message == "Resource not found."
    assert f"GET /v1/messages/{UNKNOWN_ID}" in str(caught.value)
    with pytest.raises(NotFoundError):
        client.messages.cancel_scheduled_message(UNKNOWN_ID, {"status": "cancelled"})
    assert sandbox.requests_seen() == 2  # a 404 is not retried


def test_message_id_is_percent_encoded_and_signed_as_sent(client, sandbox):
    with pytest.raises(NotFoundError):  # 404, not 403: the HMAC signs the encoded path
        client.messages.get_message_status("a/b?c ü")
    assert sandbox.request_log()[-1]["path"] == "/v1/messages/a%2Fb%3Fc%20%C3%BC"
    assert sandbox.stats()["auth_failures"] == 0


# --------------------------------------------------------------------------- client-side rules


def _messages(n):
    return {"messages": [{"content": f"m{i}", "destination_number": DEST} for i in range(n)]}


NAIVE = datetime(2031, 1, 1, 9, 0)
RULE_CASES = {
    "101 messages": (lambda: _messages(101), "messages", None),
    "empty content": (lambda: one(content=""), "content", 0),
    "bad E.164": (lambda: one(destination="0491570156"), "destination_number", 0),
    "11 metadata pairs": (
        lambda: one(metadata={f"k{i}": "v" for i in range(11)}),
        "metadata",
        0,
    ),
    "media without MMS": (lambda: one(media=["https://example.com/a.png"]), "media", 0),
    "naive datetime": (lambda: one(scheduled=NAIVE), "scheduled", 0),
    "naive ISO text": (
        lambda: one(message_expiry_timestamp="2031-01-01T09:00:00"),
        "message_expiry_timestamp",
        0,
    ),
    "naive datetime, model": (
        lambda: SendMessagesRequest(
            messages=[Message(content="m", destination_number=DEST, scheduled=NAIVE)]
        ),
        "scheduled",
        0,
    ),
    "second message bad": (
        lambda: {
            "messages": [
                {"content": "ok", "destination_number": DEST},
                {"content": "x", "destination_number": "+61 491"},
            ]
        },
        "destination_number",
        1,
    ),
}


@pytest.mark.parametrize("case", list(RULE_CASES), ids=list(RULE_CASES))
def test_client_side_rules_fail_before_any_request(client, sandbox, case):
    make_body, field, index = RULE_CASES[case]
    with pytest.raises(ValidationError) as caught:
        client.messages.send_messages(make_body())
    err = caught.value
    assert isinstance(err, ValueError)
    assert isinstance(err, MessageMediaError)
    assert (err.field, err.index) == (field, index)
    assert field in str(err)
    assert sandbox.requests_seen() == 0
    assert sandbox.stats()["requests"] == 0
    assert sandbox.messages() == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.delivery_reports.confirm_delivery_reports_as_received(
            {"delivery_report_ids": []}
        ),
        lambda c: c.replies.confirm_replies_as_received({"reply_ids": "not-a-list"}),
        lambda c: c.messages.cancel_scheduled_message(UNKNOWN_ID, {"status": "queued"}),
        lambda c: c.messages.get_message_status(""),
    ],
    ids=["confirm-dr-empty", "confirm-replies-not-list", "cancel-wrong-status", "empty-id"],
)
def test_client_side_rules_of_other_endpoints(client, sandbox, call):
    with pytest.raises(ValidationError):
        call(client)
    assert sandbox.requests_seen() == 0


# --------------------------------------------------------------------------- bad 2xx bodies

CALLS = {
    "send": lambda c, _: c.messages.send_messages(one()),
    "status": lambda c, message_id: c.messages.get_message_status(message_id),
    "credits": lambda c, _: c.messages.check_credits_remaining(),
    "check_dr": lambda c, _: c.delivery_reports.check_delivery_reports(),
    "check_replies": lambda c, _: c.replies.check_replies(),
}


def prepared(client, call):
    """A no-argument runner of `call`; "status" asks about a message that exists (a 200)."""
    message_id = client.messages.send_messages(one()).messages[0].message_id
    return lambda: CALLS[call](client, message_id)


BAD_BODIES = {
    "empty": {},
    "malformed_json": {},
    "html": {"status": 200},  # a proxy's HTML page answered with 200
}


@pytest.mark.parametrize("fault", list(BAD_BODIES))
@pytest.mark.parametrize("call", list(CALLS))
def test_bad_success_body_is_an_unexpected_response_error(
    make_client, sandbox, sleeps, call, fault
):
    client = make_client("basic", sleep=sleeps, **FAST)
    run = prepared(client, call)
    seen = sandbox.requests_seen()
    sandbox.fail_next(fault, **BAD_BODIES[fault])
    with pytest.raises(UnexpectedResponseError) as caught:
        result = run()
        pytest.fail(f"{call} with a {fault} body returned {result!r} instead of raising")
    err = caught.value
    assert 200 <= err.status_code < 300
    assert "HTTP 2" in str(err)
    assert sandbox.requests_seen() == seen + 1  # an unreadable answer is not re-requested
    assert sleeps.calls == []


@pytest.mark.parametrize("fault", ["empty", "malformed_json"])
def test_unreadable_answer_to_an_accepted_send_says_maybe_sent(make_client, sandbox, sleeps, fault):
    """The send got a 2xx (it was accepted) but its body is unreadable: the caller has no
    message ids, so the error must say the messages may have gone out, or a retry double-sends."""
    client = make_client("basic", sleep=sleeps, **FAST)
    sandbox.fail_next(fault, path="/v1/messages", method="POST")
    with pytest.raises(UnexpectedResponseError) as caught:
        client.messages.send_messages(one(content="accepted"))
    assert caught.value.status_code == 202
    assert [m["content"] for m in sandbox.messages()] == ["accepted"]
    assert sandbox.requests_seen() == 1
    assert caught.value.maybe_sent is True


@pytest.mark.parametrize("call", ["status", "check_dr", "check_replies", "credits"])
def test_truncated_body_on_a_get_is_retried_then_a_transport_error(
    make_client, sandbox, sleeps, call
):
    client = make_client("basic", sleep=sleeps, max_retries=2, **FAST)
    run = prepared(client, call)
    sandbox.fail_next("truncate", count=3, method="GET")
    with pytest.raises(TransportError) as caught:
        run()
    err = caught.value
    assert err.attempts == 3
    assert err.maybe_sent is False  # a GET changes nothing
    assert sandbox.requests_seen() == 1 + 3
    assert len(sleeps.calls) == 2
    # One truncated answer then a good one: the GET simply succeeds.
    sandbox.fail_next("truncate", method="GET")
    assert run() is not None
    assert sandbox.requests_seen() == 1 + 5
    assert [e["fault"] for e in sandbox.request_log()][-2:] == ["truncate", None]


def test_truncated_body_on_a_send_is_maybe_sent(make_client, sandbox, sleeps, auth):
    client = make_client(auth, sleep=sleeps, **FAST)
    sandbox.fail_next("truncate", path="/v1/messages", method="POST")
    with pytest.raises(TransportError) as caught:
        client.messages.send_messages(one())
    assert caught.value.maybe_sent is True
    assert caught.value.attempts == 1
    assert sandbox.requests_seen() == 1
    assert len(sandbox.messages()) == 1  # it was processed: retrying would double-send
    assert sleeps.calls == []


def test_html_error_page_on_a_send_is_a_server_error(make_client, sandbox, sleeps):
    client = make_client("hmac", sleep=sleeps, **FAST)
    sandbox.fail_next("html", status=502)
    with pytest.raises(ServerError) as caught:
        client.messages.send_messages(one())
    err = caught.value
    assert err.status_code == 502
    assert err.message is None
    assert "<html>" in err.body
    assert err.maybe_sent is True
    assert sandbox.requests_seen() == 1


# --------------------------------------------------------------------------- retries


def test_503_then_success_on_a_get_is_retried(make_client, sandbox, sleeps, auth):
    client = make_client(auth, sleep=sleeps, **FAST)
    sandbox.fail_next("status", status=503, path="/v1/delivery_reports", method="GET")
    assert client.delivery_reports.check_delivery_reports().delivery_reports == []
    assert sandbox.requests_seen("/v1/delivery_reports") == 2
    assert [e["status"] for e in sandbox.request_log()] == [503, 200]
    assert len(sleeps.calls) == 1 and 0 < sleeps.calls[0] <= 8


def test_503_on_a_send_is_not_retried(make_client, sandbox, sleeps, auth):
    client = make_client(auth, sleep=sleeps, **FAST)
    sandbox.fail_next("status", status=503, path="/v1/messages", method="POST")
    with pytest.raises(ServerError) as caught:
        client.messages.send_messages(one())
    err = caught.value
    assert err.status_code == 503
    assert err.maybe_sent is True
    assert err.message == "Sandbox injected fault."
    assert "maybe_sent" in str(err)
    assert sandbox.requests_seen("/v1/messages") == 1
    assert sleeps.calls == []
    assert sandbox.messages() == []  # this sandbox fault answers before storing anything


def test_500_on_a_confirm_is_retried(make_client, sandbox, sleeps, auth):
    client = make_client(auth, sleep=sleeps, **FAST)
    echo = client.messages.send_messages(one(delivery_report=True)).messages[0]
    sandbox.advance()
    ids = [
        r.delivery_report_id
        for r in client.delivery_reports.check_delivery_reports().delivery_reports
    ]
    assert len(ids) == 1
    sandbox.fail_next("status", status=500, path="/v1/delivery_reports/confirmed")
    client.delivery_reports.confirm_delivery_reports_as_received({"delivery_report_ids": ids})
    assert sandbox.requests_seen("/v1/delivery_reports/confirmed") == 2
    assert client.delivery_reports.check_delivery_reports().delivery_reports == []
    assert echo.message_id


def test_reset_after_a_send_is_maybe_sent_and_stored_once(make_client, sandbox, sleeps, auth):
    client = make_client(auth, sleep=sleeps, **FAST)
    sandbox.fail_next("reset_after", path="/v1/messages", method="POST")
    with pytest.raises(TransportError) as caught:
        client.messages.send_messages(one(content="once"))
    err = caught.value
    assert isinstance(err, APIConnectionError)
    assert err.maybe_sent is True
    assert err.attempts == 1
    assert "maybe_sent" in str(err)
    assert sandbox.requests_seen("/v1/messages") == 1
    assert [m["content"] for m in sandbox.messages()] == ["once"]
    assert sleeps.calls == []
    # The broken connection is not reused: the next call just works.
    assert client.messages.send_messages(one(content="next")).messages[0].content == "next"
    assert sandbox.requests_seen("/v1/messages") == 2


def test_reset_before_a_get_is_retried(make_client, sandbox, sleeps, auth):
    client = make_client(auth, sleep=sleeps, **FAST)
    sandbox.fail_next("reset_before", path="/v1/replies", method="GET")
    assert client.replies.check_replies().replies == []
    assert sandbox.requests_seen("/v1/replies") == 2
    assert len(sleeps.calls) == 1


def test_429_on_a_send_is_retried_after_retry_after(make_client, sandbox, sleeps, auth):
    client = make_client(auth, sleep=sleeps, **FAST)
    sandbox.fail_next("status", status=429, retry_after=1, path="/v1/messages", method="POST")
    echo = client.messages.send_messages(one(content="after 429")).messages[0]
    assert sleeps.calls == [1.0]
    assert sandbox.requests_seen("/v1/messages") == 2
    assert [m["message_id"] for m in sandbox.messages()] == [echo.message_id]
    assert [e["status"] for e in sandbox.request_log()] == [429, 202]


def test_429_with_a_long_retry_after_is_raised(make_client, sandbox, sleeps):
    client = make_client("basic", sleep=sleeps, **FAST)
    sandbox.fail_next("status", status=429, retry_after=3600)
    with pytest.raises(RateLimitError) as caught:
        client.messages.check_credits_remaining()
    assert caught.value.retry_after == 3600
    assert caught.value.status_code == 429
    assert sleeps.calls == []
    assert sandbox.requests_seen() == 1


def test_read_timeout_on_a_send_is_not_retried(make_client, sandbox, sleeps, flavour):
    client = make_client("basic", sleep=sleeps, timeout=(1, 0.3))
    sandbox.fail_next("hang", seconds=2, process=True, path="/v1/messages")
    with pytest.raises(APITimeoutError) as caught:
        client.messages.send_messages(one(content="slow"))
    err = caught.value
    # requests' classes too: 2.x code (sync) catches those; the async client's are ours alone
    assert isinstance(err, requests.exceptions.Timeout) == (flavour == "sync")
    assert err.maybe_sent is True
    assert sandbox.requests_seen() == 1
    assert [m["content"] for m in sandbox.messages()] == ["slow"]  # it was processed
    assert sleeps.calls == []


def test_connection_refused_is_retried_then_raised(make_client, sleeps, flavour):
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client("basic", base_uri=f"http://127.0.0.1:{port}", sleep=sleeps, **FAST)
    with pytest.raises(APIConnectionError) as caught:
        client.messages.send_messages(one())  # never left: safe to retry, even a send
    err = caught.value
    assert err.maybe_sent is False
    assert err.attempts == 3
    assert len(sleeps.calls) == 2
    assert isinstance(err, requests.exceptions.ConnectionError) == (flavour == "sync")


def test_transport_errors_are_requests_exceptions(make_client, sandbox, sleeps, auth, flavour):
    client = make_client(auth, sleep=sleeps, **FAST)
    sandbox.fail_next("reset_after", path="/v1/messages", method="POST")
    # How 2.x code (sync) catches it; async code catches the SDK's own class.
    catch = requests.exceptions.RequestException if flavour == "sync" else TransportError
    try:
        client.messages.send_messages(one())
    except catch as exc:
        caught = exc
    else:
        pytest.fail("no error raised")
    assert isinstance(caught, TransportError)
    assert isinstance(caught, requests.exceptions.ConnectionError) == (flavour == "sync")


def test_close_then_reuse_still_works(sandbox, sleeps, flavour):
    build = MessageMediaMessagesClient if flavour == "sync" else bridged_client
    client = build(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url, sleep=sleeps, **FAST)
    with client:
        client.messages.check_credits_remaining()
    future = datetime.now(timezone.utc) + timedelta(days=1)
    echo = client.messages.send_messages(one(scheduled=future)).messages[0]
    assert client.messages.get_message_status(echo.message_id).status == "scheduled"
    client.close()


def test_pooled_connection_closed_by_a_restarted_server_is_replaced(make_client, sleeps):
    """A keep-alive connection the server closed is not used for the next send (which could
    then neither be retried nor be known unsent)."""
    first = SandboxServer().start()
    port = first.port
    client = make_client("hmac", server=first, sleep=sleeps, **FAST)
    client.messages.send_messages(one(content="before"))
    first.stop()  # closes the client's pooled connection from the server side
    with SandboxServer(port=port) as second:
        echo = client.messages.send_messages(one(content="after")).messages[0]
        assert [m["message_id"] for m in second.messages()] == [echo.message_id]
        assert second.requests_seen() == 1
    assert sleeps.calls == []
