"""Every SDK endpoint method (2.x and 1.1.0 names), in both auth modes, over real HTTP."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from async_bridge import FLAVOURS

from message_media_messages.exceptions import BadRequestError, SendMessages400ResponseException
from message_media_messages.models import (
    CancelScheduledMessageRequest,
    CheckDeliveryReportsResponse,
    CheckRepliesResponse,
    ConfirmDeliveryReportsAsReceivedRequest,
    ConfirmDeliveryReportsAsReceivedRequest1,
    ConfirmRepliesAsReceivedRequest,
    ConfirmRepliesAsReceivedRequest1,
    DeliveryReport,
    GetMessageStatusResponse,
    Message,
    Reply,
    SendMessagesRequest,
    SendMessagesResponse,
    VendorAccountId,
)


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """Every test here runs for the sync client and for the async one (bridged)."""
    return str(request.param)


DEST = "+61491570156"
SOURCE = "+61491570157"
UTC = timezone.utc

# Which controller method each operation is under each naming.
NAMES = {
    "v2": {
        "send": ("messages", "send_messages"),
        "status": ("messages", "get_message_status"),
        "cancel": ("messages", "cancel_scheduled_message"),
        "credits": ("messages", "check_credits_remaining"),
        "check_dr": ("delivery_reports", "check_delivery_reports"),
        "confirm_dr": ("delivery_reports", "confirm_delivery_reports_as_received"),
        "check_replies": ("replies", "check_replies"),
        "confirm_replies": ("replies", "confirm_replies_as_received"),
    },
    "seed": {
        "send": ("messages", "create_send_messages"),
        "status": ("messages", "get_message_status"),
        "cancel": ("messages", "update_cancel_scheduled_message"),
        "credits": ("messages", "check_credits_remaining"),  # 2.0.0 only: no seed name
        "check_dr": ("delivery_reports", "get_check_delivery_reports"),
        "confirm_dr": ("delivery_reports", "create_confirm_delivery_reports_as_received"),
        "check_replies": ("replies", "get_check_replies"),
        "confirm_replies": ("replies", "create_confirm_replies_as_received"),
    },
}


class Api:
    """The client's endpoint methods under one naming (`api.send(...)`, `api.check_dr()`...)."""

    def __init__(self, client, naming: str) -> None:
        self.client = client
        self.naming = naming

    def __getattr__(self, op: str):
        controller, method = NAMES[self.naming][op]
        return getattr(getattr(self.client, controller), method)


@pytest.fixture(params=list(NAMES), ids=list(NAMES))
def api(request, client) -> Api:
    return Api(client, request.param)


@pytest.fixture(params=["dict", "model"])
def body_kind(request) -> str:
    return request.param


def send_body(kind: str, **fields):
    """One-message send body as a plain dict (the seed's json.loads) or as models."""
    if kind == "dict":
        return {"messages": [fields]}
    return SendMessagesRequest(messages=[Message(**fields)])


def is_uuid(value) -> bool:
    return isinstance(value, str) and len(value) == 36 and str(uuid.UUID(value)) == value


def last_request(sandbox, prefix="/v1/"):
    return sandbox.request_log(prefix)[-1]


# --------------------------------------------------------------------------- send


def test_send_sms_typed_and_by_key(api, sandbox, auth, body_kind):
    body = send_body(
        body_kind,
        content="Hello SMS",
        destination_number=DEST,
        source_number=SOURCE,
        delivery_report=True,
        metadata={"order": "42", "team": "e2e"},
    )
    result = api.send(body)

    assert isinstance(result, SendMessagesResponse)
    echo = result.messages[0]
    assert isinstance(echo, Message)
    assert is_uuid(echo.message_id)
    assert echo.status == "queued"
    assert (echo.content, echo.destination_number, echo.source_number) == (
        "Hello SMS",
        DEST,
        SOURCE,
    )
    assert echo.metadata == {"order": "42", "team": "e2e"}
    assert echo.delivery_report is True
    # 1.1.0 code reads the result as a dict.
    assert result["messages"][0]["message_id"] == echo.message_id
    assert result["messages"][0]["metadata"]["order"] == "42"
    assert result["messages"][0]["status"] == "queued"

    stored = sandbox.messages()
    assert [m["message_id"] for m in stored] == [echo.message_id]
    assert stored[0]["account"] == sandbox.api_key
    assert stored[0]["format"] == "SMS"
    assert stored[0]["metadata"] == {"order": "42", "team": "e2e"}
    entry = last_request(sandbox)
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/v1/messages", 202)
    assert entry["auth_scheme"] == auth
    assert entry["account"] == sandbox.api_key


def test_send_mms_with_media_and_subject(api, sandbox, body_kind):
    media = ["https://example.com/cat.png", "https://example.com/dog.gif"]
    body = send_body(
        body_kind,
        content="Look at this",
        destination_number=DEST,
        format="MMS",
        media=media,
        subject="Pets",
    )
    echo = api.send(body).messages[0]
    assert (echo.format, echo.media, echo.subject) == ("MMS", media, "Pets")

    stored = sandbox.messages()[0]
    assert (stored["format"], stored["media"], stored["subject"]) == ("MMS", media, "Pets")
    status = api.status(echo.message_id)
    assert isinstance(status, GetMessageStatusResponse)
    assert (status.format, status.media, status.subject) == ("MMS", media, "Pets")
    assert status["media"] == media


def test_send_tts(api, sandbox, body_kind):
    echo = api.send(
        send_body(body_kind, content="Your code is 1 2 3 4", destination_number=DEST, format="TTS")
    ).messages[0]
    assert echo.format == "TTS"
    assert sandbox.messages()[0]["format"] == "TTS"
    assert api.status(echo.message_id).format == "TTS"


def test_send_many_in_one_request_keeps_order(api, sandbox):
    numbers = [f"+6149157{n:04d}" for n in range(10, 15)]
    body = {
        "messages": [{"content": f"n{i}", "destination_number": d} for i, d in enumerate(numbers)]
    }
    result = api.send(body)
    assert [m.destination_number for m in result.messages] == numbers
    assert [m.content for m in result.messages] == [f"n{i}" for i in range(5)]
    assert len({m.message_id for m in result.messages}) == 5
    assert sandbox.requests_seen("/v1/messages") == 1
    assert len(sandbox.messages()) == 5


def test_send_non_ascii_content_round_trips(api, sandbox):
    text = "Grüße ✓ 👍 — ok"
    echo = api.send({"messages": [{"content": text, "destination_number": DEST}]}).messages[0]
    assert echo.content == text
    assert sandbox.messages()[0]["content"] == text
    assert api.status(echo.message_id).content == text


# --------------------------------------------------------------------------- timestamps


def test_scheduled_echo_parses_to_aware_datetime(api, sandbox):
    """The official SDK crashed turning the echoed `scheduled` string into a datetime."""
    year = datetime.now(UTC).year + 5
    when = datetime(year, 5, 1, 10, 0, 0, tzinfo=timezone(timedelta(hours=10)))
    expiry = f"{year}-05-02T10:00:00+10:00"
    result = api.send(
        {
            "messages": [
                {
                    "content": "later",
                    "destination_number": DEST,
                    "scheduled": when,
                    "message_expiry_timestamp": expiry,
                }
            ]
        }
    )
    echo = result.messages[0]
    assert isinstance(echo.scheduled, datetime)
    assert echo.scheduled.tzinfo is not None
    assert echo.scheduled.utcoffset() == timedelta(0)
    assert echo.scheduled == datetime(year, 5, 1, 0, 0, tzinfo=UTC)
    assert echo.message_expiry_timestamp == datetime(year, 5, 2, 0, 0, tzinfo=UTC)
    assert result["messages"][0]["scheduled"] == echo.scheduled
    # What went on the wire is UTC text.
    stored = sandbox.messages()[0]
    assert stored["scheduled"].endswith("Z")
    assert stored["scheduled"].startswith(f"{year}-05-01T00:00:00")
    status = api.status(echo.message_id)
    assert status.status == "scheduled"
    assert status.scheduled == echo.scheduled
    assert status.scheduled.utcoffset() == timedelta(0)


# --------------------------------------------------------------------------- schedule + cancel


@pytest.mark.parametrize("cancel_body", ["dict", "model", "model_positional"])
def test_scheduled_cancel_then_cancel_again_is_400(api, sandbox, auth, cancel_body):
    future = datetime.now(UTC) + timedelta(days=1)
    echo = api.send(
        {
            "messages": [
                {
                    "content": "scheduled",
                    "destination_number": DEST,
                    "scheduled": future,
                    "metadata": {"k": "v"},
                }
            ]
        }
    ).messages[0]
    assert api.status(echo.message_id).status == "scheduled"
    sandbox.advance(to_final=True)  # the clock has not reached it: it stays scheduled
    assert api.status(echo.message_id).status == "scheduled"

    body = {
        "dict": {"status": "cancelled"},
        "model": CancelScheduledMessageRequest(),
        "model_positional": CancelScheduledMessageRequest("cancelled"),
    }[cancel_body]
    api.cancel(echo.message_id, body)

    status = api.status(echo.message_id)
    assert status.status == "cancelled"
    assert status["metadata"] == {"k": "v"}
    assert sandbox.messages()[0]["status"] == "cancelled"
    cancel_log = [e for e in sandbox.request_log("/v1/messages/") if e["method"] != "GET"]
    assert [(e["method"], e["status"], e["auth_scheme"]) for e in cancel_log] == [
        ("PUT", 200, auth)
    ]

    with pytest.raises(BadRequestError) as caught:
        api.cancel(echo.message_id, body)
    err = caught.value
    assert err.status_code == 400
    assert err.response_code == 400
    assert not isinstance(err, SendMessages400ResponseException)  # that one is for sends
    assert err.message and "scheduled" in err.message
    assert err.details
    # A cancelled message never moves again.
    sandbox.advance(seconds=3 * 86400, to_final=True)
    assert api.status(echo.message_id).status == "cancelled"


def test_scheduled_message_is_released_when_due(api, sandbox):
    future = datetime.now(UTC) + timedelta(hours=2)
    echo = api.send(
        {"messages": [{"content": "x", "destination_number": DEST, "scheduled": future}]}
    ).messages[0]
    sandbox.advance(seconds=3 * 3600, to_final=True)
    assert api.status(echo.message_id).status == "delivered"
    with pytest.raises(BadRequestError):
        api.cancel(echo.message_id, {"status": "cancelled"})


# --------------------------------------------------------------------------- status + credits


def test_status_follows_the_lifecycle(api, sandbox):
    echo = api.send({"messages": [{"content": "s", "destination_number": DEST}]}).messages[0]
    seen = [api.status(echo.message_id).status]
    for _ in range(3):
        sandbox.advance()
        status = api.status(echo.message_id)
        assert isinstance(status, GetMessageStatusResponse)
        assert status["status"] == status.status
        seen.append(status.status)
    assert seen == ["queued", "enroute", "submitted", "delivered"]
    assert api.status(echo.message_id).message_id == echo.message_id


def test_credits_decrease_by_messages_sent(api, sandbox, auth):
    before = api.credits()
    assert isinstance(before["remaining_credits"], int)
    api.send({"messages": [{"content": f"c{i}", "destination_number": DEST} for i in range(3)]})
    after = api.credits()
    assert before["remaining_credits"] - after["remaining_credits"] == 3
    entry = last_request(sandbox)
    assert (entry["method"], entry["path"], entry["auth_scheme"]) == (
        "GET",
        "/v1/messaging/credits",
        auth,
    )


# --------------------------------------------------------------------------- delivery reports


def test_delivery_reports_lifecycle_then_confirm(api, sandbox, body_kind):
    metadata = {"campaign": "spring", "row": "7"}
    echo = api.send(
        {
            "messages": [
                {
                    "content": "Report me",
                    "destination_number": DEST,
                    "delivery_report": True,
                    "metadata": metadata,
                },
                {"content": "No reports", "destination_number": DEST},  # delivery_report false
            ]
        }
    ).messages[0]
    empty = api.check_dr()
    assert isinstance(empty, CheckDeliveryReportsResponse)
    assert empty.delivery_reports == []

    for _ in range(3):
        sandbox.advance()
    checked = api.check_dr()
    reports = checked.delivery_reports
    assert all(isinstance(r, DeliveryReport) for r in reports)
    assert [r.status for r in reports] == ["enroute", "submitted", "delivered"]
    assert [r.error_code for r in reports] == ["101", "200", "220"]
    for report in reports:
        assert report.message_id == echo.message_id
        assert report.metadata == metadata
        assert report.source_number == DEST  # the DR comes from the original destination
        assert report.original_text == "Report me"
        assert is_uuid(report.delivery_report_id)
        assert isinstance(report.date_received, datetime)
        assert report.date_received.utcoffset() == timedelta(0)
        assert isinstance(report.submitted_date, datetime)
        assert isinstance(report.vendor_account_id, VendorAccountId)
        assert report.vendor_account_id.account_id == sandbox.api_key
    assert checked["delivery_reports"][0]["delivery_report_id"] == reports[0].delivery_report_id
    assert checked["delivery_reports"][2]["metadata"]["campaign"] == "spring"
    assert checked["delivery_reports"][0]["vendor_account_id"]["account_id"] == sandbox.api_key

    ids = [r.delivery_report_id for r in reports]
    first_two = (
        {"delivery_report_ids": ids[:2]}
        if body_kind == "dict"
        else ConfirmDeliveryReportsAsReceivedRequest(delivery_report_ids=ids[:2])
    )
    assert api.confirm_dr(first_two) == ""
    assert [r.delivery_report_id for r in api.check_dr().delivery_reports] == ids[2:]
    last = (
        {"delivery_report_ids": ids[2:]}
        if body_kind == "dict"
        else ConfirmDeliveryReportsAsReceivedRequest1(delivery_report_ids=ids[2:])
    )
    api.confirm_dr(last)
    assert api.check_dr().delivery_reports == []
    assert sandbox.stats()["unconfirmed_delivery_reports"] == 0
    confirms = sandbox.request_log("/v1/delivery_reports/confirmed")
    assert [(e["method"], e["status"]) for e in confirms] == [("POST", 202), ("POST", 202)]


MAGIC = {
    "901": ("failed", "400"),
    "902": ("expired", "401"),
    "903": ("rejected", "402"),
    "905": ("delivered", "220"),
}


def test_magic_numbers_reach_their_outcomes(api, sandbox):
    destinations = {suffix: f"+61491570{suffix}" for suffix in MAGIC}
    content = "Magic number outcome check, long enough"
    result = api.send(
        {
            "messages": [
                {"content": content, "destination_number": number, "delivery_report": True}
                for number in destinations.values()
            ]
        }
    )
    ids = {suffix: m.message_id for suffix, m in zip(MAGIC, result.messages, strict=True)}
    sandbox.advance(to_final=True)

    finals = {}
    for report in api.check_dr().delivery_reports:
        if report.status not in ("enroute", "submitted"):
            finals[report.message_id] = (report.status, report.error_code, report.source_number)
    for suffix, (status, code) in MAGIC.items():
        assert api.status(ids[suffix]).status == status, suffix
        assert finals[ids[suffix]] == (status, code, destinations[suffix]), suffix

    replies = api.check_replies().replies
    assert len(replies) == 1  # only the 905 handset answers
    reply = replies[0]
    assert isinstance(reply, Reply)
    assert reply.message_id == ids["905"]
    assert reply.content == "Auto-reply to: " + content[:20]
    assert reply.source_number == destinations["905"]


# --------------------------------------------------------------------------- replies


def test_injected_reply_then_confirm(api, sandbox, body_kind):
    metadata = {"ticket": "T-9"}
    echo = api.send(
        {
            "messages": [
                {
                    "content": "Reply YES",
                    "destination_number": DEST,
                    "source_number": SOURCE,
                    "metadata": metadata,
                }
            ]
        }
    ).messages[0]
    assert api.check_replies().replies == []
    sandbox.inject_reply(echo.message_id, "YES please ✓")
    sandbox.inject_reply(echo.message_id, "and again")

    checked = api.check_replies()
    assert isinstance(checked, CheckRepliesResponse)
    replies = checked.replies
    assert all(isinstance(r, Reply) for r in replies)
    assert [r.content for r in replies] == ["YES please ✓", "and again"]
    first = replies[0]
    assert first.message_id == echo.message_id
    assert (first.source_number, first.destination_number) == (DEST, SOURCE)  # swapped
    assert first.metadata == metadata
    assert is_uuid(first.reply_id)
    assert isinstance(first.date_received, datetime)
    assert first.date_received.utcoffset() == timedelta(0)
    assert first.vendor_account_id.account_id == sandbox.api_key
    assert checked["replies"][0]["reply_id"] == first.reply_id
    assert checked["replies"][0]["metadata"]["ticket"] == "T-9"

    ids = [r.reply_id for r in replies]
    body = (
        {"reply_ids": ids[:1]}
        if body_kind == "dict"
        else ConfirmRepliesAsReceivedRequest(reply_ids=ids[:1])
    )
    assert api.confirm_replies(body) == ""
    assert [r.reply_id for r in api.check_replies().replies] == ids[1:]
    rest = (
        {"reply_ids": ids[1:]}
        if body_kind == "dict"
        else ConfirmRepliesAsReceivedRequest1(reply_ids=ids[1:])
    )
    api.confirm_replies(rest)
    assert api.check_replies().replies == []
    assert sandbox.stats()["unconfirmed_replies"] == 0


def test_reply_to_message_without_source_has_no_destination(api, sandbox):
    echo = api.send({"messages": [{"content": "hi", "destination_number": DEST}]}).messages[0]
    sandbox.inject_reply(echo.message_id, "who is this?")
    reply = api.check_replies().replies[0]
    assert reply.source_number == DEST
    assert reply.destination_number is None
    assert "destination_number" not in reply


# --------------------------------------------------------------------------- surface


def test_every_method_hits_its_endpoint(api, sandbox, auth):
    """Each name (2.x or 1.1.0) sends the documented method and path, in both auth modes."""
    echo = api.send(
        {
            "messages": [
                {
                    "content": "all",
                    "destination_number": "+61491570905",
                    "delivery_report": True,
                    "scheduled": datetime.now(UTC) + timedelta(minutes=5),
                }
            ]
        }
    ).messages[0]
    api.status(echo.message_id)
    api.cancel(echo.message_id, {"status": "cancelled"})
    api.credits()
    other = api.send({"messages": [{"content": "x", "destination_number": "+61491570905",
                                    "delivery_report": True}]}).messages[0]  # fmt: skip
    sandbox.advance(to_final=True)
    reports = api.check_dr().delivery_reports
    api.confirm_dr({"delivery_report_ids": [r.delivery_report_id for r in reports]})
    replies = api.check_replies().replies
    assert [r.message_id for r in replies] == [other.message_id]
    api.confirm_replies({"reply_ids": [r.reply_id for r in replies]})

    log = [(e["method"], e["path"], e["status"], e["auth_scheme"]) for e in sandbox.request_log()]
    path = f"/v1/messages/{echo.message_id}"
    assert log == [
        ("POST", "/v1/messages", 202, auth),
        ("GET", path, 200, auth),
        ("PUT", path, 200, auth),
        ("GET", "/v1/messaging/credits", 200, auth),
        ("POST", "/v1/messages", 202, auth),
        ("GET", "/v1/delivery_reports", 200, auth),
        ("POST", "/v1/delivery_reports/confirmed", 202, auth),
        ("GET", "/v1/replies", 200, auth),
        ("POST", "/v1/replies/confirmed", 202, auth),
    ]
    assert sandbox.stats()["auth_failures"] == 0


def test_seed_names_are_the_same_methods(client):
    m, d, r = client.messages, client.delivery_reports, client.replies
    assert m.create_send_messages == m.send_messages
    assert m.update_cancel_scheduled_message == m.cancel_scheduled_message
    assert d.get_check_delivery_reports == d.check_delivery_reports
    assert d.create_confirm_delivery_reports_as_received == d.confirm_delivery_reports_as_received
    assert r.get_check_replies == r.check_replies
    assert r.create_confirm_replies_as_received == r.confirm_replies_as_received


def test_pytest_plugin_fixtures(mm_sandbox, mm_client):
    """The package's pytest plugin gives a running sandbox and a client wired to it."""
    result = mm_client.messages.send_messages(
        {"messages": [{"content": "via plugin", "destination_number": DEST}]}
    )
    message_id = result["messages"][0]["message_id"]
    assert [m["message_id"] for m in mm_sandbox.messages()] == [message_id]
    assert mm_sandbox.messages()[0]["account"] == mm_sandbox.api_key
    assert mm_sandbox.request_log()[-1]["auth_scheme"] == "basic"
    assert mm_client.messages.get_message_status(message_id).status == "queued"
