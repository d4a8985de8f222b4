"""FeedController: the check, process, confirm pattern shared by delivery reports and replies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from .. import _validation as validation
from ..models._base import Model
from . import _polling as polling
from .base_controller import BaseController

T = TypeVar("T", bound=Model)


class FeedController(BaseController, Generic[T]):
    """Endpoints that return the oldest unconfirmed items until they are confirmed.

    Subclasses name the path, the response model, its list attribute and the id field.
    """

    _path: ClassVar[str]  # e.g. "/v1/replies"; confirms go to <path>/confirmed
    _response: ClassVar[type[Model]]  # e.g. CheckRepliesResponse
    _items: ClassVar[str]  # the response's list attribute, e.g. "replies"
    _id: ClassVar[str]  # an item's id field, e.g. "reply_id"; confirms send "<_id>s"

    def _check(self, account_header: str | None) -> Any:
        return self._call(
            "GET",
            self._path,
            idempotent=True,
            account_header=account_header,
            parse=self._response.from_dictionary,
        )

    def _confirm(self, body: Model | Mapping[str, Any], account_header: str | None) -> Any:
        return self._call(
            "POST",
            self._path + "/confirmed",
            payload=validation.confirm_body(body, self._id + "s"),
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
    ) -> Iterator[T]:
        """Yield unconfirmed items, confirming each once the caller moves past it.

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
            lambda: getattr(self._check(account_header), self._items) or [],
            lambda ids: self._confirm({self._id + "s": ids}, account_header),
            lambda item: str(getattr(item, self._id)),
            follow=follow,
            poll_interval=poll_interval,
            limit=limit,
            sleep=self._core.sleep,
        )
