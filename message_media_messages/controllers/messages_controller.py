"""MessagesController: send, get status, cancel a scheduled message, check credits."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import _validation as validation
from ..exceptions.api_exception import APIException, BadRequestError
from ..exceptions.send_messages_400_response_exception import SendMessages400ResponseException
from ..models.cancel_scheduled_message_request import CancelScheduledMessageRequest
from ..models.get_message_status_response import GetMessageStatusResponse
from ..models.message import Message
from ..models.send_messages_request import SendMessagesRequest
from ..models.send_messages_response import SendMessagesResponse
from ..models.status_enum import StatusEnum
from .base_controller import BaseController, json_object, path_for

if TYPE_CHECKING:  # batch pulls in sqlite3 and threads: loaded on first use
    from ..batch._sender import BatchProgress, BatchResult


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
        return self._send_wire(validation.send_body(body), account_header)

    def send_batch(
        self,
        messages: Iterable[Message | Mapping[str, Any]],
        *,
        concurrency: int = 1,
        journal: str | None = None,
        dry_run: bool = False,
        on_progress: Callable[[BatchProgress], None] | None = None,
        account_header: str | None = None,
    ) -> BatchResult:
        """Send any number of messages, streamed, in requests of up to 100.

        Every row is validated first; invalid rows are not sent. A request the API
        rejects with 400 (it then sends nothing) is split and its halves resent, so one
        bad row cannot sink the others. A request that may have reached the server is
        never resent: its rows are `unknown`.

        Args:
            messages: any iterable of `Message` or dicts, consumed as a stream.
            concurrency: requests in flight at once (keep the client's `pool_maxsize`
                at least this high).
            journal: path of a SQLite journal: a run killed at any moment and started
                again with the same input skips accepted rows, reports the ones that
                were in flight as `unknown`, and never sends a row twice.
            dry_run: send nothing; report validity, encoding and SMS segments per row.
            on_progress: called with a `BatchProgress` as rows are accounted for.
            account_header: the sub-account to send from.

        Returns:
            The ledger: `counts` per outcome and `rows` in input order.

        Raises:
            JournalMismatchError: the journal was written for a different input.
            JournalLockedError: another run holds the journal (its `holder` says who).
            JournalUnusableError: the path is not a journal of ours, or cannot be used.
            JournalWriteError: a journal write failed mid-run; the batch stopped.
        """
        from ..batch._sender import send_batch

        return send_batch(
            functools.partial(self._send_wire, account_header=account_header),
            messages,
            concurrency=concurrency,
            journal=journal,
            dry_run=dry_run,
            on_progress=on_progress,
        )

    def _send_wire(
        self, payload: dict[str, Any], account_header: str | None
    ) -> SendMessagesResponse:
        """Send an already validated wire body."""
        return self._call(
            "POST",
            "/v1/messages",
            payload=payload,
            idempotent=False,
            account_header=account_header,
            parse=SendMessagesResponse.from_dictionary,
            bad_request=SendMessages400ResponseException,
        )

    def get_message_status(
        self, message_id: str, account_header: str | None = None
    ) -> GetMessageStatusResponse:
        """The message as the API holds it now, with its current `status`.

        Raises:
            NotFoundError: no such message (or older than 45 days).
        """
        path = path_for("/v1/messages/{}", validation.message_id(message_id))
        return self._call(
            "GET",
            path,
            idempotent=True,
            account_header=account_header,
            parse=GetMessageStatusResponse.from_dictionary,
        )

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

        def already_cancelled(error: APIException) -> str:
            # A retry after a lost answer finds the message cancelled by the first
            # attempt, and the API refuses to cancel it twice: that is a success.
            if isinstance(error, BadRequestError):
                status = self.get_message_status(message_id, account_header).status
                if status == StatusEnum.CANCELLED:
                    return ""
            raise error

        return self._call(
            "PUT",
            path_for("/v1/messages/{}", message_id),
            payload=validation.cancel_body(body),
            idempotent=True,
            account_header=account_header,
            recover=already_cancelled,
        )

    def check_credits_remaining(self, account_header: str | None = None) -> Any:
        """The prepaid credits left on the account (the decoded JSON, as in 2.x)."""
        return self._call(
            "GET",
            "/v1/messaging/credits",
            idempotent=True,
            account_header=account_header,
            parse=json_object,
        )

    # The official 1.1.0 names.
    create_send_messages = send_messages
    update_cancel_scheduled_message = cancel_scheduled_message
