"""Enums: plain classes of string constants, with every value listed in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from message_media_messages import models
from message_media_messages.models import DeliveryReport, GetMessageStatusResponse


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        (models.FormatEnum, ("SMS", "TTS", "MMS")),
        (models.Format1Enum, ("SMS", "TTS", "MMS")),
        (models.SourceNumberTypeEnum, ("INTERNATIONAL", "ALPHANUMERIC", "SHORTCODE")),
        (models.StatusEnum, ("enroute", "submitted", "delivered", "expired", "rejected",
                             "undeliverable", "queued", "processed", "cancelled", "scheduled",
                             "failed", "held", "processing", "read", "undefined")),
        (models.Status2Enum, ("enroute", "failed", "submitted", "delivered", "expired",
                              "rejected", "undeliverable", "held", "processing", "read",
                              "undefined", "queued", "processed", "scheduled", "cancelled")),
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


SPEC_2026 = Path(__file__).resolve().parents[1] / "sandbox" / "specs" / "openapi-messages-2026.yaml"


def _spec_status_values(after: str = "") -> set[str]:
    """The first status enum after `after` in the bundled 2026 spec (read as text: no YAML dep)."""
    text = SPEC_2026.read_text(encoding="utf-8")
    text = text.split(after, 1)[1] if after else text
    block = text.split("title: Status\n", 1)[1].split("type: string", 1)[0]
    return {line.strip()[2:] for line in block.splitlines() if line.strip().startswith("- ")}


def test_delivery_report_status_enum_covers_the_2026_spec() -> None:
    reported = _spec_status_values(after="\n  /v1/delivery_reports:\n")
    assert {"delivered", "queued", "processed", "scheduled", "cancelled"} <= reported
    assert reported <= set(models.Status2Enum.values())
    assert set(models.Status2Enum.values()) - reported == {"undeliverable"}


def test_status_enums_cover_the_2026_spec_and_keep_undeliverable() -> None:
    spec = _spec_status_values()
    assert {"held", "processing", "read", "undefined"} <= spec
    assert "undeliverable" not in spec
    assert spec <= set(models.StatusEnum.values())
    assert set(models.StatusEnum.values()) - spec == {"undeliverable"}  # old data still typed
    added = {"held", "processing", "read", "undefined"}
    assert added <= set(models.Status2Enum.values())
    assert "undeliverable" in models.Status2Enum.values()


@pytest.mark.parametrize("value", ["held", "processing", "read", "undefined", "undeliverable"])
def test_new_and_old_status_values_parse(value: str) -> None:
    status = GetMessageStatusResponse.from_dictionary({"status": value})
    report = DeliveryReport.from_dictionary({"status": value})
    assert status.status == report.status == value
    assert value in models.StatusEnum.values() and value in models.Status2Enum.values()
