"""Read access by JSON key, for code written against 1.1.0 (which returned plain dicts)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from message_media_messages.models import DeliveryReport, Message, SendMessagesResponse

RESPONSE = {
    "messages": [
        {"content": "one", "destination_number": "+61491570156", "message_id": "m-1",
         "status": "queued", "scheduled": "2030-01-01T00:00:00.000Z"},
        {"content": "two", "destination_number": "+61491570158", "delivery_report": False,
         "message_id": "m-2", "status": "queued"},
    ],
    "extra": 5,
}  # fmt: skip


def test_nested_access_like_a_dict() -> None:
    result = SendMessagesResponse.from_dictionary(RESPONSE)
    assert result["messages"][0]["message_id"] == "m-1"
    assert result["messages"][0]["scheduled"] == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert result["extra"] == 5
    assert result.get("extra") == 5
    assert "extra" in result


def test_membership_get_keys_and_items() -> None:
    second = SendMessagesResponse.from_dictionary(RESPONSE)["messages"][1]
    assert "message_id" in second
    assert "scheduled" not in second
    assert "nope" not in second
    assert 3 not in second
    assert second["scheduled"] is None
    assert second.get("scheduled", "absent") == "absent"
    assert second.get("status") == "queued"
    assert second.get("nope", 3) == 3
    assert second.keys() == ["content", "destination_number", "delivery_report", "message_id",
                             "status"]  # fmt: skip
    assert list(second) == second.keys()
    assert dict(second.items())["content"] == "two"
    assert dict(second) == second.to_dictionary()


def test_unknown_keys_raise_key_error() -> None:
    message = Message("hi")
    with pytest.raises(KeyError):
        message["nope"]
    with pytest.raises(KeyError):
        message["additional_properties"]


def test_access_reflects_mutation_and_nested_models() -> None:
    report = DeliveryReport.from_dictionary({"vendor_account_id": {"vendor_id": "v"}, "x": 1})
    assert report["vendor_account_id"]["vendor_id"] == "v"
    report.status = "delivered"
    assert report["status"] == "delivered"
    assert report.keys() == ["status", "vendor_account_id", "x"]


def test_additional_property_named_like_the_attribute_is_data() -> None:
    message = Message.from_dictionary({"additional_properties": 1, "content": "c"})
    assert message["additional_properties"] == 1
    assert message.to_dictionary() == {"content": "c", "delivery_report": False,
                                       "additional_properties": 1}  # fmt: skip
