"""Request validation of the sandbox (API.md section 2.10) and its body/framing checks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sandbox_helpers import ApiClient, message

from message_media_messages.sandbox import SandboxServer

E164 = (
    "messages[0].destination_number: must be + then 8 to 15 digits after '+' "
    "(E.164, first digit 1-9, e.g. +61491570156)"
)
TIMESTAMP = "must be an ISO 8601 date-time with Z or a UTC offset"

INVALID_MESSAGES: list[tuple[dict[str, Any], list[str]]] = [
    ({"destination_number": "+61491570156"}, ["messages[0].content: is required"]),
    ({"content": "x"}, ["messages[0].destination_number: is required"]),
    (message(content=""), ["messages[0].content: must be 1 to 5000 characters (got 0)"]),
    (message(content="x" * 5001), ["messages[0].content: must be 1 to 5000 characters (got 5001)"]),
    (message(content=5), ["messages[0].content: must be a string"]),
    (message("0491570156"), [E164]),
    (message("+0491570156"), [E164]),
    (message("+1"), [E164]),
    (message("+1234567"), [E164]),  # 7 digits after "+"
    (message("+٦١٤٩١٥٧٠١٥٦"), [E164]),  # non-ASCII digits
    (message("+1234567890123456"), [E164]),
    (message("+6149157015a"), [E164]),
    (message(61491570156), [E164]),
    (message(format="sms"), ["messages[0].format: must be one of SMS, MMS, TTS"]),
    (message(metadata=[]), ["messages[0].metadata: must be an object"]),
    (
        message(metadata={f"k{i}": "v" for i in range(11)}),
        ["messages[0].metadata: at most 10 pairs (got 11)"],
    ),
    (
        message(metadata={"k" * 101: "v"}),
        [f"messages[0].metadata: key '{'k' * 40}...' is longer than 100 characters"],
    ),
    (
        message(metadata={"k": "v" * 257}),
        ["messages[0].metadata['k']: must be a string of at most 256 characters"],
    ),
    (
        message(metadata={"k": 1}),
        ["messages[0].metadata['k']: must be a string of at most 256 characters"],
    ),
    (message(media=["https://x.test/a.png"]), ["messages[0].media: only allowed with format MMS"]),
    (
        message(format="MMS", media=["ftp://x.test/a.png", "https://ok.test/b.gif"]),
        ["messages[0].media[0]: must be an http(s) URL"],
    ),
    (
        message(format="MMS", media="https://x.test/a.png"),
        ["messages[0].media: must be a list of http(s) URLs"],
    ),
    (message(subject="hi"), ["messages[0].subject: only allowed with format MMS"]),
    (
        message(format="MMS", subject="s" * 65),
        ["messages[0].subject: must be 0 to 64 characters (got 65)"],
    ),
    (
        message(source_number_type="INTERNATIONAL"),
        ["messages[0].source_number_type: only allowed with source_number"],
    ),
    (
        message(source_number="+61491570157", source_number_type="LONGCODE"),
        ["messages[0].source_number_type: must be one of INTERNATIONAL, ALPHANUMERIC, SHORTCODE"],
    ),
    (message(scheduled="2030-01-01T12:00:00"), [f"messages[0].scheduled: {TIMESTAMP}"]),
    (message(scheduled="2030-02-30T12:00:00Z"), [f"messages[0].scheduled: {TIMESTAMP}"]),
    (message(scheduled="tomorrow"), [f"messages[0].scheduled: {TIMESTAMP}"]),
    (
        message(message_expiry_timestamp="2030-01-01 12:00:00Z"),
        [f"messages[0].message_expiry_timestamp: {TIMESTAMP}"],
    ),
    (
        message(message_expiry_timestamp="2030-01-01T12:00:00+05:75"),
        [f"messages[0].message_expiry_timestamp: {TIMESTAMP}"],
    ),
    (message(callback_url="not a url"), ["messages[0].callback_url: must be an http(s) URL"]),
    (message(callback_url="mailto:a@b.c"), ["messages[0].callback_url: must be an http(s) URL"]),
    (message(callback_url="https://"), ["messages[0].callback_url: must be an http(s) URL"]),
    (message(delivery_report="true"), ["messages[0].delivery_report: must be true or false"]),
    (message(delivery_report=1), ["messages[0].delivery_report: must be true or false"]),
    ("just a string", ["messages[0]: must be an object"]),
]


@pytest.mark.parametrize(("bad", "details"), INVALID_MESSAGES)
def test_each_rule_gives_one_detail(
    sandbox: SandboxServer, client: ApiClient, bad: Any, details: list[str]
) -> None:
    response = client.request("POST", "/v1/messages", {"messages": [bad]})
    assert response.status == 400
    assert response.json()["details"] == details
    assert isinstance(response.json()["message"], str)
    assert sandbox.messages() == []


@pytest.mark.parametrize(
    ("number", "accepted"),
    [
        ("+12345678", True),  # 8 digits after "+": the API's minimum
        ("+123456789012345", True),  # 15 digits: the maximum (16 characters)
        ("+1234567", False),
        ("+1234567890123456", False),
        ("+02345678", False),
    ],
)
def test_destination_number_takes_8_to_15_digits(
    sandbox: SandboxServer, client: ApiClient, number: str, accepted: bool
) -> None:
    response = client.send(message(number))
    assert response.status == (202 if accepted else 400)
    if accepted:
        assert response.json()["messages"][0]["destination_number"] == number
    else:
        assert response.json()["details"] == [E164]
        assert "8 to 15 digits after '+'" in E164


def test_many_problems_one_detail_each_and_nothing_stored(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    batch = [message(f"+6149157{i:04d}") for i in range(6)]
    batch[1]["content"] = ""
    batch[3]["destination_number"] = "12345"
    batch[3]["format"] = "FAX"
    batch[5]["destination_number"] = "+61491570999"  # magic: unreachable
    response = client.request("POST", "/v1/messages", {"messages": batch})
    assert response.status == 400
    assert response.json()["details"] == [
        "messages[1].content: must be 1 to 5000 characters (got 0)",
        E164.replace("[0]", "[3]"),
        "messages[3].format: must be one of SMS, MMS, TTS",
        "messages[5].destination_number: destination is not reachable (sandbox magic number 999)",
    ]
    assert sandbox.messages() == []
    assert client.request("GET", "/v1/messaging/credits").json()["remaining_credits"] == 1_000_000


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "messages: is required"),
        ({"messages": None}, "messages: is required"),
        ({"messages": {}}, "messages: must be a list"),
        ({"messages": []}, "messages: must contain 1 to 100 messages (got 0)"),
        ({"messages": [message()] * 101}, "messages: must contain 1 to 100 messages (got 101)"),
        ([message()], "body: must be a JSON object"),
        ("text", "body: must be a JSON object"),
    ],
)
def test_request_shape(sandbox: SandboxServer, client: ApiClient, body: Any, detail: str) -> None:
    response = client.request("POST", "/v1/messages", body)
    assert (response.status, response.json()["details"]) == (400, [detail])
    assert sandbox.messages() == []


def test_limits_are_inclusive_and_unknown_fields_ignored(client: ApiClient) -> None:
    at_limits = message(
        "+123456789012345",
        "é" * 5000,
        format="MMS",
        subject="s" * 64,
        metadata={("k" * 99 + str(i)): "v" * 256 for i in range(10)},
        media=["http://x.test/a.gif"],
        source_number="MyBrand",
        source_number_type="ALPHANUMERIC",
        scheduled="2020-01-01T00:00:00.123456789-05:30",
        callback_url="https://a.test:8443/p?q=1",
        message_expiry_timestamp="2030-01-01T00:00:00z",
        unknown={"nested": True},
        status="x",
        message_id="client-chosen",
    )
    response = client.send(at_limits, *([message()] * 99))
    assert response.status == 202
    echoed = response.json()["messages"]
    assert len(echoed) == 100
    assert echoed[0]["message_id"] != "client-chosen" and echoed[0]["status"] == "queued"
    assert "unknown" not in echoed[0]


def test_null_optional_fields_count_as_absent(client: ApiClient) -> None:
    response = client.send(message(callback_url=None, scheduled=None, metadata=None))
    assert response.status == 202
    assert "callback_url" not in response.json()["messages"][0]


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        ("/v1/delivery_reports/confirmed", {}, "delivery_report_ids: is required"),
        (
            "/v1/delivery_reports/confirmed",
            {"delivery_report_ids": "a"},
            "delivery_report_ids: must be a list of strings",
        ),
        (
            "/v1/delivery_reports/confirmed",
            {"delivery_report_ids": ["a"] * 101},
            "delivery_report_ids: at most 100 ids per request (got 101)",
        ),
        (
            "/v1/replies/confirmed",
            {"reply_ids": ["ok", 7]},
            "reply_ids[1]: must be a non-empty string",
        ),
        ("/v1/replies/confirmed", {"reply_ids": [""]}, "reply_ids[0]: must be a non-empty string"),
        ("/v1/replies/confirmed", [], "body: must be a JSON object"),
    ],
)
def test_confirm_body_rules(client: ApiClient, path: str, body: Any, detail: str) -> None:
    response = client.request("POST", path, body)
    assert (response.status, response.json()["details"]) == (400, [detail])


def test_confirm_accepts_100_ids(client: ApiClient) -> None:
    response = client.request("POST", "/v1/replies/confirmed", {"reply_ids": ["x"] * 100})
    assert (response.status, response.body) == (202, b"")


@pytest.mark.parametrize(
    ("raw", "headers", "detail"),
    [
        (b'{"messages": [', {}, "Failed to parse message body"),
        (b"\xff\xfe{}", {}, "Failed to parse message body"),
        (b'{"messages": NaN}', {}, "Failed to parse message body"),
        (b"[" * 100_000, {}, "Failed to parse message body"),
        (b"", {"Content-Type": "application/json"}, "Failed to parse message body: empty"),
        (
            json.dumps({"messages": [message()]}).encode(),
            {"Content-Type": "text/plain"},
            "Content-Type must be application/json",
        ),
        (
            json.dumps({"messages": [message()]}).encode(),
            {"Content-Type": "application/json; charset=latin-1"},
            "charset must be utf-8",
        ),
    ],
)
def test_body_decoding_errors(
    sandbox: SandboxServer, client: ApiClient, raw: bytes, headers: dict[str, str], detail: str
) -> None:
    response = client.request("POST", "/v1/messages", raw=raw, headers=headers)
    assert response.status == 400
    assert response.json()["details"][0].startswith(detail)
    assert sandbox.messages() == []


def test_content_type_variants_accepted(client: ApiClient) -> None:
    body = json.dumps({"messages": [message()]}).encode()
    for value in ("application/json", "Application/JSON", 'application/json; charset="UTF-8"'):
        assert (
            client.request("POST", "/v1/messages", raw=body, headers={"Content-Type": value}).status
            == 202
        )


def test_body_over_max_is_400_and_connection_closed(make_sandbox, make_client) -> None:
    server = make_sandbox(max_body=1000)
    api = make_client(server)
    big = {"messages": [message(content="x" * 2000)]}
    response = api.request("POST", "/v1/messages", big)
    assert response.status == 400
    assert response.json()["details"] == [
        f"body of {len(json.dumps(big))} bytes exceeds the sandbox limit of 1000 bytes"
    ]
    assert response.headers["connection"] == "close"
    assert api.send(message()).status == 202  # a new connection works
    assert len(server.messages()) == 1


def test_default_max_body_is_one_mebibyte(client: ApiClient) -> None:
    over = b"{" + b" " * (1 << 20) + b"}"
    response = client.request("POST", "/v1/messages", raw=over)
    assert (
        response.status == 400 and "exceeds the sandbox limit of 1048576" in response.body.decode()
    )
    under = (
        b'{"messages":[{"content":"x","destination_number":"+61491570156"}]' + b" " * 4000 + b"}"
    )
    assert client.request("POST", "/v1/messages", raw=under).status == 202
