"""The API's documented rules and limits (API.md §2.10), as pure checks returning rule texts."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ._numbers import destination_hint
from .models._timestamps import format_timestamp, remember, to_datetime
from .models.format_enum import FormatEnum
from .models.source_number_type_enum import SourceNumberTypeEnum

Rules = tuple[str, ...]
Check = Callable[[Any, Mapping[str, Any]], Rules]

# The API's limits, written here only.
MAX_MESSAGES = 100  # messages per send request
MAX_IDS = 100  # ids per confirm request (delivery reports, replies)
MAX_CONTENT = 5000  # characters of a message's content
MAX_METADATA = 10  # metadata pairs per message
MAX_METADATA_KEY = 100  # characters of a metadata key
MAX_METADATA_VALUE = 256  # characters of a metadata value
MAX_SUBJECT = 64  # characters of an MMS subject

REQUIRED = ("content", "destination_number")
JSON_RULE = "must be JSON-serialisable (str, int, float, bool, None, list, dict) and UTF-8 text"

# The API takes 8 to 15 digits after "+" (its 400: "must be between 8 and 15 characters
# excluding the first '+'"); E.164 numbers never start with 0.
_DESTINATION = re.compile(r"\+[1-9][0-9]{7,14}")
DESTINATION_RULE = (
    "must be '+' then 8 to 15 digits after '+' (E.164, first digit 1-9, e.g. +61491570156)"
)
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")  # any whitespace or control character
_FORMATS = frozenset(FormatEnum.values())
_SOURCE_TYPES = frozenset(SourceNumberTypeEnum.values())
_NONE: Rules = ()
# One batch repeats its callback URL and schedule: verdicts are cached (bounded).
_urls: dict[str, bool] = {}
_times: dict[str, Rules] = {}
_TIME_RULE = (
    "must be a timezone-aware datetime or ISO 8601 text with an offset, like 2030-01-01T09:00:00Z"
)
_SUBJECT_RULE = f"must be a string of at most {MAX_SUBJECT} characters"
_NAIVE_RULE = "must have a timezone (an offset or Z): a naive time is never assumed to be UTC"


_near: dict[str, str | None] = {}
NEAR_MISS = 0.8  # difflib ratio from which an unknown key is taken for a typo of a field


def near_field(key: str) -> str | None:
    """The message field `key` is probably a typo of (`delivery_reports`), or None.

    Keys that are far from every field (`campaign`) are the API's to judge: None.
    """
    if key in FIELD_RULES:
        return None
    known = _near.get(key, "")
    if known == "":
        folded = key.strip().lower().replace(" ", "_").replace("-", "_")
        match = difflib.get_close_matches(folded, FIELD_RULES, n=1, cutoff=NEAR_MISS)
        known = remember(_near, key, match[0] if match else None, limit=256)
    return known


def utf8_ok(text: str) -> bool:
    """Return True if `text` encodes as UTF-8 (it holds no lone surrogate)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_url(value: object) -> bool:
    """Return True for an http(s) URL string with a host, free of spaces and control chars."""
    if not isinstance(value, str):
        return False
    known = _urls.get(value)
    if known is None:
        known = _check_url(value)
        if len(value) <= 2048:
            remember(_urls, value, known, limit=256)
    return known


def _check_url(value: str) -> bool:
    if not utf8_ok(value) or _URL_FORBIDDEN.search(value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_json(value: object) -> bool:
    """Return True if `value` serialises to strict JSON (no NaN) that encodes as UTF-8."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def _content(value: object, wire: Mapping[str, Any]) -> Rules:
    if not isinstance(value, str):
        return (f"must be a string (got {type(value).__name__})",)
    rules = _NONE
    if not 1 <= len(value) <= MAX_CONTENT:
        rules = (f"must be 1 to {MAX_CONTENT} characters long (got {len(value)})",)
    if not (value.isascii() or utf8_ok(value)):  # isascii inline: the common case, no call
        rules += ("must be encodable as UTF-8 (it contains a lone surrogate)",)
    return rules


def is_destination(value: object) -> bool:
    """Return True for a destination number the API takes (E.164, 8 to 15 digits)."""
    return isinstance(value, str) and bool(_DESTINATION.fullmatch(value))


def destination_rule(value: object, region: str | None = None) -> str:
    """The E.164 rule refusing `value`, with what to say about it (see `destination_hint`)."""
    return DESTINATION_RULE + destination_hint(value, region)


def _destination(value: object, wire: Mapping[str, Any]) -> Rules:
    if isinstance(value, str) and _DESTINATION.fullmatch(value):
        return _NONE
    return (destination_rule(value),)


def _format(value: object, wire: Mapping[str, Any]) -> Rules:
    if isinstance(value, str) and value in _FORMATS:
        return _NONE
    return ("must be one of SMS, MMS, TTS",)


def _delivery_report(value: object, wire: Mapping[str, Any]) -> Rules:
    return _NONE if isinstance(value, bool) else ("must be true or false",)


def _callback_url(value: object, wire: Mapping[str, Any]) -> Rules:
    return _NONE if is_url(value) else ("must be an http(s) URL with a host",)


def _metadata(value: object, wire: Mapping[str, Any]) -> Rules:
    if type(value) is not dict and not isinstance(value, Mapping):
        return ("must be an object of string keys and string values",)
    rules = _NONE
    if len(value) > MAX_METADATA:
        rules = (f"must have at most {MAX_METADATA} pairs (got {len(value)})",)
    bad_key = bad_value = False
    for key, item in value.items():
        if not (
            type(key) is str
            and 1 <= len(key) <= MAX_METADATA_KEY
            and (key.isascii() or utf8_ok(key))
        ):
            bad_key = True
        if not (
            type(item) is str
            and len(item) <= MAX_METADATA_VALUE
            and (item.isascii() or utf8_ok(item))
        ):
            bad_value = True
    if bad_key:
        rules += (f"keys must be strings of 1 to {MAX_METADATA_KEY} characters",)
    if bad_value:
        rules += (f"values must be strings of at most {MAX_METADATA_VALUE} characters",)
    return rules


def _mms_only(wire: Mapping[str, Any]) -> Rules:
    return _NONE if wire.get("format") == FormatEnum.MMS else ("is only allowed with format MMS",)


def _media(value: object, wire: Mapping[str, Any]) -> Rules:
    if isinstance(value, list) and all(is_url(item) for item in value):
        return _mms_only(wire)
    return (*_mms_only(wire), "must be a list of http(s) URLs")


def _subject(value: object, wire: Mapping[str, Any]) -> Rules:
    if isinstance(value, str) and len(value) <= MAX_SUBJECT and utf8_ok(value):
        return _mms_only(wire)
    return (*_mms_only(wire), _SUBJECT_RULE)


def _source_number(value: object, wire: Mapping[str, Any]) -> Rules:
    if isinstance(value, str) and value and utf8_ok(value):
        return _NONE
    return ("must be a non-empty string",)


def _source_number_type(value: object, wire: Mapping[str, Any]) -> Rules:
    rules = _NONE
    if wire.get("source_number") is None:
        rules = ("is only allowed with source_number",)
    if not (isinstance(value, str) and value in _SOURCE_TYPES):
        rules += ("must be one of INTERNATIONAL, ALPHANUMERIC, SHORTCODE",)
    return rules


def _timestamp(value: object, wire: Mapping[str, Any]) -> Rules:
    if type(value) is str:
        known = _times.get(value)
        if known is None:
            known = _timestamp_rules(value)
            if len(value) <= 64:
                remember(_times, value, known)
        return known
    return _timestamp_rules(value)


def _timestamp_rules(value: object) -> Rules:
    parsed = to_datetime(value) if isinstance(value, str) else value
    if not isinstance(parsed, datetime):
        return (_TIME_RULE,)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return (_NAIVE_RULE,)
    try:
        format_timestamp(parsed)  # cached: cheap for the wire's own UTC text
    except (ValueError, OverflowError, TypeError):
        return ("is out of range once converted to UTC",)
    return _NONE


FIELD_RULES: dict[str, Check] = {
    "content": _content,
    "destination_number": _destination,
    "format": _format,
    "delivery_report": _delivery_report,
    "callback_url": _callback_url,
    "metadata": _metadata,
    "media": _media,
    "subject": _subject,
    "source_number": _source_number,
    "source_number_type": _source_number_type,
    "scheduled": _timestamp,
    "message_expiry_timestamp": _timestamp,
}
"""Per JSON key of a message: the check returning the rules its value breaks (empty if none)."""
