"""`FormatEnum`: the format of a message (SMS, MMS, or TTS text to voice)."""

from __future__ import annotations

from ._base import StringEnum


class FormatEnum(StringEnum):
    """Format of a message; `SMS` when omitted.

    Attributes:
        SMS: a text message.
        TTS: text to speech: the number is called and the text read out.
        MMS: a multimedia message (`media`, `subject`).
    """

    SMS = "SMS"
    TTS = "TTS"
    MMS = "MMS"
