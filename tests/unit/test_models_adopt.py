"""Response models built by taking over decoded JSON (`_adopt`) behave as `from_dictionary`'s."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from datetime import datetime, timezone
from typing import Any

import pytest

from message_media_messages.controllers import messages_controller
from message_media_messages.models import (
    CheckDeliveryReportsResponse,
    GetMessageStatusResponse,
    Message,
    SendMessagesResponse,
)

BODY = json.dumps({
    "messages": [
        {"content": "one", "destination_number": "+61491570156", "delivery_report": True,
         "format": "SMS", "metadata": {"order": "1"}, "message_id": "m-1", "status": "queued"},
        {"content": "two", "destination_number": "+61491570158", "message_id": "m-2",
         "status": "teleported", "scheduled": "2030-01-01T10:00:00+10:00", "new_key": [1]},
    ],
    "extra": 5,
})  # fmt: skip


def adopted() -> SendMessagesResponse:
    response = SendMessagesResponse._adopt(json.loads(BODY))
    assert response is not None
    return response


def test_the_response_endpoints_adopt():
    assert messages_controller.SEND.result == SendMessagesResponse._adopt
    assert messages_controller.STATUS.result == GetMessageStatusResponse._adopt


def test_an_adopted_response_equals_the_copied_one_in_every_view():
    mine, copied = adopted(), SendMessagesResponse.from_dictionary(json.loads(BODY))
    assert mine == copied
    assert repr(mine) == repr(copied)
    assert mine.to_dictionary() == copied.to_dictionary()
    assert mine.messages is not None and copied.messages is not None
    for a, b in zip(mine.messages, copied.messages, strict=True):
        assert a.keys() == b.keys()
        assert a.items() == b.items()
        assert a.additional_properties == b.additional_properties
    assert mine.additional_properties == {"extra": 5}


def test_fields_the_json_lacks_read_as_their_defaults():
    second = adopted()["messages"][1]
    assert second.delivery_report is False  # the official default, not None
    assert second.callback_url is None
    assert second["delivery_report"] is False
    assert second.get("callback_url", "absent") == "absent"
    assert "callback_url" not in second
    assert second.scheduled == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert second.status == "teleported"  # unknown enum strings are kept
    assert second["new_key"] == [1]


def test_additional_properties_are_built_on_first_use_and_then_kept():
    first = adopted()["messages"][0]
    assert "additional_properties" not in vars(first)  # no dict until asked for
    first.additional_properties["later"] = "x"
    assert first.additional_properties == {"later": "x"}
    assert first.to_dictionary()["later"] == "x"
    assert first["later"] == "x"


def test_unknown_attributes_still_raise_attribute_error():
    first = adopted()["messages"][0]
    with pytest.raises(AttributeError, match="'Message' object has no attribute 'nope'"):
        first.nope  # noqa: B018
    assert not hasattr(first, "nope")


def test_mutation_shows_in_every_view():
    response = adopted()
    assert response.messages is not None
    response.messages[0].content = "changed"
    response.messages[1].callback_url = "https://example.com/cb"
    assert response["messages"][0]["content"] == "changed"
    out = response.to_dictionary()
    assert out["messages"][0]["content"] == "changed"
    assert out["messages"][1]["callback_url"] == "https://example.com/cb"


@pytest.mark.parametrize(
    "clone",
    [lambda m: pickle.loads(pickle.dumps(m)), copy.copy, copy.deepcopy, dataclasses.replace],
    ids=["pickle", "copy", "deepcopy", "replace"],
)
def test_adopted_models_clone(clone: Any):
    response = adopted()
    twin = clone(response)
    assert twin == response
    assert twin.to_dictionary() == response.to_dictionary()
    assert twin.additional_properties == {"extra": 5}


def test_from_dictionary_never_changes_the_callers_dict():
    data = json.loads(BODY)
    before = json.loads(BODY)
    SendMessagesResponse.from_dictionary(data)
    assert data == before
    reports = {"delivery_reports": [{"date_received": "2016-11-03T11:49:02", "x": 1,
                                     "vendor_account_id": {"vendor_id": "v"}}]}  # fmt: skip
    kept = copy.deepcopy(reports)
    CheckDeliveryReportsResponse.from_dictionary(reports)
    assert reports == kept


def test_adopt_takes_anything_from_dictionary_takes_and_refuses_the_same():
    assert Message._adopt(None) is None
    with pytest.raises(TypeError, match="expected a JSON object"):
        Message._adopt(["x"])
    with pytest.raises(TypeError, match=r"messages\[0\]: expected a JSON object, got null"):
        SendMessagesResponse._adopt({"messages": [None]})
    with pytest.raises(ValueError, match=r"messages\[1\]: scheduled"):
        SendMessagesResponse._adopt({"messages": [{}, {"scheduled": "x"}]})
    status = GetMessageStatusResponse._adopt({"delivery_report": None, "additional_properties": 1})
    assert status is not None
    assert status.delivery_report is False
    assert status["additional_properties"] == 1


PLAIN = {"content": "hi", "destination_number": "+61491570156", "format": "SMS",
         "delivery_report": True, "metadata": {"k": "v"}, "status": "queued"}  # fmt: skip


@pytest.mark.parametrize(
    "odd",
    [
        None,  # every item plain: adopted as they are
        {**PLAIN, "delivery_report": None},  # a null where the default is False
        {**PLAIN, "new_key": 1},  # an unknown key
        {**PLAIN, "scheduled": "2030-01-01T10:00:00+10:00"},  # a field to convert
        {"content": "bare"},  # no fallback field at all: still plain
    ],
)
def test_a_list_of_plain_objects_is_adopted_as_build_would(odd: Any):
    items = [dict(PLAIN, message_id=f"m-{i}") for i in range(3)]
    if odd is not None:
        items.insert(1, odd)
    data, dicts = {"messages": items}, list(items)
    copied = SendMessagesResponse.from_dictionary(json.loads(json.dumps(data)))
    mine = SendMessagesResponse._adopt(data)
    assert mine is not None and mine.messages is not None and copied.messages is not None
    assert mine == copied and repr(mine) == repr(copied)
    assert mine.to_dictionary() == copied.to_dictionary()
    assert mine.messages is items  # the array too
    for model, item, other in zip(mine.messages, dicts, copied.messages, strict=True):
        assert type(model) is Message and model.__dict__ is item  # the JSON is the storage
        assert model.items() == other.items()
        assert model.delivery_report == other.delivery_report
        assert model.additional_properties == other.additional_properties
