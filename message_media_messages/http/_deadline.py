"""Response deadlines: every socket read of a response waits at most until one instant."""

from __future__ import annotations

import io
import time
from typing import Any

# A response's buffer: large enough that one read usually takes a whole answer that
# has arrived (a 100-message send answer is ~40 KB), instead of 8 KiB reads.
_BUFFER = 64 * 1024
# A read's wait is shortened only when the deadline is nearer than the socket's timeout
# by more than this: a deadline may pass by at most this much, and a response that comes
# in one read costs no `settimeout` (a system call) at all.
_SLACK = 0.01


class Attempt:
    """What is known of one request being sent, as it goes out.

    Attributes:
        read: the read budget in seconds, counted from when the request was written.
        writing: True once the request started going out on a connection: from then
            on it may have reached the server.
        deadline: the monotonic instant the response must end by; None until the
            request has been written.
    """

    __slots__ = ("deadline", "read", "writing")

    def __init__(self, read: float) -> None:
        self.read = read
        self.writing = False
        self.deadline: float | None = None

    def written(self) -> float:
        """Start the read budget now that the request is written; return the deadline."""
        self.deadline = time.monotonic() + self.read
        return self.deadline

    @property
    def expired(self) -> bool:
        """Whether the response's deadline has passed."""
        return self.deadline is not None and time.monotonic() >= self.deadline


class Budget(float):
    """Seconds of timeout that carry their call's `Attempt` (a per-call argument).

    urllib3 hands the per-call timeout to the connection it picks (`conn.timeout = ...`)
    before the request is written: that is how the connection learns which attempt it
    is sending, with no thread-local or other ambient state.
    """

    attempt: Attempt

    def __new__(cls, seconds: float, attempt: Attempt) -> Budget:
        budget = super().__new__(cls, seconds)
        budget.attempt = attempt
        return budget


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
        if timeout is None or remaining < timeout - _SLACK:  # the deadline is nearer
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
        return io.BufferedReader(_DeadlineReader(self._sock, self._instant), _BUFFER)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)
