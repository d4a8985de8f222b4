"""classify(): what a transport failure means (the error class, its kind, `maybe_sent`).

Both transports ask this one function; each says only what it saw (had the request
started going out, was it a timeout, had the response's deadline passed), and keeps
its own error classes (the sync one's are also `requests` exceptions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from ..exceptions.api_exception import APIConnectionError, APITimeoutError, TransportError
from . import retry
from .http_request import HttpRequest


class Failure(NamedTuple):
    """One failure, classified.

    Attributes:
        kind: a failure kind of `http.retry` (CONNECT, CONNECT_TIMEOUT, READ_TIMEOUT, RESET).
        reason: the error's text, leading with what happened.
        maybe_sent: whether the request may have reached the server.
    """

    kind: str
    reason: str
    maybe_sent: bool


# The public class of each kind; a transport may pass its own subclasses instead.
ERROR_CLASSES: Mapping[str, type[TransportError]] = {
    retry.CONNECT: APIConnectionError,
    retry.CONNECT_TIMEOUT: APITimeoutError,
    retry.READ_TIMEOUT: APITimeoutError,
    retry.RESET: APIConnectionError,
}


def classify(
    cause: BaseException, *, left: bool, timed_out: bool, expired: bool = False
) -> Failure:
    """What a failure of one attempt means.

    Once the request started going out it may have been processed, whatever failed next.

    Args:
        cause: the transport library's exception (its text goes into the reason).
        left: whether any byte of the request may have been written (False for failures
            only connecting can raise).
        timed_out: whether the failure is a timeout.
        expired: whether the response's whole-attempt deadline had passed.
    """
    if not left:
        if timed_out:
            return Failure(retry.CONNECT_TIMEOUT, f"connect timed out: {cause}", False)
        return Failure(retry.CONNECT, f"could not connect: {cause}", False)
    if expired:
        reason = f"the response did not complete within the timeout: {cause}"
        return Failure(retry.READ_TIMEOUT, reason, True)
    if timed_out:
        return Failure(retry.READ_TIMEOUT, f"read timed out: {cause}", True)
    reason = f"connection broken before the response was complete: {cause}"
    return Failure(retry.RESET, reason, True)


def error_for(
    failure: Failure,
    request: HttpRequest,
    classes: Mapping[str, type[TransportError]] = ERROR_CLASSES,
) -> TransportError:
    """The error to raise for `failure` (of the class `classes` gives its kind)."""
    return classes[failure.kind](
        failure.reason, maybe_sent=failure.maybe_sent, failure=failure.kind,
        method=request.http_method, path=request.path,
    )  # fmt: skip
