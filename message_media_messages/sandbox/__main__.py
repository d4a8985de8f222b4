"""Entry point of `python -m message_media_messages.sandbox`."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
