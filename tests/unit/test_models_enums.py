"""Enums: plain classes of string constants, with every value listed in order."""

from __future__ import annotations

import pytest

from message_media_messages import models
from message_media_messages.models import GetMessageStatusResponse


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        (models.FormatEnum, ("SMS", "TTS", "MMS")),
        (models.Format1Enum, ("SMS", "TTS", "MMS")),
        (models.SourceNumberTypeEnum, ("INTERNATIONAL", "ALPHANUMERIC", "SHORTCODE")),
        (models.StatusEnum, ("enroute", "submitted", "delivered", "expired", "rejected",
                             "undeliverable", "queued", "processed", "cancelled", "scheduled",
                             "failed")),
        (models.Status2Enum, ("enroute", "failed", "submitted", "delivered", "expired",
                              "rejected", "undeliverable")),
    ],
)  # fmt: skip
def test_enums_are_string_constants(enum: type[models.StringEnum], values: tuple[str, ...]) -> None:
    assert enum.values() == values
    for value in values:
        assert getattr(enum, value.upper()) == value
        assert type(getattr(enum, value.upper())) is str


def test_enum_constants_compare_as_strings() -> None:
    assert models.FormatEnum.SMS == "SMS"
    assert models.Format1Enum.MMS == models.FormatEnum.MMS == "MMS"
    assert models.StatusEnum.QUEUED == "queued"


def test_unknown_enum_values_from_the_server_are_kept() -> None:
    status = GetMessageStatusResponse.from_dictionary(
        {"status": "vaporised", "format": "RCS", "source_number_type": "LONGCODE"}
    )
    assert (status.status, status.format, status.source_number_type) == (
        "vaporised", "RCS", "LONGCODE",
    )  # fmt: skip
