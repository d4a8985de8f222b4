"""Drive the OFFICIAL messagemedia-messages-sdk 2.1.3 the way 2.x users do; print JSON results.

Runs only inside the dedicated virtualenv built by ``tests/integration/test_official_sdk.py``
(the official distribution has the same import name as ours). Standard library plus the
official SDK; no code of ours is imported.

Usage::

    python official_sdk_driver.py send    --base-uri URL --api-key K --api-secret S [--hmac]
    python official_sdk_driver.py reports --base-uri URL --api-key K --api-secret S [--hmac]
                                          --message-id ID

``send``: a scheduled send (expected to crash in the SDK after the API accepted it, see
API.md 6.7), the cancel of that message, a plain send, its status, the credits.
``reports``: the status of ``--message-id``, then check/confirm delivery reports and replies.

Every step is recorded as ``{"ok": bool, ...}``; an ``APIException`` is recorded with its
``response_code`` and body instead of aborting, so one run reports on every step. The single
JSON document printed on stdout is the only output there.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

# The OFFICIAL package: its module set differs from ours, which would make isort's
# first-/third-party guess flip as our tree changes, so the order is fixed by hand.
# isort: off
from message_media_messages.configuration import Configuration
from message_media_messages.exceptions.api_exception import APIException
from message_media_messages.http.http_call_back import HttpCallBack
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.cancel_scheduled_message_request import (
    CancelScheduledMessageRequest,
)
from message_media_messages.models.confirm_delivery_reports_as_received_request import (
    ConfirmDeliveryReportsAsReceivedRequest,
)
from message_media_messages.models.confirm_replies_as_received_request import (
    ConfirmRepliesAsReceivedRequest,
)
from message_media_messages.models.message import Message
from message_media_messages.models.send_messages_request import SendMessagesRequest
# isort: on

DESTINATION = "+61491570156"


class LastResponse(HttpCallBack):
    """Keeps the last HTTP status and raw body: 2.x users' only way to the bytes received."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.body: str | None = None

    def on_before_request(self, request: Any) -> None:
        self.status, self.body = None, None

    def on_after_response(self, context: Any) -> None:
        self.status = context.response.status_code
        self.body = context.response.raw_body


def text(value: Any) -> Any:
    """JSON-friendly form of a model attribute (the SDK wraps dates in RFC3339DateTime)."""
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def attempt(step: Any) -> dict[str, Any]:
    """Run one call; an APIException becomes a record with its status and body."""
    try:
        return {"ok": True, **step()}
    except APIException as exc:
        body = exc.context.response.raw_body
        return {"ok": False, "error": type(exc).__name__, "reason": str(exc),
                "response_code": exc.response_code, "body": text(body)}  # fmt: skip


def scheduled_send(client: MessageMediaMessagesClient, recorder: LastResponse) -> dict[str, Any]:
    """Send with ``scheduled`` one hour ahead; 2.1.3 crashes parsing the echoed timestamp."""
    when = datetime.now(timezone.utc) + timedelta(hours=1)
    body = SendMessagesRequest(messages=[
        Message(content="official 2.1.3: scheduled", destination_number=DESTINATION,
                scheduled=when),
    ])  # fmt: skip
    record: dict[str, Any] = {"scheduled": when.isoformat()}
    try:
        response = client.messages.send_messages(body)
        record.update(ok=True, crashed=False, message_id=response.messages[0].message_id)
    except APIException as exc:
        record.update(ok=False, crashed=False, error=type(exc).__name__,
                      response_code=exc.response_code)  # fmt: skip
    except Exception as exc:  # the official bug: a crash after the response came back
        record.update(ok=False, crashed=True, error=type(exc).__name__, reason=str(exc))
    record["http_status"] = recorder.status
    record["raw_body"] = recorder.body
    if record.get("message_id") is None and recorder.status == 202 and recorder.body:
        record["message_id"] = json.loads(recorder.body)["messages"][0]["message_id"]
    return record


def send_phase(client: MessageMediaMessagesClient, recorder: LastResponse) -> dict[str, Any]:
    """Scheduled send (crash), cancel it, plain send, its status, credits."""
    steps: dict[str, Any] = {}
    steps["scheduled_send"] = scheduled = scheduled_send(client, recorder)
    scheduled_id = scheduled.get("message_id")
    messages = client.messages

    def cancel() -> dict[str, Any]:
        result = messages.cancel_scheduled_message(scheduled_id, CancelScheduledMessageRequest())
        return {"status": (result or {}).get("status"), "http_status": recorder.status}

    def send() -> dict[str, Any]:
        message = Message(content="official 2.1.3: hello", destination_number=DESTINATION,
                          delivery_report=True)  # fmt: skip
        response = messages.send_messages(SendMessagesRequest(messages=[message]))
        first = response.messages[0]
        return {"message_id": first.message_id, "status": first.status}

    steps["cancel"] = attempt(cancel) if scheduled_id else {"ok": False, "error": "no id"}
    steps["send"] = attempt(send)
    plain_id = steps["send"].get("message_id")
    steps["status"] = attempt(lambda: {"status": messages.get_message_status(plain_id).status})
    steps["credits"] = attempt(lambda: {"result": messages.check_credits_remaining()})
    return steps


def reports_phase(client: MessageMediaMessagesClient, message_id: str) -> dict[str, Any]:
    """Status of ``message_id``, then check, confirm and re-check DRs and replies."""
    steps: dict[str, Any] = {}
    dr_api, reply_api = client.delivery_reports, client.replies
    steps["status"] = attempt(
        lambda: {"status": client.messages.get_message_status(message_id).status}
    )

    def check_drs() -> dict[str, Any]:
        found = dr_api.check_delivery_reports().delivery_reports or []
        return {"items": [{"delivery_report_id": dr.delivery_report_id, "status": dr.status,
                           "message_id": dr.message_id, "date_received": text(dr.date_received)}
                          for dr in found]}  # fmt: skip

    def check_replies() -> dict[str, Any]:
        found = reply_api.check_replies().replies or []
        return {"items": [{"reply_id": r.reply_id, "content": r.content,
                           "message_id": r.message_id} for r in found]}  # fmt: skip

    steps["check_delivery_reports"] = drs = attempt(check_drs)
    dr_ids = [item["delivery_report_id"] for item in drs.get("items", [])]
    request = ConfirmDeliveryReportsAsReceivedRequest(delivery_report_ids=dr_ids)
    steps["confirm_delivery_reports"] = attempt(
        lambda: {"result": dr_api.confirm_delivery_reports_as_received(request)}
    )
    steps["recheck_delivery_reports"] = attempt(check_drs)
    steps["check_replies"] = replies = attempt(check_replies)
    reply_ids = [item["reply_id"] for item in replies.get("items", [])]
    confirm = ConfirmRepliesAsReceivedRequest(reply_ids=reply_ids)
    steps["confirm_replies"] = attempt(
        lambda: {"result": reply_api.confirm_replies_as_received(confirm)}
    )
    steps["recheck_replies"] = attempt(check_replies)
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=("send", "reports"))
    parser.add_argument("--base-uri", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--api-secret", required=True)
    parser.add_argument("--hmac", action="store_true", help="HMAC instead of Basic auth")
    parser.add_argument("--message-id", help="the plain message of the send phase")
    args = parser.parse_args(argv)

    Configuration.base_uri = args.base_uri  # the 2.x way: a class attribute
    client = MessageMediaMessagesClient(args.api_key, args.api_secret, args.hmac)
    recorder = LastResponse()
    for controller in (client.messages, client.delivery_reports, client.replies):
        controller.http_call_back = recorder
    if args.phase == "send":
        steps = send_phase(client, recorder)
    else:
        steps = reports_phase(client, args.message_id)
    import message_media_messages

    print(json.dumps({
        "sdk_version": importlib.metadata.version("messagemedia-messages-sdk"),
        "sdk_file": message_media_messages.__file__,
        "python": platform.python_version(),
        "executable": sys.executable,
        "mode": "hmac" if args.hmac else "basic",
        "steps": steps,
    }, default=str))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
