"""Send one SMS (with delivery reports requested) and print its message id.

Credentials come from the environment: MESSAGEMEDIA_API_KEY, MESSAGEMEDIA_API_SECRET, and
optionally MESSAGEMEDIA_HMAC=1, MESSAGEMEDIA_BASE_URL, MESSAGEMEDIA_ACCOUNT_ID.

Usage: python examples/send_sms.py [DESTINATION_NUMBER] [TEXT]
"""

from __future__ import annotations

import sys

from message_media_messages import MessageMediaError, MessageMediaMessagesClient

DEFAULT_DESTINATION = "+61491570156"


def main(argv: list[str]) -> int:
    destination = argv[1] if len(argv) > 1 else DEFAULT_DESTINATION
    text = argv[2] if len(argv) > 2 else "Hello from message_media_messages!"
    body = {
        "messages": [{"content": text, "destination_number": destination, "delivery_report": True}]
    }
    with MessageMediaMessagesClient.from_env() as client:
        response = client.messages.send_messages(body)
    for message in response.messages or []:
        print(f"sent message_id={message.message_id} to {message.destination_number} "
              f"status={message.status}")  # fmt: skip
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MessageMediaError as exc:  # API, network, configuration and validation errors
        sys.exit(f"error: {exc}")
