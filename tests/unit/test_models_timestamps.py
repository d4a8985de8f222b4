"""Timestamps: fast-path parsing, fallbacks, UTC normalisation and the wire form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from message_media_messages.models import _timestamps as timestamps
from message_media_messages.models._timestamps import (
    coerce_timestamp,
    format_timestamp,
    parse_timestamp,
    to_datetime,
    utc_text,
)

UTC = timezone.utc
PLUS_TEN = timezone(timedelta(hours=10))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-11-03T11:49:02.807Z", datetime(2016, 11, 3, 11, 49, 2, 807000, tzinfo=UTC)),
        ("2016-11-03T11:49:02z", datetime(2016, 11, 3, 11, 49, 2, tzinfo=UTC)),
        ("2016-11-03T11:49:02.8Z", datetime(2016, 11, 3, 11, 49, 2, 800000, tzinfo=UTC)),
        ("2016-11-03T11:49:02.80712Z", datetime(2016, 11, 3, 11, 49, 2, 807120, tzinfo=UTC)),
        ("2016-11-03T11:49:02.8071239Z", datetime(2016, 11, 3, 11, 49, 2, 807123, tzinfo=UTC)),
        ("2016-11-03T21:49:02+10:00", datetime(2016, 11, 3, 21, 49, 2, tzinfo=PLUS_TEN)),
        ("20161103T114902Z", datetime(2016, 11, 3, 11, 49, 2, tzinfo=UTC)),
        ("2016-11-03T11:49:02", datetime(2016, 11, 3, 11, 49, 2)),
    ],
)
def test_to_datetime_parses_iso_forms(text: str, expected: datetime) -> None:
    parsed = to_datetime(text)
    assert parsed == expected
    assert parsed is not None
    assert (parsed.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize("text", ["", "Z", "tomorrow", "2016-13-03T11:49:02Z", "2016-11-03T25:00Z"])
def test_to_datetime_rejects_garbage(text: str) -> None:
    assert to_datetime(text) is None


def test_parse_timestamp_normalises_to_utc_and_treats_naive_as_utc() -> None:
    assert parse_timestamp("2016-11-03T21:49:02+10:00", "f").tzinfo is UTC
    naive = parse_timestamp("2016-11-03T11:49:02", "f")
    assert naive == datetime(2016, 11, 3, 11, 49, 2, tzinfo=UTC)
    given = datetime(2016, 11, 3, 21, 49, 2, tzinfo=PLUS_TEN)
    assert parse_timestamp(given, "f") == given
    assert parse_timestamp(given, "f").tzinfo is UTC


@pytest.mark.parametrize("value", ["nope", 5, None, ["2016-11-03T11:49:02Z"], "x" * 500])
def test_parse_timestamp_names_the_field(value: object) -> None:
    with pytest.raises(ValueError, match=r"^date_received: not an ISO 8601 timestamp") as caught:
        parse_timestamp(value, "date_received")
    assert len(str(caught.value)) < 120


def test_parse_timestamp_rejects_a_time_outside_the_utc_range() -> None:
    with pytest.raises(ValueError, match="when"):
        parse_timestamp("0001-01-01T00:00:00+01:00", "when")


def test_parse_cache_returns_equal_values() -> None:
    timestamps._parsed.clear()
    first = parse_timestamp("2020-02-02T02:02:02.002Z", "f")
    second = parse_timestamp("2020-02-02T02:02:02.002Z", "f")
    assert first is second
    for i in range(timestamps._CACHE_SIZE + 5):
        parse_timestamp(f"2020-02-02T02:02:{i % 60:02d}.{i:03d}Z", "f")
    assert len(timestamps._parsed) <= timestamps._CACHE_SIZE


def test_coerce_timestamp() -> None:
    assert coerce_timestamp("2030-01-01T10:00:00+10:00") == datetime(2030, 1, 1, tzinfo=UTC)
    assert coerce_timestamp("2030-01-01T10:00:00") == datetime(2030, 1, 1, 10)
    assert coerce_timestamp("later") == "later"
    assert coerce_timestamp(7) == 7
    assert coerce_timestamp("0001-01-01T00:00:00+01:00") == "0001-01-01T00:00:00+01:00"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2030, 1, 1, tzinfo=UTC), "2030-01-01T00:00:00.000Z"),
        (datetime(2030, 1, 1, 10, 0, 0, 5000, tzinfo=PLUS_TEN), "2030-01-01T00:00:00.005Z"),
        (datetime(2030, 1, 1, 0, 0, 0, 5001, tzinfo=UTC), "2030-01-01T00:00:00.005001Z"),
        (datetime(999, 1, 1, tzinfo=UTC), "0999-01-01T00:00:00.000Z"),
        (datetime(2030, 1, 1, 12), "2030-01-01T12:00:00"),
    ],
)
def test_format_timestamp(value: datetime, text: str) -> None:
    assert format_timestamp(value) == text
    assert format_timestamp(value) == text  # cached path


def test_format_cache_respects_fold() -> None:
    melbourne = ZoneInfo("Australia/Melbourne")
    first = datetime(2030, 4, 7, 2, 30, tzinfo=melbourne)  # DST ends: 02:30 happens twice
    second = first.replace(fold=1)
    assert first == second
    assert format_timestamp(first) == "2030-04-06T15:30:00.000Z"
    assert format_timestamp(second) == "2030-04-06T16:30:00.000Z"


def test_utc_text() -> None:
    assert utc_text("2030-01-01T10:00:00+10:00") == "2030-01-01T00:00:00.000Z"
    assert utc_text("2030-01-01T10:00:00+10:00") == "2030-01-01T00:00:00.000Z"
    assert utc_text("2030-01-01T10:00:00") == "2030-01-01T10:00:00"
    assert utc_text(datetime(2030, 1, 1, 10)) == "2030-01-01T10:00:00"
    assert utc_text("garbage") == "garbage"
    low = datetime(1, 1, 1, tzinfo=PLUS_TEN)
    assert utc_text(low) is low
    assert utc_text(3) == 3
