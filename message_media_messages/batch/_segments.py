"""SMS encoding (GSM-7 or UCS-2) and segment count of a text, for dry runs and cost estimates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM_7: Encoding = "GSM-7"
UCS_2: Encoding = "UCS-2"

# GSM 03.38 default alphabet (one septet each), in table order; ESC (0x1B) is not a character.
_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039eÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each is sent as ESC + character, two septets.
_EXTENSION = frozenset("\f^{}\\[~]|€")

_NON_GSM = re.compile("[^" + re.escape("".join(sorted(_BASIC | _EXTENSION))) + "]")
_EXTENSION_CHAR = re.compile("[" + re.escape("".join(sorted(_EXTENSION))) + "]")
_ASTRAL_CHAR = re.compile("[\U00010000-\U0010ffff]")  # outside the BMP: a surrogate pair

_SINGLE: dict[str, int] = {"GSM-7": 160, "UCS-2": 70}
_PART: dict[str, int] = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class Segments:
    """How a text travels as SMS.

    Attributes:
        encoding: "GSM-7" if every character is in the GSM 03.38 default or extension table,
            else "UCS-2".
        units: septets (GSM-7; extension characters count 2) or UTF-16 code units (UCS-2;
            characters outside the BMP count 2).
        segments: SMS parts needed; 0 for the empty text (nothing to send; the API rejects
            empty content anyway).
    """

    encoding: Encoding
    units: int
    segments: int


def analyze(content: str) -> Segments:
    """Work out the encoding, size and number of SMS parts of a text.

    One message carries 160 septets or 70 UCS-2 units; once concatenated, each part carries
    153 septets or 67 units. An escape pair or a surrogate pair is never split across two
    parts, which can add a part at a boundary. The text is scanned by `re` (C), never
    character by character in Python.

    Args:
        content: the message text.

    Returns:
        The encoding, the size in units and the number of parts.
    """
    if _NON_GSM.search(content) is None:
        encoding, wide = GSM_7, _EXTENSION_CHAR
    else:
        encoding, wide = UCS_2, _ASTRAL_CHAR
    units = len(content) + len(wide.findall(content))
    return Segments(encoding, units, _count_parts(content, wide, units, encoding))


def _count_parts(content: str, wide: re.Pattern[str], units: int, encoding: Encoding) -> int:
    """Number of parts, filling each part greedily without splitting a 2-unit character.

    Args:
        content: the text.
        wide: the pattern of its 2-unit characters (escape pairs or surrogate pairs).
        units: the text's size in units.
        encoding: its encoding.
    """
    if units == 0:
        return 0
    if units <= _SINGLE[encoding]:
        return 1
    size = _PART[encoding]
    if units == len(content):  # every character costs 1: nothing can straddle a boundary
        return -(-units // size)
    # Unit offset where each 2-unit character begins: its index plus the wide ones before it.
    pair_starts = {match.start() + before for before, match in enumerate(wide.finditer(content))}
    parts, start = 1, 0
    while units - start > size:
        end = start + size
        if end - 1 in pair_starts:  # the pair would straddle: it opens the next part
            end -= 1
        parts, start = parts + 1, end
    return parts
