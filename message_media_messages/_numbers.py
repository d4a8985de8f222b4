"""Phone numbers as people write them: E.164 with `phonenumbers`, and why a number is not."""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def destination_hint(value: object, region: str | None = None) -> str:
    """What to say, besides the E.164 rule, about a destination number that breaks it.

    `region`: the country its number was read in (`default_region`), if one was given: a
    number written loosely is then not possible there, and no region is suggested.
    """
    if not isinstance(value, str):
        return ""
    if spreadsheet_mangled(value):
        return (
            f"; got {value!r}: a spreadsheet turned this number into scientific notation and "
            "lost its last digits: format the column as text and export it again"
        )
    if region is not None and _LOOSE.fullmatch(value) and any(c.isdigit() for c in value):
        return f"; {impossible(value, region)}"
    if region is None and _LOOSE.fullmatch(value) and sum(c.isdigit() for c in value) >= 6:
        return f"; got {value!r}: a local or loosely written number? {REGION_HINT}"
    return f"; got {value!r}"


def impossible(text: str, country: str | None) -> str:
    """The text refusing `text` as a phone number (of `country`, when one is given)."""
    where = f" in {country}" if country else ""
    return f"{text!r} is not a possible phone number{where}"


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
    country = known_region(region) if region else None
    try:
        parsed = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException as exc:
        if country is None and not text.strip().startswith("+"):
            raise ValueError(f"{text!r} has no country code: {REGION_HINT}") from None
        raise ValueError(f"{text!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(impossible(text, country))
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def known_region(region: str) -> str:
    """The two-letter country `region` names (`au` -> `AU`).

    Raises:
        ValueError: if `phonenumbers` knows no such region.
        ImportError: if the `phone` extra (`phonenumbers`) is not installed.
    """
    country = region.strip().upper()
    if country not in _phonenumbers().SUPPORTED_REGIONS:
        raise ValueError(f"unknown region {region!r}: use a two-letter country code like AU")
    return country


def with_number(message: Message | Mapping[str, Any], number: str) -> Message | Mapping[str, Any]:
    """A copy of `message` with `number` as its destination_number (the caller's is kept)."""
    if isinstance(message, Mapping):
        return {**message, "destination_number": number}
    copy = type(message).from_dictionary(message.to_dictionary())
    copy.destination_number = number
    return copy
