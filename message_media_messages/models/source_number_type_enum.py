"""`SourceNumberTypeEnum`: the kind of sender address of a message."""

from __future__ import annotations

from ._base import StringEnum


class SourceNumberTypeEnum(StringEnum):
    """Type of `source_number`; only valid together with `source_number`.

    Attributes:
        INTERNATIONAL: an E.164 phone number.
        ALPHANUMERIC: an alphanumeric sender ID (3 to 11 characters).
        SHORTCODE: a short code.
    """

    INTERNATIONAL = "INTERNATIONAL"
    ALPHANUMERIC = "ALPHANUMERIC"
    SHORTCODE = "SHORTCODE"
