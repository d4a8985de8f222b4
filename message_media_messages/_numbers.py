"""Phone numbers as people write them: E.164 with `phonenumbers`, and why a number is not."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models.message import Message

INSTALL_HINT = 'local numbers need phonenumbers: pip install "message-media-messages[phone]"'
REGION_HINT = "give its country with default_region= (CLI: --default-region AU)"
# What Excel makes of a long number in a General cell: 6.14916E+10, 6,14916E+10, 6.1E10.
_SCIENTIFIC = re.compile(r"\s*[0-9][.,]?[0-9]*\s*[eE]\s*\+?\s*[0-9]+\s*")
_LOOSE = re.compile(r"[0-9\s().+\-/]+")  # digits and the separators people type


def spreadsheet_mangled(text: str) -> bool:
    """Return True for a number a spreadsheet has shown in scientific notation (digits lost)."""
    return bool(_SCIENTIFIC.fullmatch(text))


def destination_hint(value: object) -> str:
    """What to say, besides the E.164 rule, about a destination number that breaks it."""
    if not isinstance(value, str):
        return ""
    if spreadsheet_mangled(value):
        return (
            f"; got {value!r}: a spreadsheet turned this number into scientific notation and "
            "lost its last digits: format the column as text and export it again"
        )
    if _LOOSE.fullmatch(value) and sum(c.isdigit() for c in value) >= 6:
        return f"; got {value!r}: a local or loosely written number? {REGION_HINT}"
    return f"; got {value!r}"


def _phonenumbers() -> Any:
    try:
        import phonenumbers
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return phonenumbers


def normalize_number(text: str, region: str | None = None) -> str:
    """Return the E.164 form (`+61491570156`) of a phone number as people write it.

    Args:
        text: the number: `0491 570 156`, `(04) 9157 0156`, `+61-491-570-156`, ...
        region: the two-letter country (`AU`, `GB`, `US`) of numbers written without their
            country code; None accepts only numbers that start with `+`.

    Returns:
        The number in E.164 form.

    Raises:
        ValueError: if `text` is not a possible phone number (the message says why).
        ImportError: if the `phone` extra (`phonenumbers`) is not installed.
    """
    if spreadsheet_mangled(text):
        raise ValueError(f"destination_number {destination_hint(text)[2:]}")
    phonenumbers = _phonenumbers()
    country = region.strip().upper() if region else None
    if country is not None and country not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown region {region!r}: use a two-letter country code like AU")
    try:
        parsed = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException as exc:
        if country is None and not text.strip().startswith("+"):
            raise ValueError(f"{text!r} has no country code: {REGION_HINT}") from None
        raise ValueError(f"{text!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_possible_number(parsed):
        where = f" in {country}" if country else ""
        raise ValueError(f"{text!r} is not a possible phone number{where}")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def localized(
    messages: Iterable[Message | Mapping[str, Any]], region: str | None
) -> Iterable[Message | Mapping[str, Any]]:
    """The messages with each `destination_number` in E.164 (a copy where it changes).

    A number that cannot be normalised is left as it is, for validation to refuse by row.
    With no region, `messages` unchanged.
    """
    if region is None:
        return messages
    _phonenumbers()  # the missing extra is an error before the first row, not per row
    return _localized(messages, region)


def _localized(
    messages: Iterable[Message | Mapping[str, Any]], region: str
) -> Iterator[Message | Mapping[str, Any]]:
    """`localized`, as a generator."""
    for message in messages:
        number = message.get("destination_number")
        if isinstance(number, str) and not (number[:1] == "+" and number[1:].isdigit()):
            try:
                clean = normalize_number(number, region)
            except ValueError:
                clean = number
            if clean != number:
                message = _with_number(message, clean)
        yield message


def _with_number(message: Message | Mapping[str, Any], number: str) -> Message | Mapping[str, Any]:
    if isinstance(message, Mapping):
        return {**message, "destination_number": number}
    copy = type(message).from_dictionary(message.to_dictionary())
    copy.destination_number = number
    return copy
