"""`Format1Enum`: the 2.x duplicate of `FormatEnum`, kept for surface parity."""

from __future__ import annotations

from .format_enum import FormatEnum


class Format1Enum(FormatEnum):
    """Same values as `FormatEnum` (SMS, TTS, MMS); used by `GetMessageStatusResponse` in 2.x."""
