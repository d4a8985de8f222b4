"""RepliesController: check and confirm replies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models.check_replies_response import CheckRepliesResponse
from ..models.confirm_replies_as_received_request import ConfirmRepliesAsReceivedRequest
from ..models.reply import Reply
from ._feed import FeedController, feed_endpoints


class RepliesController(FeedController[Reply]):
    """The `/v1/replies` endpoints (`client.replies`)."""

    _check_endpoint, _confirm_endpoint = feed_endpoints(
        "/v1/replies", CheckRepliesResponse, "reply_ids"
    )
    _items = "replies"
    _id = "reply_id"

    def check_replies(self, account_header: str | None = None) -> CheckRepliesResponse:
        """The oldest (up to 100) replies not yet confirmed."""
        result: CheckRepliesResponse = self._check(account_header)
        return result

    def confirm_replies_as_received(
        self,
        body: ConfirmRepliesAsReceivedRequest | Mapping[str, Any],
        account_header: str | None = None,
    ) -> Any:
        """Mark up to 100 replies as processed, so checks stop returning them.

        Args:
            body: a request model, or a dict `{"reply_ids": [...]}`.
            account_header: the sub-account the replies belong to.

        Returns:
            '' for the API's empty 202 (as the official SDK returned: not None), else
            the decoded body.
        """
        return self._confirm(body, account_header)

    # The official 1.1.0 names.
    get_check_replies = check_replies
    create_confirm_replies_as_received = confirm_replies_as_received
