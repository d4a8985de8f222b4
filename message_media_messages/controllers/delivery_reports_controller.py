"""DeliveryReportsController: check and confirm delivery reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models.check_delivery_reports_response import CheckDeliveryReportsResponse
from ..models.confirm_delivery_reports_as_received_request import (
    ConfirmDeliveryReportsAsReceivedRequest,
)
from ..models.delivery_report import DeliveryReport
from ._feed import FeedController, feed_endpoints


class DeliveryReportsController(FeedController[DeliveryReport]):
    """The `/v1/delivery_reports` endpoints (`client.delivery_reports`)."""

    _check_endpoint, _confirm_endpoint = feed_endpoints(
        "/v1/delivery_reports", CheckDeliveryReportsResponse, "delivery_report_ids"
    )
    _items = "delivery_reports"
    _id = "delivery_report_id"

    def check_delivery_reports(
        self, account_header: str | None = None
    ) -> CheckDeliveryReportsResponse:
        """The oldest (up to 100) delivery reports not yet confirmed."""
        result: CheckDeliveryReportsResponse = self._check(account_header)
        return result

    def confirm_delivery_reports_as_received(
        self,
        body: ConfirmDeliveryReportsAsReceivedRequest | Mapping[str, Any],
        account_header: str | None = None,
    ) -> Any:
        """Mark up to 100 delivery reports as processed, so checks stop returning them.

        Args:
            body: a request model, or a dict `{"delivery_report_ids": [...]}`.
            account_header: the sub-account the reports belong to.

        Returns:
            '' for the API's empty 202 (as the official SDK returned: not None), else
            the decoded body.
        """
        return self._confirm(body, account_header)

    # The official 1.1.0 names.
    get_check_delivery_reports = check_delivery_reports
    create_confirm_delivery_reports_as_received = confirm_delivery_reports_as_received
