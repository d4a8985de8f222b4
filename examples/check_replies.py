"""Print the unconfirmed replies (inbound messages), then confirm them.

Like delivery reports, replies come back until confirmed. Credentials come from the
environment (MESSAGEMEDIA_API_KEY, MESSAGEMEDIA_API_SECRET, ...).

Usage: python examples/check_replies.py
"""

from __future__ import annotations

import sys

from message_media_messages import MessageMediaError, MessageMediaMessagesClient


def main(argv: list[str]) -> int:
    with MessageMediaMessagesClient.from_env() as client:
        replies = client.replies.check_replies().replies or []
        for reply in replies:
            print(f"reply_id={reply.reply_id} from={reply.source_number} "
                  f"to_message_id={reply.message_id} content={reply.content!r}")  # fmt: skip
        if not replies:
            print("no unconfirmed replies")
            return 0
        ids = [reply.reply_id for reply in replies]
        client.replies.confirm_replies_as_received({"reply_ids": ids})
        print(f"confirmed {len(ids)} reply(ies)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MessageMediaError as exc:
        sys.exit(f"error: {exc}")
