"""One input row's way through a batch: checked against the rules, then settled by a request."""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from .. import _validation as validation
from ..exceptions.api_exception import (
    APIException,
    BadRequestError,
    ConfigurationError,
    MessageMediaError,
    ValidationError,
)
from ..models.send_messages_response import SendMessagesResponse
from ._ledger import ACCEPTED, REJECTED, UNKNOWN, Group
from ._segments import analyze

logger = logging.getLogger("message_media_messages")


def check_settings(concurrency: object, max_segments: object = None) -> None:
    """Refuse a `concurrency` (or a `max_segments`) that is not a whole number >= 1."""
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigurationError("concurrency must be a whole number >= 1")
    if max_segments is not None and (type(max_segments) is not int or max_segments < 1):
        raise ConfigurationError("max_segments must be a whole number >= 1")


class Entry(NamedTuple):
    """A valid row waiting to be sent."""

    idx: int
    wire: dict[str, Any]
    fp: bytes | None


def checked(
    row: object, index: int, max_segments: int | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """A row's wire form and, if it breaks rules (or is over `max_segments`), their text."""
    wire = validation.fast_wire(row)  # a common-shape row that breaks no rule
    if wire is not None:
        return wire, _over(wire, index, max_segments)
    try:
        wire = validation.wire_message(row)  # type: ignore[arg-type]
    except ValidationError as exc:
        return None, f"row {index}: {exc.rule}"
    problems = validation.message_problems(wire, None)
    if not problems:
        return wire, _over(wire, index, max_segments)
    return wire, f"row {index}: " + "; ".join(str(p) for p in problems)


def _over(wire: dict[str, Any], index: int, max_segments: int | None) -> str | None:
    """The text refusing an SMS of more than `max_segments` parts, or None."""
    if max_segments is None or wire.get("format", "SMS") != "SMS":
        return None
    parts = analyze(wire["content"]).segments
    if parts <= max_segments:
        return None
    return f"row {index}: content: is {parts} SMS segments, over max_segments={max_segments}"


class Settled(NamedTuple):
    """What one finished request did to all of its rows (one record per chunk, not per row).

    Attributes:
        state: every row's outcome: ACCEPTED, REJECTED or UNKNOWN.
        ids: the API's message id of each row, in chunk order (accepted chunks only).
        error: why the rows were rejected or unknown; None when accepted.
    """

    state: str
    ids: list[str] | None
    error: str | None


def settled(size: int, outcome: object) -> Settled:
    """The fate of the `size` rows of a finished request (its response, or its exception)."""
    if isinstance(outcome, SendMessagesResponse):
        ids = [m.message_id for m in outcome.messages or []]
        if len(ids) == size and all(isinstance(i, str) and i for i in ids):
            return Settled(ACCEPTED, ids, None)  # type: ignore[arg-type]  # all str: checked
        text = f"the API's 2xx answer listed {len(ids)} message ids for {size} sent"
        return Settled(UNKNOWN, None, text)
    if not isinstance(outcome, MessageMediaError):
        logger.error("unexpected error sending a batch chunk", exc_info=outcome)  # type: ignore[arg-type]
    state = REJECTED if _provably_unsent(outcome) else UNKNOWN
    prefix = "" if isinstance(outcome, BadRequestError) or state == UNKNOWN else "not sent: "
    return Settled(state, None, prefix + _reason(outcome))


def group(chunk: list[Entry], fate: Settled, durable: bool) -> Group:
    """The ledger rows of a chunk (a journal keeps each row's fingerprint, a temp ledger none)."""
    state, ids, error = fate
    idxs = [e.idx for e in chunk]
    if durable:
        fps = [e.fp for e in chunk]
        if ids:
            return Group(
                ("idx", "fp", "message_id"), list(zip(idxs, fps, ids, strict=True)), state, error
            )
        return Group(("idx", "fp"), list(zip(idxs, fps, strict=True)), state, error)
    if ids:
        return Group(("idx", "message_id"), list(zip(idxs, ids, strict=True)), state, error)
    return Group(("idx",), [(i,) for i in idxs], state, error)


def _provably_unsent(outcome: object) -> bool:
    return isinstance(outcome, MessageMediaError) and not outcome.maybe_sent


def _reason(outcome: object) -> str:
    if isinstance(outcome, APIException) and outcome.message:
        details = "; ".join(outcome.details)
        return f"HTTP {outcome.status_code}: {outcome.message}" + (
            f" [{details}]" if details else ""
        )
    return str(outcome)
