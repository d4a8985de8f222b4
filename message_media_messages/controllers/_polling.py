"""Poll-and-confirm: yield unconfirmed items; confirm each once the caller has moved past it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
CONFIRM_LIMIT = 100  # ids per confirm request, the API's limit


def iter_unconfirmed(
    check: Callable[[], Sequence[T]],
    confirm: Callable[[list[str]], None],
    id_of: Callable[[T], str],
    *,
    follow: bool,
    poll_interval: float,
    limit: int | None,
    sleep: Callable[[float], None],
) -> Iterator[T]:
    """Yield items from repeated checks; confirm them in batches once handed over.

    An item is confirmed only when the caller asks for the next one (or the iteration
    ends normally), so an item being processed when the caller stops, or crashes, is
    returned again by a later check: at-least-once processing.

    Args:
        check: returns the oldest unconfirmed items (up to 100).
        confirm: confirms a list of ids.
        id_of: an item's id.
        follow: keep polling when a check comes back empty, instead of stopping.
        poll_interval: seconds between checks while following and idle.
        limit: stop after handing over this many items (None: no limit).
        sleep: the sleep function (the client's, injectable in tests).
    """
    handed, done = 0, []
    try:
        while limit is None or handed < limit:
            items = check()
            if not items and not follow:
                return
            for item in items:
                yield item
                done.append(id_of(item))  # reached only once the caller moved past `item`
                handed += 1
                if len(done) == CONFIRM_LIMIT:
                    confirm(done)
                    done = []
                if limit is not None and handed >= limit:
                    return
            if done:
                confirm(done)
                done = []
            if not items:
                sleep(poll_interval)
    finally:
        if done:
            confirm(done)
