"""`python -m message_media_messages`: the `messagemedia` command line."""

import sys

from message_media_messages.cli import main

if __name__ == "__main__":
    sys.exit(main())
