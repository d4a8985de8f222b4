"""RetryPolicy: which failures may be retried, how long to wait, and `Retry-After`."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from random import random as _uniform  # [0, 1): the default jitter source
from typing import NamedTuple

from .._frozen import Frozen

# Failure kinds, as the transport classifies them.
CONNECT = "connect"  # no connection was made: the request provably never left
CONNECT_TIMEOUT = "connect_timeout"  # connecting timed out: never left either
READ_TIMEOUT = "read_timeout"  # sent, no (complete) answer in time: may have been processed
RESET = "reset"  # the connection broke after the request was written: may have been processed
STATUS = "status"  # an answer came back with a retryable status

NEVER_LEFT = frozenset({CONNECT, CONNECT_TIMEOUT})
RETRYABLE_IF_IDEMPOTENT = frozenset({500, 502, 503, 504})
_DELTA_SECONDS = re.compile("[0-9]+")  # RFC 9110 delta-seconds: ASCII digits only


class RetryPolicy(Frozen):
    """Decides whether a failed attempt is tried again, and after how long.

    A frozen value, compared, hashed and shown by all but `random`.

    Connect failures and 429 answers are retried for every call, sends included:
    the request was refused before any processing. 5xx answers, read timeouts and
    resets are retried only for idempotent calls, so a send is never repeated once
    it may have reached the server.

    Attributes:
        max_retries: retries after the first attempt (0 disables retrying).
        backoff_base: first backoff in seconds; doubles on each retry.
        backoff_max: cap of one backoff.
        retry_after_max: longest `Retry-After` honoured; a longer one is not waited
            for and the 429 is raised with its `retry_after`.
        random: jitter source returning [0, 1); injectable for tests.
    """

    max_retries: int
    backoff_base: float
    backoff_max: float
    retry_after_max: float
    random: Callable[[], float]
    __match_args__ = ("max_retries", "backoff_base", "backoff_max", "retry_after_max", "random")

    def __init__(
        self,
        max_retries: int = 2,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_max: float = 30.0,
        random: Callable[[], float] = _uniform,
    ) -> None:
        self._set(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            retry_after_max=retry_after_max,
            random=random,
        )

    def _compared(self) -> tuple[int, float, float, float]:
        return self.max_retries, self.backoff_base, self.backoff_max, self.retry_after_max

    def may_retry(self, *, idempotent: bool, failure: str, status: int | None = None) -> bool:
        """Whether this kind of failure may be tried again for this kind of call.

        Args:
            idempotent: True for calls that are safe to repeat (GET, cancel, confirm).
            failure: one of the module's failure kinds.
            status: the HTTP status, when `failure` is STATUS.
        """
        if failure in NEVER_LEFT or (failure == STATUS and status == 429):
            return True
        if failure == STATUS:
            return idempotent and status in RETRYABLE_IF_IDEMPOTENT
        return idempotent and failure in (READ_TIMEOUT, RESET)

    def delay(self, retry_number: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry number `retry_number` (0-based), or None to give up.

        Args:
            retry_number: how many retries were already made.
            retry_after: the server's `Retry-After` in seconds, if it sent one.
        """
        if retry_number >= self.max_retries:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.retry_after_max else None
        ceiling: float = min(self.backoff_max, self.backoff_base * 2.0**retry_number)
        return ceiling * (0.5 + self.random() / 2)  # "equal jitter": never less than half

    def after(self, outcome: Outcome, *, idempotent: bool, retries: int) -> float | None:
        """Seconds to wait before trying again after `outcome`, or None to stop there.

        Args:
            outcome: what the last attempt came to.
            idempotent: True for calls that are safe to repeat.
            retries: how many retries were already made.
        """
        failure, status = outcome.failure, outcome.status
        if not self.may_retry(idempotent=idempotent, failure=failure, status=status):
            return None
        return self.delay(retries, outcome.retry_after)


class Outcome(NamedTuple):
    """What one attempt came to, as the policy sees it: the one value it decides from.

    Attributes:
        failure: a failure kind of this module; STATUS when an answer came back.
        status: the HTTP status of the answer, or None.
        retry_after: the answer's `Retry-After` in seconds (parsed once), or None.
    """

    failure: str
    status: int | None = None
    retry_after: float | None = None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: ASCII delta-seconds or an HTTP date.

    Any other value (other digits such as "²", a fraction, a date without a zone, a
    number too large for a float) counts as absent. It never raises.

    Args:
        value: the header value, or None.
        now: the current POSIX time, for the HTTP-date form.
    """
    if not isinstance(value, str):
        return None
    value = value.strip(" \t")
    if _DELTA_SECONDS.fullmatch(value):
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - now) if when.tzinfo else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
