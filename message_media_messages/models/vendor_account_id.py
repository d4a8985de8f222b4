"""`VendorAccountId`: the vendor and account a delivery report or reply belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from ._base import Model


@dataclass
class VendorAccountId(Model):
    """Vendor and account of the original message.

    Attributes:
        vendor_id: the vendor (e.g. `MessageMedia`, `SinchEU`).
        account_id: the account used to submit the original message.
    """

    vendor_id: str | None = None
    account_id: str | None = None
