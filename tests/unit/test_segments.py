"""SMS encoding and segment counts (SMS-ENCODING.md examples and boundaries)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

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


# A plain reference, written from SMS-ENCODING.md alone: one character at a time.
def reference(content: str) -> Segments:
    if all(char in BASIC or char in EXTENSION for char in content):
        encoding, single, part = "GSM-7", 160, 153
        costs = [2 if char in EXTENSION else 1 for char in content]
    else:
        encoding, single, part = "UCS-2", 70, 67
        costs = [2 if ord(char) > 0xFFFF else 1 for char in content]
    units = sum(costs)
    if units <= single:
        return Segments(encoding, units, 1 if units else 0)
    parts, used = 1, 0
    for cost in costs:
        if used + cost > part:
            parts, used = parts + 1, 0
        used += cost
    return Segments(encoding, units, parts)


# Pieces that reach the part boundaries: long runs of one-unit characters, the 2-unit ones
# (escape pairs, emoji), characters that force UCS-2, and lone or hand-paired surrogates.
pieces = st.one_of(
    st.sampled_from([*BASIC, *EXTENSION, EMOJI, "ж", "ç", "`", "\x1b", "\ud83d", "\ude00",
                     "\ud83d\ude00", "\U0010ffff", "\uffff", "\x00"]),
    st.integers(1, 160).map(lambda n: "a" * n),
    st.integers(1, 70).map(lambda n: "€" * n),
    st.integers(1, 70).map(lambda n: "ж" * n),
    st.integers(1, 40).map(lambda n: EMOJI * n),
    st.characters(min_codepoint=0xFFF0),  # the BMP's end, the astral planes
    st.text(max_size=20),
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(pieces, max_size=12).map("".join))
def test_analyze_matches_the_reference(content: str) -> None:
    assert analyze(content) == reference(content)


@pytest.mark.parametrize("wide", ["€", EMOJI])
def test_analyze_matches_the_reference_around_every_boundary(wide: str) -> None:
    filler = "a" if wide == "€" else "ж"
    for run in range(140, 320):
        for tail in (0, 1, 7, 152, 153, 200):
            for content in (filler * run + wide + filler * tail, wide * (run // 2) + filler * tail):
                assert analyze(content) == reference(content), (run, tail)
