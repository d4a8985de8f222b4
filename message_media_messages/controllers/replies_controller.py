"""RepliesController: check and confirm replies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .. import polling, validation
from ..models.check_replies_response import CheckRepliesResponse
from ..models.confirm_replies_as_received_request import ConfirmRepliesAsReceivedRequest
from ..models.reply import Reply
from .base_controller import BaseController


class RepliesController(BaseController):
    """The `/v1/replies` endpoints (`client.replies`)."""

    def check_replies(self, account_header: str | None = None) -> CheckRepliesResponse:
        """The oldest (up to 100) replies not yet confirmed."""
        return self._call(
            "GET",
            "/v1/replies",
            idempotent=True,
            account_header=account_header,
            parse=CheckRepliesResponse.from_dictionary,
        )

    def confirm_replies_as_received(
        self,
        body: ConfirmRepliesAsReceivedRequest | Mapping[str, Any],
        account_header: str | None = None,
    ) -> None:
        """Mark up to 100 replies as processed, so checks stop returning them.

        Args:
            body: a request model, or a dict `{"reply_ids": [...]}`.
            account_header: the sub-account the replies belong to.
        """
        self._call(
            "POST",
            "/v1/replies/confirmed",
            payload=validation.confirm_body(body, "reply_ids"),
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
    ) -> Iterator[Reply]:
        """Yield unconfirmed replies, confirming each once the caller moves past it.

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
            lambda: self.check_replies(account_header).replies or [],
            lambda ids: self.confirm_replies_as_received({"reply_ids": ids}, account_header),
            lambda item: str(item.reply_id),
            follow=follow,
            poll_interval=poll_interval,
            limit=limit,
            sleep=self._core.sleep,
        )

    # The official 1.1.0 names.
    get_check_replies = check_replies
    create_confirm_replies_as_received = confirm_replies_as_received
