"""DeliveryReportsController: check and confirm delivery reports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .. import polling, validation
from ..models.check_delivery_reports_response import CheckDeliveryReportsResponse
from ..models.confirm_delivery_reports_as_received_request import (
    ConfirmDeliveryReportsAsReceivedRequest,
)
from ..models.delivery_report import DeliveryReport
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

    def iter_unconfirmed(
        self,
        *,
        follow: bool = False,
        poll_interval: float = 5.0,
        limit: int | None = None,
        account_header: str | None = None,
    ) -> Iterator[DeliveryReport]:
        """Yield unconfirmed delivery reports, confirming each once the caller moves past it.

        At-least-once: an item is confirmed (in batches of up to 100) only after the next
        one is requested or the loop ends, so nothing is confirmed that was not handed
        over and processed.

        Args:
            follow: keep polling when none are waiting, instead of stopping.
            poll_interval: seconds between checks while following and idle.
            limit: stop after this many items.
            account_header: the sub-account to read.
        """
        return polling.iter_unconfirmed(
            lambda: self.check_delivery_reports(account_header).delivery_reports or [],
            lambda ids: self.confirm_delivery_reports_as_received(
                {"delivery_report_ids": ids}, account_header
            ),
            lambda item: str(item.delivery_report_id),
            follow=follow,
            poll_interval=poll_interval,
            limit=limit,
            sleep=self._core.sleep,
        )

    # The official 1.1.0 names.
    get_check_delivery_reports = check_delivery_reports
    create_confirm_delivery_reports_as_received = confirm_delivery_reports_as_received
