"""Call every endpoint through whichever `message_media_messages` is importable; print what
code can observe of each return value (type, truthiness, `is None`, `== ''`, fields).

Run with the official 2.1.3 venv's Python, the official 1.1.0 venv's, or ours: the same
calls, written the way code for those SDKs writes them, so the outputs can be compared.
Standard library plus the SDK under test; nothing else of ours is imported.

Usage::

    python observe_returns.py send --base-uri URL --api-key K --api-secret S [--names 1.1.0]
    python observe_returns.py feed --base-uri URL --api-key K --api-secret S [--names 1.1.0]

``send``: a send, its status, a scheduled send and its cancel, the credits (2.x only).
``feed``: check, confirm and re-check delivery reports and replies.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

# isort: off
from message_media_messages.api_helper import APIHelper
from message_media_messages.configuration import Configuration
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
from message_media_messages.models.send_messages_request import SendMessagesRequest
# isort: on

DESTINATION = "+61491570156"
NAMES = {  # what each SDK generation calls the endpoints
    "2.x": {"send": "send_messages", "cancel": "cancel_scheduled_message",
            "check_drs": "check_delivery_reports",
            "confirm_drs": "confirm_delivery_reports_as_received",
            "check_replies": "check_replies", "confirm_replies": "confirm_replies_as_received"},
    "1.1.0": {"send": "create_send_messages", "cancel": "update_cancel_scheduled_message",
              "check_drs": "get_check_delivery_reports",
              "confirm_drs": "create_confirm_delivery_reports_as_received",
              "check_replies": "get_check_replies",
              "confirm_replies": "create_confirm_replies_as_received"},
}  # fmt: skip
FIELDS = {  # the fields real code reads from each result (API.md 9, the official tests)
    "send": ["messages.0.message_id", "messages.0.status", "messages.0.content",
             "messages.0.destination_number", "messages.0.delivery_report"],
    "status": ["message_id", "status", "content", "destination_number", "delivery_report"],
    "cancel": ["status"],
    "credits": ["remaining_credits"],
    "check_drs": ["delivery_reports", "delivery_reports.0.delivery_report_id",
                  "delivery_reports.0.message_id", "delivery_reports.0.status"],
    "check_replies": ["replies", "replies.0.reply_id", "replies.0.message_id",
                      "replies.0.content"],
}  # fmt: skip
STABLE = {"status", "content", "destination_number", "delivery_report", "remaining_credits"}


class Catcher(HttpCallBack):
    """Keeps the last response, as the official tests' HttpResponseCatcher does."""

    def __init__(self) -> None:
        self.response: Any = None

    def on_before_request(self, request: Any) -> None:
        self.response = None

    def on_after_response(self, context: Any) -> None:
        self.response = context.response


def kind(value: Any) -> str:
    for name, cls in (("none", type(None)), ("bool", bool), ("str", str), ("int", int),
                      ("dict", dict), ("list", list)):  # fmt: skip
        if isinstance(value, cls):
            return name
    return "object"


def field(value: Any, path: str) -> Any:
    """Follow `a.0.b` the way code for that SDK does: attributes, or keys of dicts."""
    for part in path.split("."):
        if part.isdigit():
            value = value[int(part)] if isinstance(value, list) and len(value) > int(part) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            value = getattr(value, part, None)
    return value


def observe(result: Any, fields: list[str]) -> dict[str, Any]:
    """What code can observe of one return value."""
    seen: dict[str, Any] = {"kind": kind(result), "is_none": result is None,
                            "truthy": bool(result), "eq_empty_text": result == ""}  # fmt: skip
    for path in fields:
        value = field(result, path)
        leaf = path.rsplit(".", 1)[-1]
        entry: dict[str, Any] = {"kind": kind(value), "truthy": bool(value)}
        if isinstance(value, list):
            entry["len"] = len(value)
        elif leaf in STABLE:
            entry["value"] = value if kind(value) != "object" else str(value)
        seen[path] = entry
    return seen


def call(step: str, function: Any, *args: Any) -> dict[str, Any]:
    try:
        return observe(function(*args), FIELDS.get(step, []))
    except Exception as exc:  # recorded: the comparison shows where an SDK fails
        return {"raised": type(exc).__name__}


def scheduled_id(client: Any, names: dict[str, str], catcher: Catcher) -> str | None:
    """Send one message an hour ahead; its id (2.1.3 crashes parsing the echo, API.md 6.7)."""
    when = datetime.now(timezone.utc) + timedelta(hours=1)
    try:
        from message_media_messages.models.message import Message  # 2.x models
    except ImportError:  # 1.1.0: dicts
        text = json.dumps({"messages": [{"content": "later", "destination_number": DESTINATION,
                                         "scheduled": when.isoformat()}]})  # fmt: skip
        body = APIHelper.json_deserialize(text, SendMessagesRequest.from_dictionary)
    else:
        body = SendMessagesRequest(messages=[Message(content="later",
                                                     destination_number=DESTINATION,
                                                     scheduled=when)])  # fmt: skip
    with contextlib.suppress(Exception):  # 2.1.3 crashes; the id is read from the response
        getattr(client.messages, names["send"])(body)
    raw = catcher.response.raw_body if catcher.response is not None else ""
    return json.loads(raw)["messages"][0]["message_id"] if raw else None


def send_phase(client: Any, names: dict[str, str], catcher: Catcher) -> dict[str, Any]:
    text = json.dumps({"messages": [{"content": "observed", "destination_number": DESTINATION,
                                     "delivery_report": True}]})  # fmt: skip
    body = APIHelper.json_deserialize(text, SendMessagesRequest.from_dictionary)
    steps: dict[str, Any] = {"send": call("send", getattr(client.messages, names["send"]), body)}
    sent = json.loads(catcher.response.raw_body)["messages"][0]["message_id"]
    steps["status"] = call("status", client.messages.get_message_status, sent)
    later = scheduled_id(client, names, catcher)
    cancel = APIHelper.json_deserialize('{"status": "cancelled"}',
                                        CancelScheduledMessageRequest.from_dictionary)  # fmt: skip
    steps["cancel"] = call("cancel", getattr(client.messages, names["cancel"]), later, cancel)
    if hasattr(client.messages, "check_credits_remaining"):
        steps["credits"] = call("credits", client.messages.check_credits_remaining)
    return {"message_id": sent, "steps": steps}


def feed_phase(client: Any, names: dict[str, str], catcher: Catcher) -> dict[str, Any]:
    steps: dict[str, Any] = {}
    for feed, model, key, controller in (
        ("drs", ConfirmDeliveryReportsAsReceivedRequest, "delivery_report_ids",
         client.delivery_reports),
        ("replies", ConfirmRepliesAsReceivedRequest, "reply_ids", client.replies),
    ):  # fmt: skip
        check = getattr(controller, names[f"check_{feed}"])
        steps[f"check_{feed}"] = call(f"check_{feed}", check)
        items = json.loads(catcher.response.raw_body)
        ids = [item[key[:-1]] for item in next(iter(items.values()))]
        body = APIHelper.json_deserialize(json.dumps({key: ids}), model.from_dictionary)
        confirm = getattr(controller, names[f"confirm_{feed}"])
        steps[f"confirm_{feed}"] = call(f"confirm_{feed}", confirm, body)
        steps[f"confirm_{feed}"]["http_status"] = catcher.response.status_code
        steps[f"recheck_{feed}"] = call(f"check_{feed}", check)
    return {"steps": steps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=("send", "feed"))
    parser.add_argument("--base-uri", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--api-secret", required=True)
    parser.add_argument("--names", choices=sorted(NAMES), default="2.x")
    parser.add_argument("--hmac", action="store_true", help="HMAC instead of Basic (2.x)")
    args = parser.parse_args(argv)
    Configuration.base_uri = args.base_uri  # the official way: a class attribute
    client = MessageMediaMessagesClient(args.api_key, args.api_secret, args.hmac)
    catcher = Catcher()
    for controller in (client.messages, client.delivery_reports, client.replies):
        controller.http_call_back = catcher
    phase = send_phase if args.phase == "send" else feed_phase
    import message_media_messages

    report = phase(client, NAMES[args.names], catcher)
    report["sdk_file"] = message_media_messages.__file__
    print("\n" + json.dumps(report))  # the last line (1.1.0 logs to stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
