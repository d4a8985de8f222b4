"""Response deadlines: every socket read of a response waits at most until one instant."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

_current = threading.local()  # the deadline of the request this thread is sending


def set_deadline(instant: float | None) -> None:
    """Set (or clear, with None) the monotonic instant this thread's response must end by."""
    _current.instant = instant


def current_deadline() -> float | None:
    """The deadline set for this thread, if any."""
    return getattr(_current, "instant", None)


class _DeadlineReader(io.RawIOBase):
    """Raw reads from a socket, each waiting no longer than the time left."""

    def __init__(self, sock: Any, instant: float) -> None:
        super().__init__()
        # The socket's own unbuffered file keeps its reference counting: a connection
        # closed by http.client stays readable until this response is done with it.
        self._sock, self._raw, self._instant = sock, sock.makefile("rb", buffering=0), instant

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._instant - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the response did not complete within the timeout")
        timeout = self._sock.gettimeout()
        if timeout is None or remaining < timeout:  # only when the deadline is nearer
            self._sock.settimeout(remaining)
        return int(self._raw.readinto(buffer))

    def close(self) -> None:
        self._raw.close()
        super().close()


class DeadlineSocket:
    """A socket whose `makefile("rb")` (what http.client reads a response from) keeps a deadline.

    Everything else is the wrapped socket's own.
    """

    def __init__(self, sock: Any, instant: float) -> None:
        self._sock, self._instant = sock, instant

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._instant))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)
