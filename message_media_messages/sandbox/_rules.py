"""Request validation: the API's documented rules (API.md section 2.10), read independently."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "MESSAGE_FIELDS",
    "clean_message",
    "is_destination",
    "parse_timestamp",
    "validate_cancel",
    "validate_content",
    "validate_ids",
    "validate_send",
]

MAX_MESSAGES = 100
MAX_CONTENT = 5000
MAX_METADATA_PAIRS = 10
MAX_METADATA_KEY = 100
MAX_METADATA_VALUE = 256
MAX_SUBJECT = 64
MAX_IDS = 100
# The API documents no length limit for URLs or sender ids; inventing one here would
# reject requests the client (rightly) lets through. The body-size limit still applies.
MAX_URL = 1 << 20
MAX_SOURCE_NUMBER = 1 << 20
FORMATS = ("SMS", "MMS", "TTS")
SOURCE_NUMBER_TYPES = ("INTERNATIONAL", "ALPHANUMERIC", "SHORTCODE")
# 8 to 15 digits after "+", first digit 1-9 (the 2026 spec's 400 example; E.164).
_DESTINATION = re.compile(r"\+[1-9][0-9]{7,14}")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))"
)

Check = Callable[[Any], list[str]]


def parse_timestamp(value: object) -> float | None:
    """Parse an ISO 8601 date-time that carries `Z` or an explicit UTC offset.

    Args:
        value: The JSON value to parse.

    Returns:
        Epoch seconds, or None if `value` is not such a string (naive times included).
    """
    match = _TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    try:
        if zulu:
            offset = timedelta(0)
        elif int(off_m) > 59:
            return None
        else:
            offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (1 if sign == "+" else -1)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        fields = (int(year), int(month), int(day), int(hour), int(minute), int(second), micro)
        return datetime(*fields, tzinfo=timezone(offset)).timestamp()
    except (ValueError, OverflowError):
        return None


def _is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        return False
    if any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _text(low: int, high: int) -> Check:
    """A check for a string of `low` to `high` characters."""

    def check(value: Any) -> list[str]:
        """Problems of `value` as a bounded string."""
        if not isinstance(value, str):
            return [": must be a string"]
        if not low <= len(value) <= high:
            return [f": must be {low} to {high} characters (got {len(value)})"]
        return []

    return check


def _one_of(choices: tuple[str, ...]) -> Check:
    """A check for one of `choices` (case-sensitive)."""

    def check(value: Any) -> list[str]:
        """Problems of `value` as one of the choices."""
        return [] if value in choices else [f": must be one of {', '.join(choices)}"]

    return check


def is_destination(value: object) -> bool:
    """True for a destination number the API takes: `+` then 8 to 15 ASCII digits."""
    return isinstance(value, str) and _DESTINATION.fullmatch(value) is not None


def _destination(value: Any) -> list[str]:
    if is_destination(value):
        return []
    return [": must be + then 8 to 15 digits after '+' (E.164, first digit 1-9, e.g. +61491570156)"]


def _timestamp(value: Any) -> list[str]:
    if parse_timestamp(value) is None:
        return [": must be an ISO 8601 date-time with Z or a UTC offset"]
    return []


def _url(value: Any) -> list[str]:
    return [] if _is_http_url(value) else [": must be an http(s) URL"]


def _boolean(value: Any) -> list[str]:
    return [] if isinstance(value, bool) else [": must be true or false"]


def _media(value: Any) -> list[str]:
    if not isinstance(value, list):
        return [": must be a list of http(s) URLs"]
    bad = [i for i, url in enumerate(value) if not _is_http_url(url)]
    return [f"[{i}]: must be an http(s) URL" for i in bad]


def _metadata(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [": must be an object"]
    problems = []
    if len(value) > MAX_METADATA_PAIRS:
        problems.append(f": at most {MAX_METADATA_PAIRS} pairs (got {len(value)})")
    for key, item in value.items():
        shown = key if len(key) <= 40 else key[:40] + "..."
        if len(key) > MAX_METADATA_KEY:
            problems.append(f": key {shown!r} is longer than {MAX_METADATA_KEY} characters")
        if not isinstance(item, str) or len(item) > MAX_METADATA_VALUE:
            problems.append(
                f"[{shown!r}]: must be a string of at most {MAX_METADATA_VALUE} characters"
            )
    return problems


_CHECKS: dict[str, Check] = {
    "content": _text(1, MAX_CONTENT),
    "destination_number": _destination,
    "callback_url": _url,
    "delivery_report": _boolean,
    "format": _one_of(FORMATS),
    "message_expiry_timestamp": _timestamp,
    "metadata": _metadata,
    "scheduled": _timestamp,
    "source_number": _text(1, MAX_SOURCE_NUMBER),
    "source_number_type": _one_of(SOURCE_NUMBER_TYPES),
    "media": _media,
    "subject": _text(0, MAX_SUBJECT),
}
# The request fields of Message (the response-only message_id and status are not echoed).
MESSAGE_FIELDS = frozenset(_CHECKS)


def _cross_field(message: dict[str, Any]) -> list[str]:
    """Rules that involve two fields (MMS-only fields, source number type)."""
    problems = []
    fmt = message.get("format")
    if fmt is None or (fmt in FORMATS and fmt != "MMS"):
        for name in ("media", "subject"):
            if message.get(name) is not None:
                problems.append(f"{name}: only allowed with format MMS")
    if message.get("source_number_type") is not None and message.get("source_number") is None:
        problems.append("source_number_type: only allowed with source_number")
    return problems


def _message_problems(index: int, message: object) -> list[str]:
    """Every problem of one message, each prefixed `messages[index].field`."""
    where = f"messages[{index}]"
    if not isinstance(message, dict):
        return [f"{where}: must be an object"]
    problems = [
        f"{where}.{name}: is required"
        for name in ("content", "destination_number")
        if message.get(name) is None
    ]
    for name, check in _CHECKS.items():
        value = message.get(name)
        if value is not None:
            problems.extend(f"{where}.{name}{problem}" for problem in check(value))
    problems.extend(f"{where}.{problem}" for problem in _cross_field(message))
    return problems


def validate_send(body: object) -> list[str]:
    """Check a send-messages body.

    Args:
        body: The decoded JSON body.

    Returns:
        One detail string per problem (empty when valid). Null optional fields count as
        absent; unknown fields are ignored.
    """
    if not isinstance(body, dict):
        return ["body: must be a JSON object"]
    messages = body.get("messages")
    if messages is None:
        return ["messages: is required"]
    if not isinstance(messages, list):
        return ["messages: must be a list"]
    if not 1 <= len(messages) <= MAX_MESSAGES:
        return [f"messages: must contain 1 to {MAX_MESSAGES} messages (got {len(messages)})"]
    problems: list[str] = []
    for index, message in enumerate(messages):
        problems.extend(_message_problems(index, message))
    return problems


def clean_message(message: dict[str, Any]) -> dict[str, Any]:
    """Keep the known, non-null fields of a valid message, with the API's defaults.

    Args:
        message: One message of a body that passed `validate_send`.

    Returns:
        The fields to store and echo (`format` defaults to SMS, `delivery_report` to false).
    """
    kept = {k: v for k, v in message.items() if k in MESSAGE_FIELDS and v is not None}
    kept.setdefault("format", "SMS")
    kept.setdefault("delivery_report", False)
    return kept


def validate_ids(body: object, key: str) -> tuple[list[str], list[str]]:
    """Check a confirm body `{key: [id, ...]}` (at most 100 strings).

    Args:
        body: The decoded JSON body.
        key: `delivery_report_ids` or `reply_ids`.

    Returns:
        (ids, problems); ids is meaningful only when problems is empty.
    """
    if not isinstance(body, dict):
        return [], ["body: must be a JSON object"]
    ids = body.get(key)
    if ids is None:
        return [], [f"{key}: is required"]
    if not isinstance(ids, list):
        return [], [f"{key}: must be a list of strings"]
    problems = [
        f"{key}[{i}]: must be a non-empty string"
        for i, v in enumerate(ids)
        if not isinstance(v, str) or not v
    ]
    if len(ids) > MAX_IDS:
        problems.insert(0, f"{key}: at most {MAX_IDS} ids per request (got {len(ids)})")
    return ids, problems


def validate_cancel(body: object) -> list[str]:
    """Check a cancel body, which must be `{"status": "cancelled"}`.

    Args:
        body: The decoded JSON body.

    Returns:
        One detail string per problem (empty when valid).
    """
    if not isinstance(body, dict):
        return ["body: must be a JSON object"]
    if body.get("status") != "cancelled":
        return ['status: must be "cancelled"']
    return []


def validate_content(content: object) -> list[str]:
    """Check the content of an injected reply (a string of 1 to 5000 characters).

    Args:
        content: The value to check.

    Returns:
        One detail string per problem (empty when valid).
    """
    return [f"content{problem}" for problem in _text(1, MAX_CONTENT)(content)]
