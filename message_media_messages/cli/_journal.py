"""The `batch` command's journal: by default one per input and account, in a state folder."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from typing import TYPE_CHECKING

from message_media_messages import JournalUnusableError

from . import _exit

if TYPE_CHECKING:
    from message_media_messages import MessageMediaMessagesClient

STATE_ENV = "MESSAGEMEDIA_STATE_DIR"
InputError = _exit.InputError


def state_folder() -> str:
    """Where default journals live: $MESSAGEMEDIA_STATE_DIR, else the XDG state folder."""
    folder = os.environ.get(STATE_ENV)
    if not folder:
        base = os.environ.get("XDG_STATE_HOME") or os.path.join("~", ".local", "state")
        folder = os.path.join(os.path.expanduser(base), "messagemedia", "journals")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise JournalUnusableError(
            f"cannot create the journal folder {folder}: {exc.strerror} (set {STATE_ENV})",
            path=folder,
        ) from None
    return folder


def default_path(file: str, client: MessageMediaMessagesClient) -> str:
    """The default journal of sending `file` to the client's account and base URL.

    Its name is the input's name and a short hash of the input's absolute path, the API
    key (never stored in clear), the sub-account and the base URL.
    """
    config = client.config
    identity = [os.path.abspath(file), str(config.base_uri), config.auth_user_name or "",
                config.account_id or ""]  # fmt: skip
    digest = hashlib.blake2b("\0".join(identity).encode("utf-8", "replace"), digest_size=6)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(file))[:80] or "input"
    return os.path.join(state_folder(), f"{name}.{digest.hexdigest()}.journal")


def choose(args: argparse.Namespace, client: MessageMediaMessagesClient) -> str | None:
    """The journal this `batch` uses: --journal, the default one, or None.

    None with --no-journal, --dry-run or --sandbox (whose sandbox forgets every run). A
    default journal of a run that completed is refused unless --new-run sets it aside.
    """
    if args.journal and (args.no_journal or args.new_run):
        raise InputError("--journal cannot be combined with --no-journal or --new-run")
    if args.file == "-" and not (args.journal or args.dry_run or args.no_journal):
        print(f"{_exit.PROG}: reading stdin: no journal (a rerun cannot resume; use --journal)",
              file=sys.stderr)  # fmt: skip
        return None
    if args.journal or args.dry_run or args.no_journal or args.sandbox:
        if args.new_run and (args.no_journal or args.dry_run or args.sandbox):
            raise InputError("--new-run applies to the default journal only")
        return str(args.journal) if args.journal else None
    from message_media_messages.batch import journal_completed, set_journal_aside

    path = default_path(args.file, client)
    if args.new_run:
        aside = set_journal_aside(path)
        if aside:
            print(f"{_exit.PROG}: the earlier run's journal is now {aside}", file=sys.stderr)
        return path
    finished = journal_completed(path)
    if finished:
        raise InputError(
            f"{args.file} was already sent to this account: that run completed at {finished} "
            f"(journal {path}); to send it again on purpose, add --new-run"
        )
    return path


def interrupted(path: str | None) -> None:
    """Say how to resume after Ctrl-C (stderr)."""
    if path:
        print(f"{_exit.PROG}: what was sent is recorded in the journal {path}: "
              "run the same command again to resume (no row is sent twice)",
              file=sys.stderr)  # fmt: skip
