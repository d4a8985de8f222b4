"""Validation of one message: every documented rule, passing and failing, with index and text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from message_media_messages._validation import message_problems, send_body, wire_message
from message_media_messages.exceptions.api_exception import Problem, ValidationError
from message_media_messages.models import Message

UTC = timezone.utc
PLUS_TEN = timezone(timedelta(hours=10))
OK = {"content": "Hello", "destination_number": "+61491570156"}

E164 = "must be '+' then 8 to 15 digits after '+' (E.164, first digit 1-9, e.g. +61491570156)"
URL = "must be an http(s) URL with a host"
TIME = (
    "must be a timezone-aware datetime or ISO 8601 text with an offset, like 2030-01-01T09:00:00Z"
)
NAIVE = "must have a timezone (an offset or Z): a naive time is never assumed to be UTC"
JSON = "must be JSON-serialisable (str, int, float, bool, None, list, dict) and UTF-8 text"
MMS_ONLY = "is only allowed with format MMS"
METADATA_KEYS = "keys must be strings of 1 to 100 characters"
METADATA_VALUES = "values must be strings of at most 256 characters"


def problems_at_index_1(message: dict[Any, Any]) -> list[tuple[str, str, int | None]]:
    """Send `message` second in a request and return its problems as (field, rule, index)."""
    with pytest.raises(ValidationError) as caught:
        send_body({"messages": [OK, message]})
    # The rule without the value it was given ("...; got '12'"), which test_numbers checks.
    return [(p.field, p.rule.split("; got ")[0], p.index) for p in caught.value.problems]


def wire_of(message: dict[str, Any]) -> dict[str, Any]:
    """Send `message` alone and return its wire form (fails the test on ValidationError)."""
    wire: dict[str, Any] = send_body({"messages": [message]})["messages"][0]
    return wire


FAILING: list[tuple[dict[Any, Any], str, str]] = [
    ({"destination_number": "+61491570156"}, "content", "is required"),
    ({**OK, "content": None}, "content", "is required"),
    ({**OK, "content": 5}, "content", "must be a string (got int)"),
    ({**OK, "content": ""}, "content", "must be 1 to 5000 characters long (got 0)"),
    ({**OK, "content": "a" * 5001}, "content", "must be 1 to 5000 characters long (got 5001)"),
    ({**OK, "content": "bad \ud800"}, "content",
     "must be encodable as UTF-8 (it contains a lone surrogate)"),
    ({"content": "x"}, "destination_number", "is required"),
    ({**OK, "destination_number": "0491570156"}, "destination_number", E164),
    ({**OK, "destination_number": "+0491570156"}, "destination_number", E164),
    ({**OK, "destination_number": "+1"}, "destination_number", E164),
    ({**OK, "destination_number": "+1234567"}, "destination_number", E164),  # 7 digits
    ({**OK, "destination_number": "+6149157"}, "destination_number", E164),
    ({**OK, "destination_number": "+1234567890123456"}, "destination_number", E164),
    ({**OK, "destination_number": "+61 491570156"}, "destination_number", E164),
    ({**OK, "destination_number": "+61491570156\n"}, "destination_number", E164),
    ({**OK, "destination_number": "+\u0666\u0661\u0664\u0669"}, "destination_number", E164),
    ({**OK, "destination_number": 61491570156}, "destination_number", E164),
    ({**OK, "format": "sms"}, "format", "must be one of SMS, MMS, TTS"),
    ({**OK, "format": ["SMS"]}, "format", "must be one of SMS, MMS, TTS"),
    ({**OK, "delivery_report": "true"}, "delivery_report", "must be true or false"),
    ({**OK, "delivery_report": 1}, "delivery_report", "must be true or false"),
    ({**OK, "callback_url": "ftp://host/x"}, "callback_url", URL),
    ({**OK, "callback_url": "http://"}, "callback_url", URL),
    ({**OK, "callback_url": "https:///path"}, "callback_url", URL),
    ({**OK, "callback_url": "example.com/hook"}, "callback_url", URL),
    ({**OK, "callback_url": "http://exa mple.com"}, "callback_url", URL),
    ({**OK, "callback_url": " http://example.com"}, "callback_url", URL),
    ({**OK, "callback_url": "http://example.com/a\u00a0b"}, "callback_url", URL),
    ({**OK, "callback_url": "http://example.com/\x00"}, "callback_url", URL),
    ({**OK, "callback_url": "http://[::1"}, "callback_url", URL),
    ({**OK, "callback_url": "http://host:port/"}, "callback_url", URL),
    ({**OK, "callback_url": 5}, "callback_url", URL),
    ({**OK, "metadata": "k=v"}, "metadata", "must be an object of string keys and string values"),
    ({**OK, "metadata": {f"k{i}": "v" for i in range(11)}}, "metadata",
     "must have at most 10 pairs (got 11)"),
    ({**OK, "metadata": {"": "v"}}, "metadata", METADATA_KEYS),
    ({**OK, "metadata": {"k" * 101: "v"}}, "metadata", METADATA_KEYS),
    ({**OK, "metadata": {1: "v"}}, "metadata", METADATA_KEYS),
    ({**OK, "metadata": {"k": 1}}, "metadata", METADATA_VALUES),
    ({**OK, "metadata": {"k": "v" * 257}}, "metadata", METADATA_VALUES),
    ({**OK, "media": ["https://x.example/a.png"]}, "media", MMS_ONLY),
    ({**OK, "format": "SMS", "media": ["https://x.example/a.png"]}, "media", MMS_ONLY),
    ({**OK, "format": "MMS", "media": "https://x.example/a.png"}, "media",
     "must be a list of http(s) URLs"),
    ({**OK, "format": "MMS", "media": ["a.png"]}, "media", "must be a list of http(s) URLs"),
    ({**OK, "subject": "hi"}, "subject", MMS_ONLY),
    ({**OK, "format": "MMS", "subject": "s" * 65}, "subject",
     "must be a string of at most 64 characters"),
    ({**OK, "source_number": ""}, "source_number", "must be a non-empty string"),
    ({**OK, "source_number": 61491570156}, "source_number", "must be a non-empty string"),
    ({**OK, "source_number_type": "INTERNATIONAL"}, "source_number_type",
     "is only allowed with source_number"),
    ({**OK, "source_number": "+61491570157", "source_number_type": "LONGCODE"},
     "source_number_type", "must be one of INTERNATIONAL, ALPHANUMERIC, SHORTCODE"),
    ({**OK, "scheduled": "2030-01-01T10:00:00"}, "scheduled", NAIVE),
    ({**OK, "scheduled": datetime(2030, 1, 1, 10)}, "scheduled", NAIVE),
    ({**OK, "scheduled": "tomorrow"}, "scheduled", TIME),
    ({**OK, "scheduled": 1893456000}, "scheduled", TIME),
    ({**OK, "scheduled": datetime(1, 1, 1, tzinfo=PLUS_TEN)}, "scheduled",
     "is out of range once converted to UTC"),
    ({**OK, "scheduled": "0001-01-01T00:00:00+01:00"}, "scheduled",
     "is out of range once converted to UTC"),
    ({**OK, "scheduled": "9999-12-31T23:59:59-01:00"}, "scheduled",
     "is out of range once converted to UTC"),
    ({**OK, "message_expiry_timestamp": "2030-01-01"}, "message_expiry_timestamp", NAIVE),
    ({**OK, "message_expiry_timestamp": "soon"}, "message_expiry_timestamp", TIME),
    ({**OK, "extra": {1, 2}}, "extra", JSON),
    ({**OK, "extra": float("nan")}, "extra", JSON),
    ({**OK, "extra": ["\udc80"]}, "extra", JSON),
    ({**OK, "extra": 10**5000}, "extra", JSON),
    ({**OK, "extra": datetime(2030, 1, 1, tzinfo=UTC)}, "extra", JSON),
    ({**OK, 7: "x"}, "<int key>", "keys must be strings"),
    ({**OK, "k\udc80": "x"}, "k?", "keys must be UTF-8 text"),
]  # fmt: skip


@pytest.mark.parametrize(("message", "field", "rule"), FAILING)
def test_each_rule_fails_with_field_index_and_text(
    message: dict[Any, Any], field: str, rule: str
) -> None:
    assert problems_at_index_1(message) == [(field, rule, 1)]


def same(message: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A passing case whose wire form equals the input."""
    return message, message


PASSING: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (OK, OK),
    ({**OK, "content": "a" * 5000}, {**OK, "content": "a" * 5000}),
    ({**OK, "content": "é😀"}, {**OK, "content": "é😀"}),
    same({**OK, "destination_number": "+123456789012345"}),
    same({**OK, "destination_number": "+12345678"}),  # 8 digits: the API's minimum
    same({**OK, "format": "TTS", "delivery_report": False}),
    ({**OK, "callback_url": "HTTPS://example.com:8443/cb?x=1"},
     {**OK, "callback_url": "HTTPS://example.com:8443/cb?x=1"}),
    ({**OK, "metadata": {("k" * 100 if i == 0 else f"k{i}"): "v" * 256 for i in range(10)}},
     {**OK, "metadata": {("k" * 100 if i == 0 else f"k{i}"): "v" * 256 for i in range(10)}}),
    ({**OK, "metadata": {"k": ""}}, {**OK, "metadata": {"k": ""}}),
    ({**OK, "format": "MMS", "media": ["https://x.example/a.png", "http://y.example/b.gif"],
      "subject": "s" * 64},
     {**OK, "format": "MMS", "media": ["https://x.example/a.png", "http://y.example/b.gif"],
      "subject": "s" * 64}),
    ({**OK, "format": "MMS", "media": ("https://x.example/a.png",), "subject": ""},
     {**OK, "format": "MMS", "media": ["https://x.example/a.png"], "subject": ""}),
    ({**OK, "source_number": "MyCompany", "source_number_type": "ALPHANUMERIC"},
     {**OK, "source_number": "MyCompany", "source_number_type": "ALPHANUMERIC"}),
    ({**OK, "scheduled": "2030-01-01T10:00:00+10:00"},
     {**OK, "scheduled": "2030-01-01T00:00:00.000Z"}),
    ({**OK, "scheduled": "2030-01-01T00:00:00.5Z"},
     {**OK, "scheduled": "2030-01-01T00:00:00.500Z"}),
    ({**OK, "scheduled": datetime(2030, 1, 1, 10, tzinfo=PLUS_TEN)},
     {**OK, "scheduled": "2030-01-01T00:00:00.000Z"}),
    ({**OK, "message_expiry_timestamp": datetime(2030, 1, 1, 0, 0, 0, 1, tzinfo=UTC)},
     {**OK, "message_expiry_timestamp": "2030-01-01T00:00:00.000001Z"}),
    ({**OK, "callback_url": None, "scheduled": None}, OK),
    ({**OK, "extra": {"a": [1, 2.5, None, True]}}, {**OK, "extra": {"a": [1, 2.5, None, True]}}),
    ({**OK, "status": "queued"}, {**OK, "status": "queued"}),
]  # fmt: skip


@pytest.mark.parametrize(("message", "wire"), PASSING)
def test_each_rule_passes(message: dict[str, Any], wire: dict[str, Any]) -> None:
    assert wire_of(message) == wire
    assert message_problems(wire, 0) == []


def test_every_problem_of_every_message_is_listed() -> None:
    bad = {"content": "", "destination_number": "0491", "format": "FAX"}
    with pytest.raises(ValidationError) as caught:
        send_body({"messages": [OK, bad, OK, {"content": "x"}]})
    error = caught.value
    assert [(p.index, p.field) for p in error.problems] == [
        (1, "content"), (1, "destination_number"), (1, "format"), (3, "destination_number"),
    ]  # fmt: skip
    assert (error.field, error.index) == ("content", 1)
    assert f"messages[1].destination_number: {E164}" in str(error)
    assert "8 to 15 digits after '+'" in str(error)
    assert "messages[3].destination_number: is required" in str(error)


def test_media_and_subject_without_mms_report_every_broken_rule() -> None:
    problems = problems_at_index_1({**OK, "media": "x", "subject": 5})
    assert problems == [
        ("media", MMS_ONLY, 1), ("media", "must be a list of http(s) URLs", 1),
        ("subject", MMS_ONLY, 1), ("subject", "must be a string of at most 64 characters", 1),
    ]  # fmt: skip


def test_message_models_and_dicts_mix() -> None:
    model = Message("Hi", "+61491570156", scheduled=datetime(2030, 1, 1, 10, tzinfo=PLUS_TEN))
    body = send_body({"messages": (model, {**OK, "metadata": {"a": "b"}})})
    assert body == {
        "messages": [
            {"content": "Hi", "destination_number": "+61491570156", "delivery_report": False,
             "scheduled": "2030-01-01T00:00:00.000Z"},
            {**OK, "metadata": {"a": "b"}},
        ]
    }  # fmt: skip


def test_model_with_naive_or_string_timestamps_is_checked() -> None:
    model = Message("Hi", "+61491570156", scheduled="2030-01-01T10:00:00")
    with pytest.raises(ValidationError) as caught:
        send_body({"messages": [model]})
    assert [(p.field, p.rule, p.index) for p in caught.value.problems] == [("scheduled", NAIVE, 0)]
    model.scheduled = "2030-01-01T10:00:00-02:00"  # set after construction: still normalised
    assert wire_message(model)["scheduled"] == "2030-01-01T12:00:00.000Z"


def test_wire_message_does_not_mutate_or_check() -> None:
    given = {"content": "", "scheduled": "2030-01-01T10:00:00+10:00", "x": None}
    wire = wire_message(given)
    assert wire == {"content": "", "scheduled": "2030-01-01T00:00:00.000Z"}
    assert given["scheduled"] == "2030-01-01T10:00:00+10:00"
    assert message_problems(wire, None) == [
        Problem("destination_number", "is required"),
        Problem("content", "must be 1 to 5000 characters long (got 0)"),
    ]


@pytest.mark.parametrize("message", [None, "text", 5, ["content"], Message])
def test_wire_message_rejects_non_objects(message: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        wire_message(message)
    error = caught.value
    assert (error.field, error.rule) == ("message", "must be a Message or a JSON object")


def test_a_message_that_is_not_an_object_is_reported_with_its_index() -> None:
    assert problems_at_index_1(["content"]) == [  # type: ignore[arg-type]
        ("message", "must be a Message or a JSON object", 1)
    ]
