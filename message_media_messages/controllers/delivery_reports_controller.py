"""DeliveryReportsController: check and confirm delivery reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import validation
from ..models.check_delivery_reports_response import CheckDeliveryReportsResponse
from ..models.confirm_delivery_reports_as_received_request import (
    ConfirmDeliveryReportsAsReceivedRequest,
)
from .base_controller import BaseController


class DeliveryReportsController(BaseController):
    """The `/v1/delivery_reports` endpoints (`client.delivery_reports`)."""

    def check_delivery_reports(
        self, account_header: str | None = None
    ) -> CheckDeliveryReportsResponse:
        """The oldest (up to 100) delivery reports not yet confirmed."""
        return self._call(
            "GET",
            "/v1/delivery_reports",
            idempotent=True,
            account_header=account_header,
            parse=CheckDeliveryReportsResponse.from_dictionary,
        )

    def confirm_delivery_reports_as_received(
        self,
        body: ConfirmDeliveryReportsAsReceivedRequest | Mapping[str, Any],
        account_header: str | None = None,
    ) -> None:
        """Mark up to 100 delivery reports as processed, so checks stop returning them.

        Args:
            body: a request model, or a dict `{"delivery_report_ids": [...]}`.
            account_header: the sub-account the reports belong to.
        """
        self._call(
            "POST",
            "/v1/delivery_reports/confirmed",
            payload=validation.confirm_body(body, "delivery_report_ids"),
            idempotent=True,
            account_header=account_header,
        )

    # The official 1.1.0 names.
    get_check_delivery_reports = check_delivery_reports
    create_confirm_delivery_reports_as_received = confirm_delivery_reports_as_received
