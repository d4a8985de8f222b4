"""How `messagemedia` ends: its exit statuses, and the one stderr line an error becomes."""

from __future__ import annotations

import os
import select
import sys
from typing import IO

from message_media_messages import JournalError, MessageMediaError, TransportError
from message_media_messages.exceptions import InputError as InputError  # for _exit.InputError

PROG = "messagemedia"
EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_CONNECTION, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
EXIT_WATCH = 5  # batch --watch: every row accepted, but not every watched message final in time
EXIT_PIPE = 141  # 128 + SIGPIPE: stdout closed before the command's own status was known


class OutputClosed(Exception):
    """The reader of stdout went away (`| head`): stop printing; the command's status stands."""


def detach(stream: IO[str]) -> None:
    """Point a closed stdout at the null device, so no later write (nor the exit flush) fails."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's capture): nothing will flush it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def reader_gone(stream: IO[str]) -> bool:
    """Whether `stream` is a pipe whose reader closed it (`| head` done), told without writing
    (poll reports an error or hang-up); False for a terminal, a file, or a system without poll."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    if not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, 0)  # POLLERR and POLLHUP are always reported
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def failure(exc: BaseException) -> int:
    """The exit status of an error, whose one-line description goes to stderr."""
    if isinstance(exc, KeyboardInterrupt):
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    code = EXIT_API
    if isinstance(exc, ValueError) and isinstance(exc, MessageMediaError):
        code = EXIT_USAGE  # ValidationError, ConfigurationError, InputError, a wrong journal
    if isinstance(exc, JournalError):
        code = EXIT_USAGE  # a journal held by another run, not ours, or failing to write
    if isinstance(exc, TransportError):
        code = EXIT_CONNECTION
    label = "error" if code != EXIT_CONNECTION else "connection failed"
    if not isinstance(exc, MessageMediaError):  # InputError is one too
        label = f"unexpected {type(exc).__name__} (--debug shows the traceback)"
    text = " ".join(str(exc).split()) or type(exc).__name__
    print(f"{PROG}: {label}: {text}", file=sys.stderr)
    return code
