"""Property: any input yields a serialisable wire body or ValidationError, nothing else."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from message_media_messages._validation import (
    cancel_body,
    confirm_body,
    message_id,
    message_problems,
    send_body,
)
from message_media_messages.exceptions.api_exception import ValidationError
from message_media_messages.models import Message, SendMessagesResponse

KNOWN = [
    "content", "destination_number", "callback_url", "delivery_report", "format",
    "message_expiry_timestamp", "metadata", "scheduled", "source_number", "source_number_type",
    "message_id", "status", "media", "subject",
]  # fmt: skip
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_text = st.text(st.characters(blacklist_categories=()), max_size=40)
huge_text = st.sampled_from(["", " ", "a" * 5000, "a" * 5001, "€" * 3000, "\ud800", "+61491570156"])
timestamps = st.one_of(
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
    st.sampled_from(["2030-01-01T00:00:00Z", "2030-01-01T10:00:00+10:00", "2030-01-01",
                     "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "Z", "T"]),
)  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.builds(pow, st.just(10), st.just(5000)),
    st.floats(), any_text, huge_text, st.binary(max_size=8), timestamps,
    st.sampled_from(["SMS", "MMS", "TTS", "http://x.example/a.png", "https://", "INTERNATIONAL"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.frozensets(st.integers(), max_size=3),
        st.dictionaries(st.one_of(any_text, st.integers(), st.none()), inner, max_size=12),
    ),
    max_leaves=20,
)
keys = st.one_of(st.sampled_from(KNOWN), any_text, st.integers(), st.none())
random_messages = st.dictionaries(keys, values, max_size=8)
valid_base = st.fixed_dictionaries(
    {"content": st.text(min_size=1, max_size=20), "destination_number": st.just("+61491570156")}
)
near_valid = st.builds(lambda base, extra: {**base, **extra}, valid_base, random_messages)
messages = st.one_of(random_messages, near_valid, values)
bodies = st.one_of(
    st.fixed_dictionaries({"messages": st.lists(messages, max_size=5)}),
    st.dictionaries(st.one_of(st.just("messages"), any_text), values, max_size=3),
    st.tuples(messages, st.integers(99, 101)).map(lambda t: {"messages": [t[0]] * t[1]}),
    values,
)


def assert_serialisable(wire: Any) -> None:
    text = json.dumps(wire, ensure_ascii=False, allow_nan=False)
    assert json.loads(text.encode("utf-8")) == json.loads(text)


@SETTINGS
@given(bodies)
def test_send_body_yields_wire_or_validation_error(body: Any) -> None:
    try:
        wire = send_body(body)
    except ValidationError as error:
        assert error.problems
        return
    assert_serialisable(wire)
    assert 1 <= len(wire["messages"]) <= 100
    for message in wire["messages"]:
        assert message_problems(message, 0) == []
        assert 1 <= len(message["content"]) <= 5000
        for key in ("scheduled", "message_expiry_timestamp"):
            if key in message:
                assert message[key].endswith("Z") or message[key][-6] in "+-"


@settings(SETTINGS, max_examples=150)
@given(
    st.lists(
        st.builds(
            Message,
            content=values,
            destination_number=values,
            delivery_report=values,
            metadata=values,
            scheduled=values,
            source_number_type=values,
            media=values,
        ),
        min_size=1,
        max_size=2,
    )
)
def test_send_body_of_arbitrary_models(models: list[Message]) -> None:
    try:
        assert_serialisable(send_body({"messages": models}))
    except ValidationError as error:
        assert error.problems


@SETTINGS
@given(values, st.sampled_from(["reply_ids", "delivery_report_ids"]))
def test_confirm_body_yields_wire_or_validation_error(ids: Any, key: str) -> None:
    for body in ({key: ids}, ids):
        try:
            assert_serialisable(confirm_body(body, key))
        except ValidationError as error:
            assert error.problems


@SETTINGS
@given(values)
def test_cancel_body_and_message_id_yield_value_or_validation_error(value: Any) -> None:
    for body in ({"status": value}, value):
        try:
            assert cancel_body(body)["status"] == "cancelled"
        except ValidationError as error:
            assert error.problems
    try:
        assert message_id(value).strip()
    except ValidationError as error:
        assert error.field == "message_id"


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text,
              st.just("2016-11-03T11:49:02.807Z")),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(any_text, inner, max_size=4)),
    max_leaves=15,
)  # fmt: skip


@SETTINGS
@given(st.dictionaries(st.sampled_from([*KNOWN, "messages", "x"]), json_values, max_size=6))
def test_from_dictionary_raises_only_type_or_value_error(data: dict[str, Any]) -> None:
    for body in (data, {"messages": [data]}):
        try:
            model = SendMessagesResponse.from_dictionary(body)
        except (TypeError, ValueError):
            continue
        scheduled = model.messages[0].scheduled if body is not data and model.messages else None
        assert scheduled is None or scheduled.tzinfo is timezone.utc
        assert isinstance(model.to_dictionary(), dict)
        assert isinstance(datetime.now(), datetime)
