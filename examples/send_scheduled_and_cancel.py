"""Schedule an SMS one hour ahead, show its status, then cancel it before it goes out.

Only a message that is still `scheduled` can be cancelled. Credentials come from the
environment (MESSAGEMEDIA_API_KEY, MESSAGEMEDIA_API_SECRET, ...).

Usage: python examples/send_scheduled_and_cancel.py [DESTINATION_NUMBER]
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

from message_media_messages import MessageMediaError, MessageMediaMessagesClient

DEFAULT_DESTINATION = "+61491570156"


def main(argv: list[str]) -> int:
    destination = argv[1] if len(argv) > 1 else DEFAULT_DESTINATION
    when = datetime.now(timezone.utc) + timedelta(hours=1)  # always give a UTC time
    body = {
        "messages": [
            {"content": "See you in an hour", "destination_number": destination, "scheduled": when}
        ]
    }
    with MessageMediaMessagesClient.from_env() as client:
        messages = client.messages
        message_id = messages.send_messages(body).messages[0].message_id
        print(f"scheduled message_id={message_id} for {when.isoformat()}")
        print(f"status before cancel: {messages.get_message_status(message_id).status}")
        messages.cancel_scheduled_message(message_id)
        print(f"status after cancel: {messages.get_message_status(message_id).status}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MessageMediaError as exc:
        sys.exit(f"error: {exc}")
