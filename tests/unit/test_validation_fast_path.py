"""Property: the validation fast path and the full path agree on every message.

`fast_wire` takes plain dicts of known keys; anything else (and anything that breaks a rule)
goes the full way (`wire_message` then `message_problems`). For any message, both must give
the same verdict, the same problems (rule texts, fields, rows) and the same wire form.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings, strategies as st

from message_media_messages import _validation
from message_media_messages._rules import FIELD_RULES
from message_media_messages._validation import fast_wire, message_problems, send_body, wire_message
from message_media_messages.batch._rows import checked
from message_media_messages.exceptions.api_exception import ValidationError
from message_media_messages.models import Message

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Text(str):
    """A str subclass: the rules accept some, the wire keeps them as given."""


any_text = st.text(st.characters(blacklist_categories=()), max_size=12)  # surrogates included
nasty = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.floats(), any_text,
    st.binary(max_size=4), st.lists(any_text, max_size=2), st.tuples(any_text),
    st.sampled_from(["", "a" * 5000, "a" * 5001, "é" * 5001, "v" * 257, "\ud800", "\udfff",
                     10**5000, Text("SMS"), Text("+61491570156"), {"a": {"b": "c"}}]),
)  # fmt: skip
stamps = st.one_of(
    st.sampled_from(["2030-01-01T09:00:00Z", "2030-01-01T19:00:00+10:00", "2030-01-01T09:00:00",
                     "2030-01-01", "soon", "9999-12-31T23:59:59-01:00", "2030-01-01T09:00Z"]),
    st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
    st.just(datetime(2030, 1, 1, tzinfo=timezone(timedelta(hours=-3)))),
)  # fmt: skip
metadata_keys = st.one_of(st.sampled_from(["campaign", "id", "k" * 100, "k" * 101, ""]), any_text)
metadata_values = st.one_of(st.sampled_from(["x", "", "v" * 256, "v" * 257]), any_text, nasty)
metadata = st.one_of(
    st.dictionaries(st.one_of(metadata_keys, st.integers(0, 2)), metadata_values, max_size=11),
    st.dictionaries(metadata_keys, metadata_values, max_size=3).map(MappingProxyType),
    st.dictionaries(metadata_keys, metadata_values, max_size=3).map(OrderedDict),
)
urls = st.sampled_from(["https://x.example/a.png", "http://hooks.example.com/mm", "ftp://x/a",
                        "http://", "https://x.example/\x00", "http://[::1"])  # fmt: skip
# Per known key: values the API takes, near misses and wrong types.
plausible: dict[str, st.SearchStrategy[Any]] = {
    "content": st.one_of(st.text(min_size=1, max_size=30), any_text),
    "destination_number": st.sampled_from(["+61491570156", "+12345678", "+0491570156", "+1234567",
                                           "+61491570156\n", "+\u0666\u0661\u0664\u0669" * 3]),
    "source_number": st.sampled_from(["+61491570157", "ACME", "", "\udc80"]),
    "source_number_type": st.sampled_from(["INTERNATIONAL", "ALPHANUMERIC", "LONGCODE"]),
    "format": st.sampled_from(["SMS", "MMS", "TTS", "sms"]),
    "delivery_report": st.sampled_from([True, False, 1, 0, "true"]),
    "callback_url": urls,
    "metadata": metadata,
    "media": st.one_of(st.lists(urls, max_size=2), st.tuples(urls), urls),
    "subject": st.sampled_from(["Hi", "s" * 64, "s" * 65, "\ud83d"]),
    "scheduled": stamps,
    "message_expiry_timestamp": stamps,
}  # fmt: skip
assert plausible.keys() == FIELD_RULES.keys()
field_values = {key: st.one_of(strategy, nasty) for key, strategy in plausible.items()}
required = {
    "content": field_values["content"],
    "destination_number": plausible["destination_number"],
}
unknown = st.dictionaries(st.one_of(any_text, st.integers(), st.none()), nasty, max_size=2)
common = st.fixed_dictionaries(
    {key: plausible[key] for key in required},
    optional={key: plausible[key] for key in plausible if key not in required},
)
# Mostly valid messages of the common shape, so the fast path is taken often.
likely_valid = st.fixed_dictionaries(
    {"content": st.text(min_size=1, max_size=30), "destination_number": st.just("+61491570156")},
    optional={
        "format": st.sampled_from(["SMS", "TTS"]),
        "delivery_report": st.booleans(),
        "metadata": metadata,
        "callback_url": st.just("https://hooks.example.com/mm"),
        "scheduled": stamps,
        "source_number": st.just("ACME"),
    },
)
messages = st.one_of(
    likely_valid,
    common,
    st.fixed_dictionaries(
        required, optional={k: v for k, v in field_values.items() if k not in required}
    ),
    st.builds(lambda a, b: {**a, **b}, common, unknown),
    st.dictionaries(st.sampled_from(sorted(FIELD_RULES)), nasty, max_size=4),
    st.builds(Message, content=field_values["content"], destination_number=nasty),
    nasty,
)


def typed(value: Any) -> Any:
    """A comparable image of `value` that tells True from 1, tuples from lists, dict order."""
    if isinstance(value, dict):
        return (type(value), [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value), [typed(item) for item in value])
    if isinstance(value, float) and value != value:
        return (float, "nan")
    return (type(value), value)


def full_path(message: Any) -> tuple[Any, list[tuple[str, str, int | None]]]:
    """The full path alone: the wire form (None if there is none) and the problems."""
    try:
        wire = wire_message(message)
    except ValidationError as error:
        return None, [(p.field, p.rule, p.index) for p in error.problems]
    return wire, [(p.field, p.rule, p.index) for p in message_problems(wire, 3)]


def common_shape(message: Any) -> bool:
    """What the fast path claims to take: a plain dict of known keys, no None, plain containers."""
    return (
        type(message) is dict
        and message.keys() <= FIELD_RULES.keys()
        and all(value is not None for value in message.values())
        and type(message.get("metadata", {})) is dict
        and type(message.get("media", [])) is not tuple
    )


@SETTINGS
@given(messages)
def test_fast_path_gives_the_full_paths_verdict_and_wire(message: Any) -> None:
    before = typed(message) if isinstance(message, dict) else None
    fast = fast_wire(message)
    wire, problems = full_path(message)
    if fast is not None:
        assert problems == []
        assert typed(fast) == typed(wire)
        assert fast is not message
    elif common_shape(message):
        assert problems, "a valid message of the common shape must take the fast path"
    if before is not None:
        assert typed(message) == before  # neither path changes its input


def outcome(body: dict[str, Any]) -> Any:
    try:
        return ("ok", typed(send_body(body)))
    except ValidationError as error:
        return ("invalid", [(p.field, p.rule, p.index) for p in error.problems], str(error))


@SETTINGS
@given(st.lists(messages, min_size=1, max_size=4))
def test_send_body_is_the_same_with_and_without_the_fast_path(batch: list[Any]) -> None:
    body = {"messages": batch}
    with_fast = outcome(body)
    with mock.patch.object(_validation, "fast_wire", return_value=None) as disabled:
        without = outcome(body)
    assert disabled.call_count == len(batch)
    assert with_fast == without


def test_the_common_shape_takes_the_fast_path() -> None:
    message = {
        "content": "Hi Alex, your appointment is on Tuesday. Reply STOP to opt out.",
        "destination_number": "+61491570156",
        "format": "SMS",
        "delivery_report": True,
        "metadata": {"campaign": "spring", "customer_id": "10001"},
        "source_number": "+61491570157",
        "source_number_type": "INTERNATIONAL",
        "callback_url": "https://hooks.example.com/mm",
        "scheduled": "2030-01-01T19:00:00+10:00",
    }
    fast = fast_wire(message)
    assert fast == {**message, "scheduled": "2030-01-01T09:00:00.000Z"}
    assert fast_wire({**message, "content": "bad \ud800"}) is None
    assert fast_wire({**message, "delivery_report": 1}) is None
    assert fast_wire({**message, "extra": "x"}) is None


@SETTINGS
@given(messages)
def test_a_batch_row_is_checked_the_same_with_and_without_the_fast_path(message: Any) -> None:
    def check() -> Any:
        try:
            wire, reason = checked(message, 7)
        except Exception as error:  # the same failure either way
            return ("raised", type(error))
        return (typed(wire), reason)

    with_fast = check()
    with mock.patch.object(_validation, "fast_wire", return_value=None) as disabled:
        without = check()
    assert disabled.call_count == 1
    assert with_fast == without


def test_every_rule_refuses_none_so_the_fast_path_needs_no_none_check() -> None:
    full = {"content": "hi", "destination_number": "+61491570156", "format": "MMS",
            "source_number": "ACME"}  # fmt: skip
    for key, check in FIELD_RULES.items():
        assert check(None, full), key
        assert fast_wire({**full, key: None}) is None, key
