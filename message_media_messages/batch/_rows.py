"""One input row's way through a batch: checked against the rules, then settled by a request."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from .. import _validation as validation
from .._numbers import known_region, normalize_number, with_number
from .._rules import destination_rule, is_destination
from ..exceptions.api_exception import (
    APIException,
    BadRequestError,
    ConfigurationError,
    MessageMediaError,
    Problem,
    ValidationError,
)
from ..models.message import Message
from ..models.send_messages_response import SendMessagesResponse
from ._ledger import ACCEPTED, REJECTED, UNKNOWN, Group
from ._segments import analyze

logger = logging.getLogger("message_media_messages")


def check_settings(
    concurrency: object, max_segments: object = None, region: str | None = None
) -> str | None:
    """Refuse a `concurrency` (or a `max_segments`) that is not a whole number >= 1, or an
    unknown `region`; return the region's two-letter code (None for none).

    Raises:
        ConfigurationError: a setting it cannot use.
        ImportError: a region without the `phone` extra (`phonenumbers`).
    """
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigurationError("concurrency must be a whole number >= 1")
    if max_segments is not None and (type(max_segments) is not int or max_segments < 1):
        raise ConfigurationError("max_segments must be a whole number >= 1")
    if region is None:
        return None
    try:
        return known_region(region)
    except ValueError as exc:
        raise ConfigurationError(f"default_region: {exc}") from None


class Entry(NamedTuple):
    """A valid row waiting to be sent."""

    idx: int
    wire: dict[str, Any]
    fp: bytes | None


def checked(
    row: object, index: int, max_segments: int | None = None, region: str | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """A row's wire form and, if it breaks rules (or is over `max_segments`), their text.

    With a `region` (a `check_settings` code), its number is made E.164 first; one that
    cannot be is refused as not possible in that region.
    """
    if region is not None:
        row = _localized(row, region)
    wire = validation.fast_wire(row)  # a common-shape row that breaks no rule
    if wire is not None:
        return wire, _over(wire, index, max_segments)
    try:
        wire = validation.wire_message(row)  # type: ignore[arg-type]
    except ValidationError as exc:
        return None, f"{where(index)}: {exc.rule}"
    problems = validation.message_problems(wire, index)  # each says `messages[index].field`
    if not problems:
        return wire, _over(wire, index, max_segments)
    if region is not None:  # the number was read in `region`: none to suggest
        problems = [_in_region(p, wire, region) for p in problems]
    return wire, "; ".join(map(str, problems))


def where(index: int) -> str:
    """How errors name row `index` of a batch: `messages[3]`, as the API names a message
    (0-based, its position in the `messages` given to send_batch)."""
    return f"messages[{index}]"


def _localized(row: object, region: str) -> object:
    """`row` with its destination_number in E.164 (a copy), or `row` itself when that number
    is E.164 already or has no form the API takes (for the rules to refuse)."""
    if not isinstance(row, (Mapping, Message)):
        return row
    number = row.get("destination_number")
    if not isinstance(number, str) or is_destination(number):
        return row
    try:
        clean = normalize_number(number, region)
    except ValueError:
        return row
    return with_number(row, clean) if is_destination(clean) else row


def _in_region(problem: Problem, wire: dict[str, Any], region: str) -> Problem:
    """A problem as said of a row read in `region`: its number is not possible there."""
    value = wire.get(problem.field)
    if problem.field != "destination_number" or problem.rule != destination_rule(value):
        return problem  # another field's, or "is required"
    return Problem(problem.field, destination_rule(value, region), problem.index)


def _over(wire: dict[str, Any], index: int, max_segments: int | None) -> str | None:
    """The text refusing an SMS of more than `max_segments` parts, or None."""
    if max_segments is None or wire.get("format", "SMS") != "SMS":
        return None
    parts = analyze(wire["content"]).segments
    if parts <= max_segments:
        return None
    return str(Problem("content", f"is {parts} SMS segments, over max_segments={max_segments}",
                       index))  # fmt: skip


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


def settled(idxs: list[int], outcome: object) -> Settled:
    """The fate of rows `idxs` after their request (its response, or its exception)."""
    size = len(idxs)
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
    return Settled(state, None, prefix + _reason(outcome, idxs))


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


_REQUEST_INDEX = re.compile(r"^messages\[(\d+)\]")


def _renumbered(detail: str, idxs: list[int]) -> str:
    found = _REQUEST_INDEX.match(detail)
    if found is None or int(found[1]) >= len(idxs):
        return detail
    return where(idxs[int(found[1])]) + detail[found.end() :]


def _provably_unsent(outcome: object) -> bool:
    return isinstance(outcome, MessageMediaError) and not outcome.maybe_sent


def _reason(outcome: object, idxs: list[int]) -> str:
    """Why a request's rows failed; the API's `messages[i]` (the request's own numbering)
    named as the batch names the row (see `where`)."""
    if isinstance(outcome, APIException) and outcome.message:
        details = "; ".join(_renumbered(d, idxs) for d in outcome.details)
        return f"HTTP {outcome.status_code}: {outcome.message}" + (
            f" [{details}]" if details else ""
        )
    return str(outcome)
