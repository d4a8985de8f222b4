"""Models: positional order, defaults, dict round trips, leniency, dict-key access."""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import pytest

from message_media_messages import models
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

UTC = timezone.utc
WHEN = datetime(2016, 11, 3, 11, 49, 2, 807000, tzinfo=UTC)

MESSAGE_FIELDS = [
    "content", "destination_number", "callback_url", "delivery_report", "format",
    "message_expiry_timestamp", "metadata", "scheduled", "source_number", "source_number_type",
    "message_id", "status", "media", "subject",
]  # fmt: skip
STATUS_FIELDS = [
    "callback_url", "content", "destination_number", "delivery_report", "format",
    "message_expiry_timestamp", "metadata", "scheduled", "source_number", "source_number_type",
    "message_id", "status", "media", "subject",
]  # fmt: skip
REPORT_FIELDS = [
    "callback_url", "date_received", "delay", "delivery_report_id", "message_id", "metadata",
    "original_text", "source_number", "status", "submitted_date", "vendor_account_id",
    "billing_units", "error_code",
]  # fmt: skip
REPLY_FIELDS = [
    "callback_url", "content", "date_received", "destination_number", "message_id", "metadata",
    "reply_id", "source_number", "vendor_account_id",
]  # fmt: skip

ORDERS: list[tuple[type[models.Model], list[str]]] = [
    (Message, MESSAGE_FIELDS),
    (GetMessageStatusResponse, STATUS_FIELDS),
    (DeliveryReport, REPORT_FIELDS),
    (Reply, REPLY_FIELDS),
    (VendorAccountId, ["vendor_id", "account_id"]),
    (SendMessagesRequest, ["messages"]),
    (SendMessagesResponse, ["messages"]),
    (CheckDeliveryReportsResponse, ["delivery_reports"]),
    (CheckRepliesResponse, ["replies"]),
    (CancelScheduledMessageRequest, ["status"]),
    (ConfirmDeliveryReportsAsReceivedRequest, ["delivery_report_ids"]),
    (ConfirmDeliveryReportsAsReceivedRequest1, ["delivery_report_ids"]),
    (ConfirmRepliesAsReceivedRequest, ["reply_ids"]),
    (ConfirmRepliesAsReceivedRequest1, ["reply_ids"]),
]

STATUS_JSON: dict[str, Any] = {
    "format": "SMS", "content": "My first message!",
    "metadata": {"key1": "value1", "key2": "value2"},
    "message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
    "callback_url": "https://my.callback.url.com", "delivery_report": True,
    "destination_number": "+61401760575", "scheduled": "2016-11-03T11:49:02.807Z",
    "source_number": "+61491570157", "source_number_type": "INTERNATIONAL",
    "message_expiry_timestamp": "2016-11-03T11:49:02.807Z", "status": "enroute",
}  # fmt: skip
REPORT_JSON: dict[str, Any] = {
    "callback_url": "http://mockbin.org/bin/ac52",
    "delivery_report_id": "693e87f2-a553-4281-9ffe-ddf04cbc4bf3",
    "source_number": "+61491570156", "date_received": "2016-11-03T11:49:02.807Z",
    "status": "delivered", "delay": 0, "billing_units": 1,
    "submitted_date": "2016-11-03T11:49:01.551Z", "original_text": "Hello world!",
    "message_id": "389dc1a8-62a4-4110-ba61-af94806c006f",
    "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "MyAccount"},
    "error_code": "220", "metadata": {"key": "value"},
}  # fmt: skip
REPLY_JSON: dict[str, Any] = {
    "callback_url": "https://my.url.com", "content": "My first reply!",
    "date_received": "2016-11-03T11:49:02.807Z", "destination_number": "+61491570156",
    "message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7", "metadata": {"key1": "value1"},
    "reply_id": "a175e797-2b54-468b-9850-41a3eab32f74", "source_number": "+61491570157",
    "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "MyAccount"},
}  # fmt: skip
SEND_RESPONSE_JSON: dict[str, Any] = {
    "messages": [
        {**{k: v for k, v in STATUS_JSON.items()}, "status": "queued", "media": ["https://x.y/a.png"],
         "subject": "hi", "format": "MMS"},
        {"content": "two", "destination_number": "+61491570158", "delivery_report": False,
         "message_id": "11111111-2222-3333-4444-555555555555", "status": "queued"},
    ]
}  # fmt: skip

ROUND_TRIPS: list[tuple[type[models.Model], dict[str, Any]]] = [
    (Message, SEND_RESPONSE_JSON["messages"][0]),
    (GetMessageStatusResponse, STATUS_JSON),
    (DeliveryReport, REPORT_JSON),
    (Reply, REPLY_JSON),
    (VendorAccountId, {"vendor_id": "SinchEU", "account_id": "acc"}),
    (SendMessagesRequest, {"messages": [{"content": "x", "destination_number": "+61491570156",
                                         "delivery_report": False}]}),
    (SendMessagesResponse, SEND_RESPONSE_JSON),
    (CheckDeliveryReportsResponse, {"delivery_reports": [REPORT_JSON, REPORT_JSON]}),
    (CheckRepliesResponse, {"replies": [REPLY_JSON]}),
    (CancelScheduledMessageRequest, {"status": "cancelled"}),
    (ConfirmDeliveryReportsAsReceivedRequest, {"delivery_report_ids": ["a", "b"]}),
    (ConfirmDeliveryReportsAsReceivedRequest1, {"delivery_report_ids": ["a"]}),
    (ConfirmRepliesAsReceivedRequest, {"reply_ids": ["r"]}),
    (ConfirmRepliesAsReceivedRequest1, {"reply_ids": ["r", "s"]}),
]  # fmt: skip


@pytest.mark.parametrize(("cls", "expected"), ORDERS, ids=lambda x: getattr(x, "__name__", ""))
def test_positional_parameter_order_is_the_official_one(
    cls: type[models.Model], expected: list[str]
) -> None:
    params = list(inspect.signature(cls).parameters.values())
    positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == expected
    assert [p.name for p in params if p.kind is p.KEYWORD_ONLY] == ["additional_properties"]
    values = [f"v{i}" for i in range(len(expected))]
    model = cls(*values)
    assert [getattr(model, name) for name in expected] == values


def test_defaults_match_the_official_sdk() -> None:
    assert Message().delivery_report is False
    assert GetMessageStatusResponse().delivery_report is False
    assert CancelScheduledMessageRequest().status == "cancelled"
    assert SendMessagesRequest().messages is None
    assert Message().additional_properties == {}


def test_every_model_is_exported() -> None:
    exported = {cls for cls, _ in ORDERS}
    assert exported <= {getattr(models, name) for name in models.__all__}
    assert len(models.__all__) == 21


@pytest.mark.parametrize(("cls", "data"), ROUND_TRIPS, ids=lambda x: getattr(x, "__name__", ""))
def test_round_trip(cls: type[models.Model], data: dict[str, Any]) -> None:
    model = cls.from_dictionary(data)
    assert model.to_dictionary() == data
    assert cls.from_dictionary(model.to_dictionary()) == model
    assert json.loads(json.dumps(model.to_dictionary())) == data


def test_models_are_mutable_and_nested_models_are_built() -> None:
    response = SendMessagesResponse.from_dictionary(SEND_RESPONSE_JSON)
    assert isinstance(response.messages, list)
    assert all(isinstance(m, Message) for m in response.messages)
    response.messages[0].content = "changed"
    assert response.to_dictionary()["messages"][0]["content"] == "changed"
    report = DeliveryReport.from_dictionary(REPORT_JSON)
    assert report.vendor_account_id == VendorAccountId("MessageMedia", "MyAccount")
    assert report.billing_units == 1
    assert report.error_code == "220"


def test_send_response_echoing_scheduled_parses() -> None:
    """The official SDK crashes here (AttributeError: 'str' has no attribute 'isoformat')."""
    body = {"messages": [{"content": "hi", "destination_number": "+61491570156",
                          "scheduled": "2030-01-01T09:00:00.000Z",
                          "message_expiry_timestamp": "2030-01-02T09:00:00+10:00",
                          "message_id": "m", "status": "scheduled"}]}  # fmt: skip
    message = SendMessagesResponse.from_dictionary(body).messages[0]
    assert message.scheduled == datetime(2030, 1, 1, 9, tzinfo=UTC)
    assert message.message_expiry_timestamp == datetime(2030, 1, 1, 23, tzinfo=UTC)
    assert message.message_expiry_timestamp.tzinfo is UTC


def test_unknown_keys_and_enum_values_are_kept() -> None:
    data = {**STATUS_JSON, "status": "teleported", "format": "HOLOGRAM", "new_field": {"a": 1}}
    status = GetMessageStatusResponse.from_dictionary(data)
    assert status.status == "teleported"
    assert status.format == "HOLOGRAM"
    assert status.additional_properties == {"new_field": {"a": 1}}
    assert status.to_dictionary()["new_field"] == {"a": 1}
    nested = CheckRepliesResponse.from_dictionary({"replies": [{"reply_id": "r", "x": 1}], "y": 2})
    assert nested.replies[0].additional_properties == {"x": 1}
    assert nested.additional_properties == {"y": 2}


def test_null_values_keep_defaults_and_strings_stay_lenient() -> None:
    status = GetMessageStatusResponse.from_dictionary({"delivery_report": None, "delay": "x"})
    assert status.delivery_report is False
    report = DeliveryReport.from_dictionary({"delay": "7", "billing_units": "2"})
    assert (report.delay, report.billing_units) == ("7", "2")
    assert Message.from_dictionary(None) is None


@pytest.mark.parametrize(
    ("cls", "data", "error", "text"),
    [
        (Message, ["not", "an", "object"], TypeError, "expected a JSON object"),
        (Message, "text", TypeError, "expected a JSON object"),
        (SendMessagesResponse, {"messages": {"content": "x"}}, TypeError,
         "messages: expected a JSON array"),
        (SendMessagesResponse, {"messages": ["x"]}, TypeError, "messages[0]:"),
        (CheckDeliveryReportsResponse, {"delivery_reports": "x"}, TypeError, "delivery_reports"),
        (DeliveryReport, {"vendor_account_id": ["a"]}, TypeError, "vendor_account_id"),
        (Message, {"scheduled": "tomorrow"}, ValueError, "scheduled: not an ISO 8601 timestamp"),
        (Reply, {"date_received": 12}, ValueError, "date_received"),
        (SendMessagesResponse, {"messages": [{}, {"scheduled": "x"}]}, ValueError,
         "messages[1]: scheduled"),
    ],
)  # fmt: skip
def test_wrong_shapes_raise(cls: type[models.Model], data: Any, error: type, text: str) -> None:
    with pytest.raises(error) as caught:
        cls.from_dictionary(data)
    assert text in str(caught.value)


def test_timestamps_from_the_server_become_aware_utc() -> None:
    report = DeliveryReport.from_dictionary(
        {"date_received": "2016-11-03T11:49:02", "submitted_date": "2016-11-03T21:49:02+10:00"}
    )
    assert report.date_received == datetime(2016, 11, 3, 11, 49, 2, tzinfo=UTC)
    assert report.submitted_date == datetime(2016, 11, 3, 11, 49, 2, tzinfo=UTC)
    assert report.submitted_date.utcoffset() == timedelta(0)


def test_constructor_converts_timestamp_strings() -> None:
    aware = Message(scheduled="2030-01-01T10:00:00+10:00")
    assert aware.scheduled == datetime(2030, 1, 1, tzinfo=UTC)
    assert aware.scheduled.tzinfo is UTC
    naive = Message(scheduled="2030-01-01T10:00:00")
    assert naive.scheduled == datetime(2030, 1, 1, 10)
    assert naive.scheduled.tzinfo is None
    assert Message(scheduled="soon").scheduled == "soon"
    given = datetime(2030, 1, 1, tzinfo=timezone(timedelta(hours=2)))
    assert Message(scheduled=given).scheduled is given


def test_to_dictionary_formats_datetimes() -> None:
    plus_two = timezone(timedelta(hours=2))
    message = Message(
        "hi", "+61491570156",
        scheduled=datetime(2030, 1, 1, 2, 0, 0, 123000, tzinfo=plus_two),
        message_expiry_timestamp=datetime(2030, 1, 1, 0, 0, 0, 123456, tzinfo=UTC),
    )  # fmt: skip
    out = message.to_dictionary()
    assert out["scheduled"] == "2030-01-01T00:00:00.123Z"
    assert out["message_expiry_timestamp"] == "2030-01-01T00:00:00.123456Z"
    assert Message(scheduled=datetime(2030, 1, 1, 12)).to_dictionary()["scheduled"] == (
        "2030-01-01T12:00:00"
    )
    assert "callback_url" not in out
    assert out["delivery_report"] is False


def test_additional_properties_merge_but_fields_win() -> None:
    message = Message("hi", additional_properties={"content": "shadow", "extra": WHEN})
    assert message.to_dictionary() == {
        "content": "hi", "delivery_report": False, "extra": "2016-11-03T11:49:02.807Z",
    }  # fmt: skip
    assert Message("a") == Message("a", additional_properties={"x": 1})
    assert "additional_properties" not in repr(message)


def test_from_dictionary_accepts_any_mapping() -> None:
    reply = Reply.from_dictionary(MappingProxyType({"reply_id": "r", "content": "c"}))
    assert (reply.reply_id, reply.content) == ("r", "c")
