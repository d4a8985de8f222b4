"""The async client's controllers: the sync endpoints, models and rules, with `async` methods."""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from .. import _validation as validation
from ..models._base import Model
from ..models.cancel_scheduled_message_request import CancelScheduledMessageRequest
from ..models.check_delivery_reports_response import CheckDeliveryReportsResponse
from ..models.check_replies_response import CheckRepliesResponse
from ..models.confirm_delivery_reports_as_received_request import (
    ConfirmDeliveryReportsAsReceivedRequest,
)
from ..models.confirm_replies_as_received_request import ConfirmRepliesAsReceivedRequest
from ..models.delivery_report import DeliveryReport
from ..models.get_message_status_response import GetMessageStatusResponse
from ..models.message import Message
from ..models.reply import Reply
from ..models.send_messages_request import SendMessagesRequest
from ..models.send_messages_response import SendMessagesResponse
from ..models.status_enum import StatusEnum
from ._answers import Endpoint, cancel_needs_check, result
from ._async_requestor import AsyncRequestor
from ._feed import Feed
from .delivery_reports_controller import DeliveryReportsController
from .messages_controller import CANCEL, CREDITS, SEND, SEND_CHECKED, STATUS
from .replies_controller import RepliesController

if TYPE_CHECKING:  # batch pulls in sqlite3: loaded on first use
    from ..batch._results import BatchProgress, BatchResult

T = TypeVar("T", bound=Model)
Row = Message | Mapping[str, Any]
Rows = Iterable[Row] | AsyncIterable[Row]  # what an async send_batch reads


class AsyncMessagesController:
    """The `/v1/messages` endpoints of the async client (`client.messages`)."""

    def __init__(self, requestor: AsyncRequestor) -> None:
        self._requestor = requestor

    async def send_messages(
        self, body: SendMessagesRequest | Mapping[str, Any], account_header: str | None = None
    ) -> SendMessagesResponse:
        """Submit up to 100 messages (see `MessagesController.send_messages`).

        Raises:
            ValidationError: a message breaks an API rule; nothing was sent.
            SendMessages400ResponseException: the API rejected the request; nothing was sent.
        """
        sent: SendMessagesResponse = await self._requestor.call(
            SEND, body=body, account_header=account_header
        )
        return sent

    async def send_batch(
        self,
        messages: Rows,
        *,
        concurrency: int = 1,
        journal: str | None = None,
        dry_run: bool = False,
        on_progress: Callable[[BatchProgress], None] | None = None,
        account_header: str | None = None,
        default_region: str | None = None,
        max_segments: int | None = None,
    ) -> BatchResult:
        """Send any number of messages, streamed, in requests of up to 100, with the sync
        `send_batch`'s ledger, journal, outcomes and guarantees (see it);
        `concurrency` requests in flight on this loop.

        Args:
            messages: an iterable or an async iterable of `Message` or dicts.
            concurrency, journal, dry_run, on_progress, account_header: as for the sync one.
            default_region: the country (`AU`) of local numbers, made E.164 (`normalize_number`).
            max_segments: SMS rows of more parts are invalid, not sent (default: no limit).

        Raises:
            ConfigurationError: a setting it cannot use (an unknown `default_region`).
            JournalError: a journal of another input, locked, unusable, or failing to write.
        """
        from ..batch._async_sender import send_batch

        async def send(payload: dict[str, Any]) -> SendMessagesResponse:
            sent: SendMessagesResponse = await self._requestor.call(
                SEND_CHECKED, body=payload, account_header=account_header
            )
            return sent

        return await send_batch(
            send, messages,
            concurrency=concurrency, journal=journal, dry_run=dry_run, on_progress=on_progress,
            max_segments=max_segments, default_region=default_region,
        )  # fmt: skip

    async def get_message_status(
        self, message_id: str, account_header: str | None = None
    ) -> GetMessageStatusResponse:
        """The message as the API holds it now, with its current `status`.

        Raises:
            NotFoundError: no such message (or older than 45 days).
        """
        message_id = validation.message_id(message_id)
        found: GetMessageStatusResponse = await self._requestor.call(
            STATUS, message_id=message_id, account_header=account_header
        )
        return found

    async def cancel_scheduled_message(
        self,
        message_id: str,
        body: CancelScheduledMessageRequest | Mapping[str, Any] | None = None,
        account_header: str | None = None,
    ) -> Any:
        """Cancel a message that is still `scheduled` (a real PUT).

        Returns:
            The decoded response body, or '' when the API sends none (as 2.x did).
        """
        message_id = validation.message_id(message_id)
        requestor = self._requestor
        request = requestor.build(CANCEL, message_id, body, account_header)
        exchange = await requestor.exchange(CANCEL, request)
        if cancel_needs_check(exchange):
            found = await self.get_message_status(message_id, account_header)
            if found.status == StatusEnum.CANCELLED:
                return ""
        return result(CANCEL, exchange)

    async def check_credits_remaining(self, account_header: str | None = None) -> Any:
        """The prepaid credits left on the account (the decoded JSON, as in 2.x)."""
        return await self._requestor.call(CREDITS, account_header=account_header)

    # The official 1.1.0 names.
    create_send_messages = send_messages
    update_cancel_scheduled_message = cancel_scheduled_message


class _AsyncFeed(Generic[T]):
    """Check, confirm and `iter_unconfirmed` of one feed, async (the sync feed's endpoints)."""

    _check_endpoint: ClassVar[Endpoint]
    _confirm_endpoint: ClassVar[Endpoint]
    _items: ClassVar[str]
    _id: ClassVar[str]

    def __init__(self, requestor: AsyncRequestor) -> None:
        self._requestor = requestor

    async def _check(self, account_header: str | None) -> Any:
        return await self._requestor.call(self._check_endpoint, account_header=account_header)

    async def _confirm(self, body: Model | Mapping[str, Any], account_header: str | None) -> Any:
        return await self._requestor.call(
            self._confirm_endpoint, body=body, account_header=account_header
        )

    def iter_unconfirmed(
        self,
        *,
        follow: bool = False,
        poll_interval: float = 5.0,
        limit: int | None = None,
        account_header: str | None = None,
    ) -> AsyncIterator[T]:
        """Yield unconfirmed items (`async for`), confirming each once the caller asks for
        the next (see the sync `iter_unconfirmed`). Break out inside
        `contextlib.aclosing(...)` to confirm what was moved past at once.
        """

        async def check() -> Sequence[T]:
            return getattr(await self._check(account_header), self._items) or []

        async def confirm(ids: list[str]) -> None:
            await self._confirm({self._id + "s": ids}, account_header)

        feed: Feed[T] = Feed(lambda item: str(getattr(item, self._id)), follow=follow, limit=limit)
        return aiter_unconfirmed(check, confirm, feed, poll_interval, self._requestor.sleep)


async def aiter_unconfirmed(
    check: Callable[[], Awaitable[Sequence[T]]],
    confirm: Callable[[list[str]], Awaitable[None]],
    feed: Feed[T],
    poll_interval: float,
    sleep: Callable[[float], Awaitable[None]],
) -> AsyncIterator[T]:
    """The sync `iter_unconfirmed`'s loop, awaited: `feed` decides, this only waits."""
    try:
        while not feed.done:
            items = await check()
            if feed.stops_at(items):
                return
            for item in items:
                yield item
                feed.moved_past(item)  # reached only once the caller moved past `item`
                await _flush(feed, confirm, full_only=True)
                if feed.done:
                    return
            await _flush(feed, confirm)
            if not items:
                await sleep(poll_interval)
    finally:
        await _flush(feed, confirm)


async def _flush(
    feed: Feed[T], confirm: Callable[[list[str]], Awaitable[None]], full_only: bool = False
) -> None:
    ids = feed.due(full_only=full_only)
    if ids is not None:
        await confirm(ids)
        feed.confirmed()


class AsyncDeliveryReportsController(_AsyncFeed[DeliveryReport]):
    """The `/v1/delivery_reports` endpoints of the async client."""

    _check_endpoint = DeliveryReportsController._check_endpoint
    _confirm_endpoint = DeliveryReportsController._confirm_endpoint
    _items, _id = DeliveryReportsController._items, DeliveryReportsController._id

    async def check_delivery_reports(
        self, account_header: str | None = None
    ) -> CheckDeliveryReportsResponse:
        """The oldest (up to 100) delivery reports not yet confirmed."""
        found: CheckDeliveryReportsResponse = await self._check(account_header)
        return found

    async def confirm_delivery_reports_as_received(
        self,
        body: ConfirmDeliveryReportsAsReceivedRequest | Mapping[str, Any],
        account_header: str | None = None,
    ) -> Any:
        """Mark up to 100 delivery reports as processed ('' for the API's empty 202)."""
        return await self._confirm(body, account_header)

    get_check_delivery_reports = check_delivery_reports
    create_confirm_delivery_reports_as_received = confirm_delivery_reports_as_received


class AsyncRepliesController(_AsyncFeed[Reply]):
    """The `/v1/replies` endpoints of the async client."""

    _check_endpoint = RepliesController._check_endpoint
    _confirm_endpoint = RepliesController._confirm_endpoint
    _items, _id = RepliesController._items, RepliesController._id

    async def check_replies(self, account_header: str | None = None) -> CheckRepliesResponse:
        """The oldest (up to 100) replies not yet confirmed."""
        found: CheckRepliesResponse = await self._check(account_header)
        return found

    async def confirm_replies_as_received(
        self,
        body: ConfirmRepliesAsReceivedRequest | Mapping[str, Any],
        account_header: str | None = None,
    ) -> Any:
        """Mark up to 100 replies as processed ('' for the API's empty 202)."""
        return await self._confirm(body, account_header)

    get_check_replies = check_replies
    create_confirm_replies_as_received = confirm_replies_as_received
