"""Check, confirm and iter_unconfirmed: the feed pattern shared by delivery reports and replies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from .. import _validation as validation
from .._rules import MAX_IDS
from ..models._base import Model
from ._answers import Endpoint
from .base_controller import BaseController

T = TypeVar("T", bound=Model)
I = TypeVar("I")  # noqa: E741 - an item of any kind


def feed_endpoints(path: str, response: type[Model], ids: str) -> tuple[Endpoint, Endpoint]:
    """The check and confirm endpoints of the feed at `path`.

    Args:
        path: e.g. "/v1/replies"; confirms go to `<path>/confirmed`.
        response: the check's response model.
        ids: the confirm body's key, e.g. "reply_ids".
    """
    check = Endpoint("GET", path, idempotent=True, result=response._adopt)
    body = functools.partial(validation.confirm_body, key=ids)
    return check, Endpoint("POST", path + "/confirmed", idempotent=True, body=body)


class FeedController(BaseController, Generic[T]):
    """Endpoints that return the oldest unconfirmed items until they are confirmed.

    Subclasses declare the two endpoints (`feed_endpoints`), the response's list
    attribute and the id field.
    """

    _check_endpoint: ClassVar[Endpoint]
    _confirm_endpoint: ClassVar[Endpoint]
    _items: ClassVar[str]  # the response's list attribute, e.g. "replies"
    _id: ClassVar[str]  # an item's id field, e.g. "reply_id"; confirms send "<_id>s"
    MAX_IDS: ClassVar[int] = MAX_IDS  # ids one confirm request takes (the API's limit)

    def _check(self, account_header: str | None) -> Any:
        return self._request(self._check_endpoint, account_header=account_header)

    def _confirm(self, body: Model | Mapping[str, Any], account_header: str | None) -> Any:
        return self._request(self._confirm_endpoint, body=body, account_header=account_header)

    def iter_unconfirmed(
        self,
        *,
        follow: bool = False,
        poll_interval: float = 5.0,
        limit: int | None = None,
        account_header: str | None = None,
    ) -> Iterator[T]:
        """Yield unconfirmed items, confirming each once the caller asks for the next.

        At-least-once: an item is confirmed (in batches) only once the caller moves past it.

        Args:
            follow: keep polling when none are waiting, instead of stopping.
            poll_interval: seconds between checks while following and idle.
            limit: stop after this many items.
            account_header: the sub-account to read.
        """
        return iter_unconfirmed(
            lambda: getattr(self._check(account_header), self._items) or [],
            lambda ids: self._confirm({self._id + "s": ids}, account_header),
            lambda item: str(getattr(item, self._id)),
            follow=follow,
            poll_interval=poll_interval,
            limit=limit,
            sleep=self._requestor.sleep,
        )


class Feed(Generic[I]):
    """The decisions of one poll-and-confirm run (no I/O): what to confirm, when to stop.

    The sync `iter_unconfirmed` and the async `aiter_unconfirmed` drive it the same way:
    `stops_at(items)` after each check; `moved_past(item)` once the caller asks for the
    next item; `due()` for ids to confirm now (`full_only`: only a whole batch), and
    `confirmed()` once they are (a failed confirm keeps them, tried again at the end).
    """

    __slots__ = ("follow", "handed", "id_of", "limit", "pending")

    def __init__(self, id_of: Callable[[I], str], *, follow: bool, limit: int | None) -> None:
        self.id_of, self.follow, self.limit = id_of, follow, limit
        self.pending: list[str] = []
        self.handed = 0

    @property
    def done(self) -> bool:
        """Whether `limit` items were handed over."""
        return self.limit is not None and self.handed >= self.limit

    def stops_at(self, items: Sequence[I]) -> bool:
        """Whether the run ends with this check (nothing waiting, not following)."""
        return not items and not self.follow

    def moved_past(self, item: I) -> None:
        """The caller asked for the item after `item`: it may be confirmed."""
        self.pending.append(self.id_of(item))
        self.handed += 1

    def due(self, *, full_only: bool = False) -> list[str] | None:
        """The ids to confirm now (a copy), or None."""
        if not self.pending or (full_only and len(self.pending) < MAX_IDS):
            return None
        return list(self.pending)

    def confirmed(self) -> None:
        """The ids `due` gave were confirmed."""
        self.pending.clear()


def iter_unconfirmed(
    check: Callable[[], Sequence[I]],
    confirm: Callable[[list[str]], None],
    id_of: Callable[[I], str],
    *,
    follow: bool,
    poll_interval: float,
    limit: int | None,
    sleep: Callable[[float], None],
) -> Iterator[I]:
    """Yield items from repeated checks; confirm them in batches once handed over.

    At-least-once: an item is confirmed once the caller asks for the next (or the loop ends).

    Args:
        check, confirm, id_of: get the oldest unconfirmed items; confirm ids; an item's id.
        follow: keep polling when a check comes back empty, instead of stopping.
        poll_interval: seconds between checks while following and idle.
        limit: stop after handing over this many items (None: no limit).
        sleep: the sleep function (the client's, injectable in tests).
    """
    feed = Feed(id_of, follow=follow, limit=limit)
    flush = functools.partial(_flush, feed, confirm)
    try:
        while not feed.done:
            items = check()
            if feed.stops_at(items):
                return
            for item in items:
                yield item
                feed.moved_past(item)  # reached only once the caller moved past `item`
                flush(True)
                if feed.done:
                    return
            flush()
            if not items:
                sleep(poll_interval)
    finally:
        flush()


def _flush(feed: Feed[I], confirm: Callable[[list[str]], None], full_only: bool = False) -> None:
    """Confirm what `feed` says is due."""
    ids = feed.due(full_only=full_only)
    if ids is not None:
        confirm(ids)
        feed.confirmed()
