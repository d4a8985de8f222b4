"""The sandbox clock: an injectable wall clock plus an offset moved by `advance`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

__all__ = ["SandboxClock", "iso_utc"]


class SandboxClock:
    """Simulated time = wall time + an offset that only moves forward.

    The wall part (`time.time` unless injected) keeps flowing; `advance` adds to the
    offset. HMAC `Date` checks use the wall part only, so moving simulated time forward
    to release scheduled messages never breaks a client that signs with its real clock.

    Args:
        wall: Source of wall time in epoch seconds; `time.time` when None.
    """

    def __init__(self, wall: Callable[[], float] | None = None) -> None:
        self._wall: Callable[[], float] = wall if wall is not None else time.time
        self._offset = 0.0
        self._lock = threading.Lock()

    def wall(self) -> float:
        """Return the wall time (epoch seconds), ignoring the simulated offset."""
        return self._wall()

    def now(self) -> float:
        """Return the simulated time (epoch seconds): wall time plus the offset."""
        return self._wall() + self._offset

    @property
    def offset(self) -> float:
        """Seconds the simulated clock is ahead of the wall clock."""
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move simulated time forward.

        Args:
            seconds: How far to move; must be >= 0 (time never goes backwards).

        Raises:
            ValueError: `seconds` is negative.
        """
        if seconds < 0:
            raise ValueError("the sandbox clock cannot go backwards")
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        """Drop the offset: simulated time equals wall time again."""
        with self._lock:
            self._offset = 0.0


def iso_utc(epoch: float) -> str:
    """Format epoch seconds as the API does: ISO 8601 UTC, milliseconds, `Z`.

    Args:
        epoch: Seconds since the Unix epoch.

    Returns:
        A string such as `2016-11-03T11:49:02.807Z`.
    """
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
