"""SMS encoding and segment counts (SMS-ENCODING.md examples and boundaries)."""

from __future__ import annotations

import dataclasses

import pytest

from message_media_messages.batch._segments import Segments, analyze

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "\f^{}\\[~]|€"
EMOJI = "\U0001f600"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("a" * 160, Segments("GSM-7", 160, 1)),
        ("a" * 161, Segments("GSM-7", 161, 2)),
        ("a" * 306, Segments("GSM-7", 306, 2)),
        ("a" * 307, Segments("GSM-7", 307, 3)),
        ("€" * 80, Segments("GSM-7", 160, 1)),
        ("ж" * 71, Segments("UCS-2", 71, 2)),
        (EMOJI * 35, Segments("UCS-2", 70, 1)),
    ],
    ids=["160a", "161a", "306a", "307a", "80euro", "71zhe", "35emoji"],
)
def test_documented_examples(content: str, expected: Segments) -> None:
    assert analyze(content) == expected


def test_every_basic_character_is_one_septet() -> None:
    assert len(BASIC) == 127
    assert analyze(BASIC) == Segments("GSM-7", 127, 1)
    for char in BASIC:
        assert analyze(char) == Segments("GSM-7", 1, 1), repr(char)


def test_every_extension_character_is_two_septets() -> None:
    for char in EXTENSION:
        assert analyze(char) == Segments("GSM-7", 2, 1), repr(char)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", Segments("GSM-7", 0, 0)),
        ("a" * 159 + "€", Segments("GSM-7", 161, 2)),
        ("a" * 158 + "€", Segments("GSM-7", 160, 1)),
        ("a" * 152 + "€" + "a" * 7, Segments("GSM-7", 161, 2)),
        # 152 septets + an escape pair: the pair moves whole to part 2, so 306 septets need 3.
        ("a" * 152 + "€" + "a" * 152, Segments("GSM-7", 306, 3)),
        ("a" * 151 + "€" + "a" * 153, Segments("GSM-7", 306, 2)),
        ("ж" * 70, Segments("UCS-2", 70, 1)),
        ("ж" * 134, Segments("UCS-2", 134, 2)),
        ("ж" * 135, Segments("UCS-2", 135, 3)),
        # 66 units + a surrogate pair: the pair is not split, so part 2 starts with it.
        ("ж" * 66 + EMOJI + "ж" * 66, Segments("UCS-2", 134, 3)),
        ("ж" * 65 + EMOJI + "ж" * 67, Segments("UCS-2", 134, 2)),
        (EMOJI * 36, Segments("UCS-2", 72, 2)),
        ("a" * 100 + "ж", Segments("UCS-2", 101, 2)),
        ("a\x1b", Segments("UCS-2", 2, 1)),
        ("ç", Segments("UCS-2", 1, 1)),
        ("`", Segments("UCS-2", 1, 1)),
    ],
)
def test_boundaries(content: str, expected: Segments) -> None:
    assert analyze(content) == expected


def test_one_non_gsm_character_switches_the_whole_text() -> None:
    assert analyze("€" * 10 + "ж").encoding == "UCS-2"
    assert analyze("€" * 10 + "ж").units == 11


def test_segments_is_frozen() -> None:
    result = analyze("hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.segments = 5  # type: ignore[misc]
