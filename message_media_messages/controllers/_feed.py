"""Check, confirm and iter_unconfirmed: the feed pattern shared by delivery reports and replies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from .. import _validation as validation
from .._rules import MAX_IDS
from ..models._base import Model
from ._requestor import Endpoint
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


@dataclass
class _Pending:
    """Ids handed over and not yet confirmed, confirmed in batches of up to `MAX_IDS`."""

    confirm: Callable[[list[str]], None]
    ids: list[str] = field(default_factory=list)

    def add(self, item_id: str) -> None:
        self.ids.append(item_id)
        if len(self.ids) == MAX_IDS:
            self.flush()

    def flush(self) -> None:
        if self.ids:
            self.confirm(list(self.ids))  # a failed confirm keeps them: retried at the end
            self.ids.clear()


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
        check: returns the oldest unconfirmed items (up to 100).
        confirm: confirms a list of ids.
        id_of: an item's id.
        follow: keep polling when a check comes back empty, instead of stopping.
        poll_interval: seconds between checks while following and idle.
        limit: stop after handing over this many items (None: no limit).
        sleep: the sleep function (the client's, injectable in tests).
    """
    pending, handed = _Pending(confirm), 0
    try:
        while limit is None or handed < limit:
            items = check()
            if not items and not follow:
                return
            for item in items:
                yield item
                pending.add(id_of(item))  # reached only once the caller moved past `item`
                handed += 1
                if limit is not None and handed >= limit:
                    return
            pending.flush()
            if not items:
                sleep(poll_interval)
    finally:
        pending.flush()
