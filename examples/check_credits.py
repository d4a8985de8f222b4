"""Print the prepaid credits left on the account.

Credentials come from the environment (MESSAGEMEDIA_API_KEY, MESSAGEMEDIA_API_SECRET, ...).

Usage: python examples/check_credits.py
"""

from __future__ import annotations

import sys

from message_media_messages import MessageMediaError, MessageMediaMessagesClient


def main(argv: list[str]) -> int:
    with MessageMediaMessagesClient.from_env() as client:
        credits = client.messages.check_credits_remaining()  # the decoded JSON, as in 2.x
    print(f"remaining_credits={credits.get('remaining_credits')}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MessageMediaError as exc:
        sys.exit(f"error: {exc}")
