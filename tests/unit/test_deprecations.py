"""What the 2026 spec deprecates is said so where users read it (docstrings, the guides)."""

from __future__ import annotations

import re
from pathlib import Path

from message_media_messages.models import DeliveryReport

ROOT = Path(__file__).resolve().parents[2]
SPEC_2026 = ROOT / "tests" / "sandbox" / "specs" / "openapi-messages-2026.yaml"


def test_the_2026_spec_deprecates_delivery_report_delay() -> None:
    text = SPEC_2026.read_text(encoding="utf-8")
    assert re.search(r"delay:\n\s+type: integer\n\s+deprecated: true", text)


def test_delivery_report_delay_docstring_says_deprecated() -> None:
    doc = DeliveryReport.__doc__ or ""
    line = next(line for line in doc.splitlines() if line.strip().startswith("delay:"))
    assert "deprecated" in line.lower() and "no longer in use" in line  # the spec's words
    report = DeliveryReport.from_dictionary({"delay": 0, "status": "delivered"})
    assert report.delay == 0  # still read: old code and stored reports keep working


def test_readme_explains_de_duplication_where_it_talks_about_never_sending_twice() -> None:
    batch = (ROOT / "docs" / "guides" / "batch.md").read_text(encoding="utf-8")
    assert "never sends a row twice" in batch
    dedup = batch.split("**De-duplication**", 1)[1].split("\n- ", 1)[0]
    for fact in ("account setting", "off by default", "24 h", "400", "305", "rejected"):
        assert fact in dedup, fact
