"""MessagesController: send, get status, cancel a scheduled message, check credits."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import _validation as validation
from ..exceptions.send_messages_400_response_exception import SendMessages400ResponseException
from ..models.cancel_scheduled_message_request import CancelScheduledMessageRequest
from ..models.get_message_status_response import GetMessageStatusResponse
from ..models.message import Message
from ..models.send_messages_request import SendMessagesRequest
from ..models.send_messages_response import SendMessagesResponse
from ..models.status_enum import StatusEnum
from ._answers import Endpoint, cancel_needs_check, result
from .base_controller import BaseController

if TYPE_CHECKING:  # batch pulls in sqlite3 and threads: loaded on first use
    from ..batch._results import BatchProgress, BatchResult

SEND = Endpoint(
    "POST", "/v1/messages", idempotent=False, body=validation.send_body,
    result=SendMessagesResponse._adopt, bad_request=SendMessages400ResponseException,
)  # fmt: skip
SEND_CHECKED = SEND._replace(body=None)  # a wire body validated already
STATUS = Endpoint("GET", "/v1/messages/{}", idempotent=True, result=GetMessageStatusResponse._adopt)
CANCEL = Endpoint("PUT", "/v1/messages/{}", idempotent=True, body=validation.cancel_body)


def json_object(data: Any) -> dict[str, Any]:
    """Accept a decoded JSON object as it is (credits: the spec gives it no model)."""
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object, got {type(data).__name__}")
    return data


CREDITS = Endpoint("GET", "/v1/messaging/credits", idempotent=True, result=json_object)


class MessagesController(BaseController):
    """The `/v1/messages` endpoints (`client.messages`)."""

    def send_messages(
        self,
        body: SendMessagesRequest | Mapping[str, Any],
        account_header: str | None = None,
    ) -> SendMessagesResponse:
        """Submit up to 100 SMS, MMS or text-to-voice messages.

        Never retried once the request may have reached the server: a failure then
        raises with `maybe_sent=True` instead of risking a double send.

        Args:
            body: a `SendMessagesRequest`, or a dict `{"messages": [...]}`.
            account_header: sub-account to send from (the `Account` header).

        Raises:
            ValidationError: a message breaks an API rule; nothing was sent.
            SendMessages400ResponseException: the API rejected the request; nothing was sent.
        """
        sent: SendMessagesResponse = self._request(SEND, body=body, account_header=account_header)
        return sent

    def send_batch(
        self,
        messages: Iterable[Message | Mapping[str, Any]],
        *,
        concurrency: int = 1,
        journal: str | None = None,
        dry_run: bool = False,
        on_progress: Callable[[BatchProgress], None] | None = None,
        account_header: str | None = None,
        default_region: str | None = None,
        max_segments: int | None = None,
    ) -> BatchResult:
        """Send any number of messages, streamed, in requests of up to 100.

        Invalid rows are not sent; a 400 is split and resent in halves; a request that may
        have reached the server is never resent (its rows are `unknown`).

        Args:
            messages: any iterable of `Message` or dicts, consumed as a stream.
            concurrency: requests in flight at once (keep `pool_maxsize` at least this).
            journal: path of a SQLite journal: a rerun with the same input never sends twice.
            dry_run: send nothing; report validity, encoding and SMS segments per row.
            on_progress: called with a `BatchProgress` as rows are accounted for.
            account_header: the sub-account to send from (the Account header).
            default_region: the country (`AU`) of local numbers, made E.164 (`normalize_number`).
            max_segments: SMS rows of more parts are invalid, not sent (default: no limit).

        Returns:
            The ledger: `counts` per outcome and `rows` in input order.

        Raises:
            ConfigurationError: a setting it cannot use (an unknown `default_region`).
            JournalError: a journal of another input, locked, unusable, or failing to write.
        """
        from ..batch._sender import send_batch

        return send_batch(
            functools.partial(self._send_checked, account_header=account_header), messages,
            concurrency=concurrency, journal=journal, dry_run=dry_run, on_progress=on_progress,
            max_segments=max_segments, default_region=default_region)  # fmt: skip

    def _send_checked(
        self, payload: dict[str, Any], account_header: str | None
    ) -> SendMessagesResponse:
        """Send an already validated wire body."""
        sent: SendMessagesResponse = self._request(
            SEND_CHECKED, body=payload, account_header=account_header
        )
        return sent

    def get_message_status(
        self, message_id: str, account_header: str | None = None
    ) -> GetMessageStatusResponse:
        """The message as the API holds it now, with its current `status`.

        Raises:
            NotFoundError: no such message (or older than 45 days).
        """
        found: GetMessageStatusResponse = self._request(
            STATUS, message_id=validation.message_id(message_id), account_header=account_header
        )
        return found

    def cancel_scheduled_message(
        self,
        message_id: str,
        body: CancelScheduledMessageRequest | Mapping[str, Any] | None = None,
        account_header: str | None = None,
    ) -> Any:
        """Cancel a message that is still `scheduled` (sent as a real PUT).

        Returns:
            The decoded response body, or '' when the API sends none (as 2.x did).

        Raises:
            BadRequestError: the message is not scheduled any more.
            NotFoundError: no such message.
        """
        message_id = validation.message_id(message_id)
        exchange = self._exchange(
            CANCEL, message_id=message_id, body=body, account_header=account_header
        )
        # A retry after a lost answer finds the message cancelled by the first attempt,
        # and the API refuses to cancel it twice: that is a success.
        if cancel_needs_check(exchange):
            status = self.get_message_status(message_id, account_header).status
            if status == StatusEnum.CANCELLED:
                return ""
        return result(CANCEL, exchange)

    def check_credits_remaining(self, account_header: str | None = None) -> Any:
        """The prepaid credits left on the account (the decoded JSON, as in 2.x)."""
        return self._request(CREDITS, account_header=account_header)

    # The official 1.1.0 names.
    create_send_messages = send_messages
    update_cancel_scheduled_message = cancel_scheduled_message
