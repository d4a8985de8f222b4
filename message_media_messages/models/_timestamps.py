"""ISO 8601 timestamps: fast parsing, UTC normalisation and the API's `...Z` wire form.

A timestamp received from the server without an offset is treated as UTC (the API documents
all its times as UTC). On the request path nothing is assumed: a string without an offset stays
naive, and validation rejects naive times rather than silently picking a zone.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TypeVar

UTC = timezone.utc

_CONVERSION_ERRORS = (ValueError, OverflowError, TypeError)

# The timestamps of one response repeat (a batch scheduled for one time): datetimes are
# immutable, so parsed values are shared. Cleared when full, to bound memory.
_CACHE_SIZE = 1024
_CACHEABLE = 64  # longest string cached
_seen: dict[str, datetime | None] = {}
_parsed: dict[str, datetime] = {}
_wire_texts: dict[str, str] = {}
# Keyed by (datetime, fold): equal aware datetimes are one instant, hence one UTC text; fold
# is part of the key because same-zone comparison ignores it.
_formatted: dict[tuple[datetime, int], str] = {}

K = TypeVar("K")
V = TypeVar("V")


def remember(cache: dict[K, V], key: K, value: V, limit: int = _CACHE_SIZE) -> V:
    """Store `value` in a memo that is emptied when full (bounded memory); return `value`."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


def to_datetime(text: str) -> datetime | None:
    """Parse an ISO 8601 string, keeping whatever offset it has (naive if none).

    The API's usual form (`2016-11-03T11:49:02.807Z`) takes the `datetime.fromisoformat` fast
    path; anything else falls back to `dateutil.parser.isoparse`.

    Args:
        text: the string to parse.

    Returns:
        The parsed datetime, or None if `text` is not an ISO 8601 date-time.
    """
    cacheable = len(text) <= _CACHEABLE
    if cacheable and text in _seen:
        return _seen[text]
    parsed = _parse(text)
    return remember(_seen, text, parsed) if cacheable else parsed


def _parse(text: str) -> datetime | None:
    """Parse without the cache (see `to_datetime`)."""
    fast = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        return datetime.fromisoformat(fast)
    except ValueError:
        pass
    normalised = _six_fraction_digits(fast)
    if normalised is not None:
        try:
            return datetime.fromisoformat(normalised)
        except ValueError:
            pass
    try:
        from dateutil.parser import isoparse  # the rare fallback; costly to import

        return isoparse(text)
    except _CONVERSION_ERRORS:
        return None


def _six_fraction_digits(text: str) -> str | None:
    """Pad or cut a fraction of seconds to 6 digits (Python 3.10's fromisoformat needs 3 or 6)."""
    dot = text.find(".", 17)
    if dot < 0:
        return None
    end = dot + 1
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    digits = text[dot + 1 : end]
    if not digits or len(digits) == 6:
        return None
    return text[: dot + 1] + (digits + "00000")[:6] + text[end:]


def parse_timestamp(value: object, field: str) -> datetime:
    """Turn a timestamp from a response into an aware UTC datetime.

    Args:
        value: an ISO 8601 string (or a datetime) as found in the response.
        field: the JSON key, named in the error.

    Returns:
        An aware datetime in UTC; a value without an offset is taken to be UTC.

    Raises:
        ValueError: if the value is not a parsable ISO 8601 date-time.
    """
    if isinstance(value, str):
        known = _parsed.get(value)
        if known is not None:
            return known
        result = _utc(to_datetime(value), field, value)
        return remember(_parsed, value, result) if len(value) <= _CACHEABLE else result
    return _utc(value, field, value)


def _utc(parsed: object, field: str, value: object) -> datetime:
    """Return `parsed` as an aware UTC datetime (naive taken as UTC), or raise ValueError."""
    if isinstance(parsed, datetime):
        tz = parsed.tzinfo
        if tz is UTC:
            return parsed
        if tz is None:
            return parsed.replace(tzinfo=UTC)
        try:
            return parsed.astimezone(UTC)
        except _CONVERSION_ERRORS:
            pass
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise ValueError(f"{field}: not an ISO 8601 timestamp: {shown}")


def coerce_timestamp(value: object) -> object:
    """Convert a timestamp given to a model constructor, keeping what cannot be converted.

    A string with an offset becomes an aware UTC datetime, a string without one a naive
    datetime (validation rejects it later); an unparsable string and any other value are
    returned unchanged.

    Args:
        value: the value given for a timestamp field.

    Returns:
        The converted datetime, or `value` itself.
    """
    if not isinstance(value, str):
        return value
    parsed = to_datetime(value)
    if parsed is None:
        return value
    if parsed.tzinfo is None or parsed.tzinfo is UTC:
        return parsed
    try:
        return parsed.astimezone(UTC)
    except _CONVERSION_ERRORS:
        return value


def format_timestamp(value: datetime) -> str:
    """Format a datetime for the wire.

    Args:
        value: the datetime to format.

    Returns:
        For an aware datetime, UTC as `YYYY-MM-DDTHH:MM:SS.mmmZ` (6 fraction digits when the
        time has sub-millisecond precision); for a naive one, `isoformat()` with no offset.

    Raises:
        OverflowError: if converting to UTC leaves the datetime range.
    """
    key = (value, value.fold)
    exact = type(value) is datetime  # subclasses may compare differently: not cached
    known = _formatted.get(key) if exact else None
    if known is not None:
        return known
    text = _format(value)
    return remember(_formatted, key, text) if exact else text


def _format(value: datetime) -> str:
    """Format without the cache (see `format_timestamp`)."""
    tz = value.tzinfo
    if tz is not UTC:
        if tz is None or value.utcoffset() is None:
            return value.isoformat()
        value = value.astimezone(UTC)
    spec = "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
    return value.isoformat(timespec=spec)[:-6] + "Z"  # drop "+00:00"


def utc_text(value: object) -> object:
    """Normalise a request timestamp to the wire form, leaving anything unusable as it is.

    Args:
        value: a datetime or string given for `scheduled` / `message_expiry_timestamp`.

    Returns:
        `...Z` text for an aware datetime or a string with an offset; `isoformat()` text for a
        naive datetime; otherwise `value` unchanged (validation then reports it).
    """
    if isinstance(value, str):
        known = _wire_texts.get(value)
        if known is not None:
            return known
        parsed = to_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            return value
        text = utc_text(parsed)
        if isinstance(text, str) and len(value) <= _CACHEABLE:
            remember(_wire_texts, value, text)
        return text
    if isinstance(value, datetime):
        try:
            return format_timestamp(value)
        except _CONVERSION_ERRORS:
            return value
    return value
