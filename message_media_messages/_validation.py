"""The API's documented request rules (API.md §2.10), checked before anything is sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._rules import (
    FIELD_RULES,
    JSON_RULE,
    MAX_IDS,
    MAX_MESSAGES,
    REQUIRED,
    is_json,
    near_field,
    utf8_ok,
)
from .exceptions.api_exception import Problem, ValidationError
from .models._base import Model
from .models._timestamps import utc_text
from .models.message import Message
from .models.send_messages_request import SendMessagesRequest

_TIMESTAMP_KEYS = frozenset({"scheduled", "message_expiry_timestamp"})
_KNOWN_KEYS = frozenset(FIELD_RULES)
_REQUIRED_KEYS = frozenset(REQUIRED)
_UNTIMED_KEYS = _KNOWN_KEYS - _TIMESTAMP_KEYS  # a message of only these keys has no timestamp
_OBJECT_RULE = "must be a Message or a JSON object"


def message_problems(wire: Mapping[str, Any], index: int | None) -> list[Problem]:
    """List every rule one message breaks.

    Args:
        wire: the message in wire form (as returned by `wire_message`).
        index: its position in the request, reported in each problem (None for none).

    Returns:
        The problems found (missing required fields first, then in key order); empty if the
        message is valid.
    """
    problems: list[Problem] = []
    for field in REQUIRED:
        if wire.get(field) is None:
            problems.append(Problem(field, "is required", index))
    for key, value in wire.items():
        check = FIELD_RULES.get(key)
        if check is not None:
            rules = check(value, wire)
            if rules:
                problems.extend([Problem(key, rule, index) for rule in rules])
        elif type(key) is str and (near := near_field(key)) is not None:
            problems.append(Problem(key, f"is not a message field: did you mean {near!r}?", index))
        elif not _plain(key, value):
            problems.extend(_passthrough_problems(key, value, index))
    return problems


def _plain(key: object, value: object) -> bool:
    """Fast path for an unknown key: a UTF-8 string key with a bool or UTF-8 string value."""
    if type(key) is not str or not utf8_ok(key):
        return False
    if type(value) is str:
        return utf8_ok(value)
    return type(value) is bool


def _passthrough_problems(key: object, value: object, index: int | None) -> list[Problem]:
    """Problems of a key no rule covers: it must be a string and its value JSON."""
    if not isinstance(key, str):
        return [Problem(f"<{type(key).__name__} key>", "keys must be strings", index)]
    if not utf8_ok(key):
        return [Problem(key.encode("utf-8", "replace").decode(), "keys must be UTF-8 text", index)]
    return [] if is_json(value) else [Problem(key, JSON_RULE, index)]


def _wire_pairs(message: object) -> Any:
    """The (key, value) pairs of a Message or mapping, or None for anything else."""
    if type(message) is dict or isinstance(message, (Message, Mapping)):
        return message.items()
    return None


def _to_wire(pairs: Any) -> dict[str, Any]:
    """Build the wire dict: None values dropped, timestamps as UTC `...Z` where possible."""
    wire: dict[str, Any] = {}
    for key, value in pairs:
        if value is None:
            continue
        if key in _TIMESTAMP_KEYS:
            value = utc_text(value)
        elif key == "metadata" and isinstance(value, Mapping) and type(value) is not dict:
            value = dict(value)
        elif key == "media" and type(value) is tuple:
            value = list(value)
        wire[key] = value
    return wire


def fast_wire(message: object) -> dict[str, Any] | None:
    """The wire form of a common-shape message that breaks no rule, or None.

    The common shape: a plain dict holding the required keys and only keys `FIELD_RULES`
    knows, no None value, metadata (if any) a plain dict. Each value goes through the same
    `FIELD_RULES` check as on the full path, without building problems. None means "take the
    full path" (`wire_message` then `message_problems`), which finds and words any problem.

    Args:
        message: anything given as a message.

    Returns:
        The same dict `wire_message` would return, or None.
    """
    if type(message) is not dict or not message.keys() >= _REQUIRED_KEYS:
        return None
    wire: dict[str, Any] = message.copy()
    if not _UNTIMED_KEYS.issuperset(message):  # one C call for the common shape
        if not _KNOWN_KEYS.issuperset(message):
            return None
        for key in _TIMESTAMP_KEYS.intersection(message):
            wire[key] = utc_text(wire[key])
    if "metadata" in wire and type(wire["metadata"]) is not dict:
        return None
    for key, value in wire.items():
        if FIELD_RULES[key](value, wire):  # every rule refuses None (the full path drops it)
            return None
    return wire


def wire_message(message: Message | Mapping[str, Any]) -> dict[str, Any]:
    """Convert one message to its wire form, without checking the rules.

    Args:
        message: a `Message` or a mapping of JSON keys.

    Returns:
        A new dict: None values dropped, datetimes and ISO strings with an offset as UTC
        `...Z` text (naive ones left without offset, for `message_problems` to reject).

    Raises:
        ValidationError: if `message` is neither a Message nor a mapping.
    """
    pairs = _wire_pairs(message)
    if pairs is None:
        raise ValidationError([Problem("message", _OBJECT_RULE)])
    return _to_wire(pairs)


def _body_mapping(body: object, kind: str) -> Mapping[Any, Any]:
    """A request body as a mapping of JSON keys; ValidationError if it is neither kind."""
    if isinstance(body, Model):
        return dict(body.items())
    if isinstance(body, Mapping):
        return body
    raise ValidationError([Problem("body", f"must be a {kind} or a JSON object")])


def _extras(body: Mapping[Any, Any], skip: str, problems: list[Problem]) -> dict[str, Any]:
    """Body keys other than `skip` (None dropped), checked like unknown message keys."""
    extra: dict[str, Any] = {}
    for key, value in body.items():
        if key != skip and value is not None:
            problems.extend(_passthrough_problems(key, value, None))
            extra[key] = value
    return extra


def send_body(body: SendMessagesRequest | Mapping[str, Any]) -> dict[str, Any]:
    """Check a send request and return its wire form, to be serialised once.

    Args:
        body: a `SendMessagesRequest`, or a mapping whose `messages` holds Message models or
            mappings (as `json.loads` gives them).

    Returns:
        `{"messages": [wire message, ...]}` plus any other body keys, JSON-ready.

    Raises:
        ValidationError: listing every broken rule, each with its message index.
    """
    mapping = _body_mapping(body, "SendMessagesRequest")
    problems: list[Problem] = []
    extra = _extras(mapping, "messages", problems)
    wire_messages = _messages_wire(mapping.get("messages"), problems)
    if problems:
        raise ValidationError(problems)
    return {"messages": wire_messages, **extra}


def _messages_wire(messages: object, problems: list[Problem]) -> list[dict[str, Any]]:
    """Wire forms of the messages; appends every problem found to `problems`."""
    if messages is None:
        problems.append(Problem("messages", "is required"))
        return []
    if not isinstance(messages, (list, tuple)):
        problems.append(Problem("messages", f"must be a list (got {type(messages).__name__})"))
        return []
    if not 1 <= len(messages) <= MAX_MESSAGES:
        rule = f"must hold 1 to {MAX_MESSAGES} messages (got {len(messages)})"
        problems.append(Problem("messages", rule))
    wire_messages = []
    for index, message in enumerate(messages):
        wire = fast_wire(message)
        if wire is not None:
            wire_messages.append(wire)
            continue
        pairs = _wire_pairs(message)
        if pairs is None:
            problems.append(Problem("message", _OBJECT_RULE, index))
            continue
        wire = _to_wire(pairs)
        problems.extend(message_problems(wire, index))
        wire_messages.append(wire)
    return wire_messages


def confirm_body(body: Model | Mapping[str, Any], key: str) -> dict[str, Any]:
    """Check a confirm request (`delivery_report_ids` or `reply_ids`) and return its wire form.

    Args:
        body: a confirm request model or a mapping.
        key: the JSON key holding the ids.

    Returns:
        `{key: [id, ...]}` plus any other body keys, JSON-ready.

    Raises:
        ValidationError: unless `key` holds a list of 1 to MAX_IDS (100) non-empty strings.
    """
    mapping = _body_mapping(body, "confirm request")
    problems: list[Problem] = []
    extra = _extras(mapping, key, problems)
    ids = mapping.get(key)
    id_list: list[Any] = []
    if ids is None:
        problems.append(Problem(key, "is required"))
    elif not isinstance(ids, (list, tuple)):
        problems.append(Problem(key, f"must be a list of ids (got {type(ids).__name__})"))
    else:
        id_list = list(ids)
        if not 1 <= len(ids) <= MAX_IDS:
            problems.append(Problem(key, f"must hold 1 to {MAX_IDS} ids (got {len(ids)})"))
        problems.extend(
            Problem(f"{key}[{position}]", "must be a non-empty string")
            for position, item in enumerate(ids)
            if not (isinstance(item, str) and item and utf8_ok(item))
        )
    if problems:
        raise ValidationError(problems)
    return {key: id_list, **extra}


def cancel_body(body: Model | Mapping[str, Any] | None) -> dict[str, Any]:
    """Check a cancel request and return its wire form.

    Args:
        body: a `CancelScheduledMessageRequest`, a mapping, or None (meaning cancel).

    Returns:
        `{"status": "cancelled"}` plus any other body keys, JSON-ready.

    Raises:
        ValidationError: unless `status` is `"cancelled"`.
    """
    if body is None:
        return {"status": "cancelled"}
    mapping = _body_mapping(body, "CancelScheduledMessageRequest")
    problems: list[Problem] = []
    extra = _extras(mapping, "status", problems)
    status = mapping.get("status")
    if not isinstance(status, str) or status != "cancelled":
        rule = 'is required and must be "cancelled"' if status is None else 'must be "cancelled"'
        problems.append(Problem("status", rule))
    if problems:
        raise ValidationError(problems)
    return {"status": "cancelled", **extra}


def message_id(value: object) -> str:
    """Check a message id used in a URL path.

    Args:
        value: the id given by the caller.

    Returns:
        The id, unchanged.

    Raises:
        ValidationError: unless it is a non-empty, non-blank string of UTF-8 text.
    """
    if isinstance(value, str) and value.strip() and utf8_ok(value):
        return value
    raise ValidationError([Problem("message_id", "must be a non-empty string")])
