"""Message lifecycle rules: magic destination numbers, status order, DR and reply payloads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from ._rules import parse_timestamp

__all__ = [
    "AUTO_REPLY",
    "ERROR_CODES",
    "FINAL_STATUSES",
    "MAGIC_NUMBERS",
    "UNREACHABLE",
    "MessageState",
    "build_delivery_report",
    "build_reply",
    "final_code_for",
    "next_status",
    "outcome_for",
]

VENDOR_ID = "MessageMedia"
UNREACHABLE = "999"
AUTO_REPLY = "905"

# Last three digits of destination_number -> what the sandbox does with the message.
MAGIC_NUMBERS: dict[str, str] = {
    "901": "failed: queued -> enroute -> submitted -> failed (DR error_code 400)",
    "902": "expired: queued -> enroute -> submitted -> expired (DR error_code 401)",
    "903": "rejected: queued -> enroute -> submitted -> rejected (DR error_code 402)",
    "904": "failed as unreachable: queued -> enroute -> submitted -> failed (DR error_code 414)",
    AUTO_REPLY: "delivered (DR error_code 220), then an automatic reply from the handset: "
    '"Auto-reply to: <first 20 characters of the content>"',
    UNREACHABLE: "the whole send request is rejected with 400 at submit and nothing is stored "
    "(detail: messages[i].destination_number: destination is not reachable ...)",
}
_OUTCOMES = {"901": "failed", "902": "expired", "903": "rejected", "904": "failed"}
# 904 ended "undeliverable" before the 2026 spec dropped that status. The spec's `failed`
# is "undeliverable by downstream provider", and 414 (destination unreachable) is one of
# its 4xx failure codes, so 904 is now `failed` with 414, still told apart from 901 (400).
_FINAL_CODES = {"904": "414"}

FINAL_STATUSES = frozenset({"delivered", "failed", "expired", "rejected"})
# DR error_code per status (API.md section 2.9).
ERROR_CODES: dict[str, str] = {
    "enroute": "101",  # processing by gateway
    "submitted": "200",  # submitted to downstream provider
    "delivered": "220",  # delivered
    "failed": "400",  # failed, undeliverable
    "expired": "401",  # validity expired before delivery
    "rejected": "402",  # rejected by provider
}
NO_CREDIT_CODE = "301"  # usage threshold reached, discarded
_PROGRESSION = {"queued": "enroute", "enroute": "submitted"}
_MOVING = frozenset({"queued", "enroute", "submitted"})


def outcome_for(destination: str) -> str:
    """Return the final status a message to `destination` will reach.

    Args:
        destination: An E.164 number.

    Returns:
        `delivered` unless the last three digits are a magic failure suffix.
    """
    return _OUTCOMES.get(destination[-3:], "delivered")


def final_code_for(destination: str) -> str | None:
    """Return the DR error_code of the final status when it is not the status's usual one.

    Args:
        destination: An E.164 number.

    Returns:
        `414` for a `904` number (failed: destination unreachable), otherwise None.
    """
    return _FINAL_CODES.get(destination[-3:])


def next_status(current: str, outcome: str) -> str | None:
    """Return the status after `current` on the way to `outcome`.

    Args:
        current: The message's status now.
        outcome: Its final status.

    Returns:
        The next status, or None when the message does not move on its own (scheduled,
        cancelled or already final).
    """
    if current == "submitted":
        return outcome
    return _PROGRESSION.get(current)


@dataclass(slots=True)  # slots: a sandbox may hold a million of them
class MessageState:
    """One stored message: its echoed fields, where it is and where it is heading.

    Attributes:
        message_id: Its UUID.
        account: The account that sent it.
        fields: The cleaned request fields, echoed in responses.
        status: The current status.
        outcome: The final status it will reach (from the magic numbers).
        due: Epoch of `scheduled`, if any.
        expires: Epoch of `message_expiry_timestamp`, if any.
        final_code: DR error_code overriding the outcome's usual one.
        created: Simulated epoch its retention period starts: when it was accepted, or
            its scheduled time if later.
        filed: Ids of its unconfirmed delivery reports and replies (None: none filed yet),
            dropped with it when it is evicted.
    """

    message_id: str
    account: str
    fields: dict[str, Any]
    status: str
    outcome: str
    due: float | None
    expires: float | None
    final_code: str | None = None
    created: float = 0.0
    filed: list[str] | None = None

    @classmethod
    def new(cls, message_id: str, account: str, fields: dict[str, Any], now: float) -> MessageState:
        """A message accepted at simulated time `now`, from its cleaned request fields."""
        due = parse_timestamp(fields.get("scheduled"))
        destination = fields["destination_number"]
        return cls(
            message_id=message_id,
            account=account,
            fields=fields,
            status="scheduled" if due is not None and due > now else "queued",
            outcome=outcome_for(destination),
            due=due,
            expires=parse_timestamp(fields.get("message_expiry_timestamp")),
            final_code=final_code_for(destination),
            created=now if due is None else max(now, due),  # kept from when it is sent
        )

    def view(self) -> dict[str, Any]:
        """Return the message as the API shows it: echoed fields, id and status."""
        return {**self.fields, "message_id": self.message_id, "status": self.status}

    def transition(self, now: float) -> tuple[str, str] | None:
        """Return the next (status, DR error_code) at simulated time `now`, or None.

        Scheduled, cancelled and final messages do not move; a message whose expiry has
        passed goes straight to `expired`.
        """
        if self.status == "scheduled":
            return None
        moving = self.status in _MOVING
        if moving and self.expires is not None and now >= self.expires:
            return "expired", ERROR_CODES["expired"]
        following = next_status(self.status, self.outcome)
        if following is None:
            return None
        if following in FINAL_STATUSES and self.final_code:
            return following, self.final_code
        return following, ERROR_CODES[following]


def build_delivery_report(
    message: dict[str, Any], account: str, status: str, error_code: str, stamp: str
) -> dict[str, Any]:
    """Build the DR for one status change (the check-DR item and the webhook payload).

    Args:
        message: The stored message as echoed (with `message_id`).
        account: The account that sent it.
        status: The new status.
        error_code: The status code string (section 2.9).
        stamp: ISO 8601 UTC time of the change.

    Returns:
        The delivery report.
    """
    report: dict[str, Any] = {
        "callback_url": message.get("callback_url"),
        "delivery_report_id": str(uuid.uuid4()),
        "source_number": message["destination_number"],
        "date_received": stamp,
        "status": status,
        "delay": 0,
        "submitted_date": stamp,
        "original_text": message["content"],
        "message_id": message["message_id"],
        "vendor_account_id": {"vendor_id": VENDOR_ID, "account_id": account},
        "metadata": message.get("metadata", {}),
        "error_code": error_code,
    }
    if report["callback_url"] is None:
        del report["callback_url"]
    return report


def build_reply(message: dict[str, Any], account: str, content: str, stamp: str) -> dict[str, Any]:
    """Build a reply from the handset to `message` (numbers swapped).

    Args:
        message: The stored message as echoed (with `message_id`).
        account: The account that sent it.
        content: The reply text.
        stamp: ISO 8601 UTC time the reply was received.

    Returns:
        The reply; `destination_number` is omitted when the message had no source number.
    """
    reply: dict[str, Any] = {
        "metadata": message.get("metadata", {}),
        "message_id": message["message_id"],
        "reply_id": str(uuid.uuid4()),
        "date_received": stamp,
        "callback_url": message.get("callback_url"),
        "destination_number": message.get("source_number"),
        "source_number": message["destination_number"],
        "vendor_account_id": {"vendor_id": VENDOR_ID, "account_id": account},
        "content": content,
    }
    return {key: value for key, value in reply.items() if value is not None}


def auto_reply_text(content: str) -> str:
    """Return the text of the automatic reply of a `905` handset.

    Args:
        content: The original message content.

    Returns:
        `Auto-reply to: ` followed by the first 20 characters of `content`.
    """
    return f"Auto-reply to: {content[:20]}"
