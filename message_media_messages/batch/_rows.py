"""One input row's way through a batch: checked against the rules, then settled by a request."""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from .. import _validation as validation
from ..exceptions.api_exception import (
    APIException,
    BadRequestError,
    MessageMediaError,
    ValidationError,
)
from ..models.send_messages_response import SendMessagesResponse
from ._ledger import ACCEPTED, REJECTED, UNKNOWN, LedgerRow

logger = logging.getLogger("message_media_messages")


class Entry(NamedTuple):
    """A valid row waiting to be sent."""

    idx: int
    wire: dict[str, Any]
    fp: bytes | None


def checked(row: object, index: int) -> tuple[dict[str, Any] | None, str | None]:
    """A row's wire form and, if it breaks rules, their text."""
    try:
        wire = validation.wire_message(row)  # type: ignore[arg-type]
    except ValidationError as exc:
        return None, f"row {index}: {exc.rule}"
    problems = validation.message_problems(wire, None)
    if not problems:
        return wire, None
    return wire, f"row {index}: " + "; ".join(str(p) for p in problems)


def settled_rows(chunk: list[Entry], outcome: object) -> list[LedgerRow]:
    """The ledger row of each row of a finished request (state, message_id, error)."""
    if isinstance(outcome, SendMessagesResponse):
        ids = [m.message_id for m in outcome.messages or []]
        if len(ids) == len(chunk) and all(isinstance(i, str) and i for i in ids):
            return [LedgerRow(e.idx, e.fp, ACCEPTED, i) for i, e in zip(ids, chunk, strict=True)]
        text = f"the API's 2xx answer listed {len(ids)} message ids for {len(chunk)} sent"
        return [LedgerRow(e.idx, e.fp, UNKNOWN, error=text) for e in chunk]
    if not isinstance(outcome, MessageMediaError):
        logger.error("unexpected error sending a batch chunk", exc_info=outcome)  # type: ignore[arg-type]
    state = REJECTED if _provably_unsent(outcome) else UNKNOWN
    prefix = "" if isinstance(outcome, BadRequestError) or state == UNKNOWN else "not sent: "
    return [LedgerRow(e.idx, e.fp, state, error=prefix + _reason(outcome)) for e in chunk]


def _provably_unsent(outcome: object) -> bool:
    return isinstance(outcome, MessageMediaError) and not outcome.maybe_sent


def _reason(outcome: object) -> str:
    if isinstance(outcome, APIException) and outcome.message:
        details = "; ".join(outcome.details)
        return f"HTTP {outcome.status_code}: {outcome.message}" + (
            f" [{details}]" if details else ""
        )
    return str(outcome)
