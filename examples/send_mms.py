"""Send one MMS (an image with a subject) using the typed models, and print its message id.

Credentials come from the environment (MESSAGEMEDIA_API_KEY, MESSAGEMEDIA_API_SECRET, ...).

Usage: python examples/send_mms.py [DESTINATION_NUMBER] [IMAGE_URL]
"""

from __future__ import annotations

import sys

from message_media_messages import (
    FormatEnum,
    Message,
    MessageMediaError,
    MessageMediaMessagesClient,
    SendMessagesRequest,
)

DEFAULT_DESTINATION = "+61491570156"
DEFAULT_IMAGE = (
    "https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png"
)


def main(argv: list[str]) -> int:
    destination = argv[1] if len(argv) > 1 else DEFAULT_DESTINATION
    image = argv[2] if len(argv) > 2 else DEFAULT_IMAGE
    message = Message(
        content="A picture from message_media_messages",
        destination_number=destination,
        format=FormatEnum.MMS,
        media=[image],  # png, jpeg or gif URLs
        subject="Hello",  # at most 64 characters
    )
    with MessageMediaMessagesClient.from_env() as client:
        response = client.messages.send_messages(SendMessagesRequest(messages=[message]))
    for sent in response.messages or []:
        print(f"sent MMS message_id={sent.message_id} to {sent.destination_number} "
              f"status={sent.status} media={sent.media}")  # fmt: skip
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MessageMediaError as exc:
        sys.exit(f"error: {exc}")
