"""Validation of whole request bodies: send, confirm, cancel, and message ids."""

from __future__ import annotations

import json
from typing import Any

import pytest

from message_media_messages._validation import cancel_body, confirm_body, message_id, send_body
from message_media_messages.exceptions.api_exception import ValidationError
from message_media_messages.models import (
    CancelScheduledMessageRequest,
    ConfirmDeliveryReportsAsReceivedRequest,
    ConfirmDeliveryReportsAsReceivedRequest1,
    ConfirmRepliesAsReceivedRequest,
    Message,
    SendMessagesRequest,
)

OK = {"content": "Hello", "destination_number": "+61491570156"}


def problems(call: Any, *args: Any) -> list[tuple[str, str, int | None]]:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return [(p.field, p.rule, p.index) for p in caught.value.problems]


def test_send_body_from_the_seed_json_is_serialisable_once() -> None:
    seed = json.loads('{"messages":[{"content":"My first message","destination_number":'
                      '"+61491570156","delivery_report":true,"format":"SMS"}]}')  # fmt: skip
    body = send_body(seed)
    assert body == seed
    assert body is not seed
    assert body["messages"][0] is not seed["messages"][0]
    assert json.loads(json.dumps(body)) == seed


def test_send_body_from_a_model() -> None:
    request = SendMessagesRequest([Message("Hi", "+61491570156", format="SMS")])
    request.additional_properties["trace"] = "t1"
    assert send_body(request) == {
        "messages": [{"content": "Hi", "destination_number": "+61491570156",
                      "delivery_report": False, "format": "SMS"}],
        "trace": "t1",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [("messages", "is required", None)]),
        (SendMessagesRequest(), [("messages", "is required", None)]),
        ({"messages": "x"}, [("messages", "must be a list (got str)", None)]),
        ({"messages": []}, [("messages", "must hold 1 to 100 messages (got 0)", None)]),
        ({"messages": [OK] * 101}, [("messages", "must hold 1 to 100 messages (got 101)", None)]),
        ({"messages": [OK], "extra": {1, 2}}, [
            ("extra", "must be JSON-serialisable (str, int, float, bool, None, list, dict) "
                      "and UTF-8 text", None)]),
        ({"messages": [OK], 3: "x"}, [("<int key>", "keys must be strings", None)]),
        (None, [("body", "must be a SendMessagesRequest or a JSON object", None)]),
        ([OK], [("body", "must be a SendMessagesRequest or a JSON object", None)]),
    ],
)  # fmt: skip
def test_send_body_shape(body: Any, expected: list[tuple[str, str, int | None]]) -> None:
    assert problems(send_body, body) == expected


def test_send_body_accepts_exactly_100_messages() -> None:
    assert len(send_body({"messages": [OK] * 100})["messages"]) == 100


def test_send_body_keeps_valid_extra_body_keys_and_drops_none() -> None:
    assert send_body({"messages": [OK], "x": 1, "y": None}) == {"messages": [OK], "x": 1}


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"delivery_report_ids": ["a", "b"]}, "delivery_report_ids"),
        (ConfirmDeliveryReportsAsReceivedRequest(["a", "b"]), "delivery_report_ids"),
        (ConfirmDeliveryReportsAsReceivedRequest1(("a", "b")), "delivery_report_ids"),
        (ConfirmRepliesAsReceivedRequest(["a", "b"]), "reply_ids"),
        ({"reply_ids": ["a", "b"]}, "reply_ids"),
    ],
)
def test_confirm_body_accepts(body: Any, key: str) -> None:
    assert confirm_body(body, key) == {key: ["a", "b"]}


def test_confirm_body_accepts_100_ids() -> None:
    ids = [str(i) for i in range(100)]
    assert confirm_body({"reply_ids": ids}, "reply_ids") == {"reply_ids": ids}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [("reply_ids", "is required", None)]),
        (ConfirmRepliesAsReceivedRequest(), [("reply_ids", "is required", None)]),
        ({"reply_ids": "abc"}, [("reply_ids", "must be a list of ids (got str)", None)]),
        ({"reply_ids": []}, [("reply_ids", "must hold 1 to 100 ids (got 0)", None)]),
        ({"reply_ids": ["a"] * 101}, [("reply_ids", "must hold 1 to 100 ids (got 101)", None)]),
        ({"reply_ids": ["a", "", 3, "\ud800"]}, [
            ("reply_ids[1]", "must be a non-empty string", None),
            ("reply_ids[2]", "must be a non-empty string", None),
            ("reply_ids[3]", "must be a non-empty string", None)]),
        (ConfirmDeliveryReportsAsReceivedRequest(["a"]), [
            ("reply_ids", "is required", None)]),
        ("a,b", [("body", "must be a confirm request or a JSON object", None)]),
    ],
)  # fmt: skip
def test_confirm_body_rejects(body: Any, expected: list[tuple[str, str, int | None]]) -> None:
    assert problems(confirm_body, body, "reply_ids") == expected


def test_cancel_body() -> None:
    assert cancel_body(None) == {"status": "cancelled"}
    assert cancel_body(CancelScheduledMessageRequest()) == {"status": "cancelled"}
    assert cancel_body({"status": "cancelled"}) == {"status": "cancelled"}
    assert problems(cancel_body, {"status": "scheduled"}) == [
        ("status", 'must be "cancelled"', None)
    ]
    assert problems(cancel_body, {}) == [("status", 'is required and must be "cancelled"', None)]
    assert problems(cancel_body, CancelScheduledMessageRequest(None)) == [
        ("status", 'is required and must be "cancelled"', None)
    ]
    assert problems(cancel_body, "cancelled") == [
        ("body", "must be a CancelScheduledMessageRequest or a JSON object", None)
    ]


@pytest.mark.parametrize("value", ["877c19ef-fa2e-4cec-827a-e1df9b5509f7", "x", " padded "])
def test_message_id_accepts(value: str) -> None:
    assert message_id(value) == value


@pytest.mark.parametrize("value", ["", "   ", "\t\n", None, 5, b"id", "\ud800"])
def test_message_id_rejects(value: object) -> None:
    assert problems(message_id, value) == [("message_id", "must be a non-empty string", None)]
