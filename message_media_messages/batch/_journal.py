"""The batch journal file: held by one run at a time, recognised as ours, rows fingerprinted."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..exceptions.api_exception import JournalLockedError, JournalUnusableError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

APPLICATION_ID = 0x4D4D4A4C  # "MMJL": PRAGMA application_id of every journal we create
SCHEMA_VERSION = 1  # PRAGMA user_version; 0 with a `rows` table: a journal of 1.x/main
_MAGIC = b"SQLite format 3\x00"
ROWS_COLUMNS = ("idx", "fp", "state", "message_id", "error", "encoding", "segments")
NEW, OURS, LEGACY = "new", "ours", "legacy"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rows (idx INTEGER PRIMARY KEY, fp BLOB, state TEXT NOT NULL,"
    " message_id TEXT, error TEXT, encoding TEXT, segments INTEGER)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def now_text() -> str:
    """The current UTC time as ISO 8601 text (seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class JournalLock:
    """This run's hold on a journal: an OS lock on `PATH.lock`, released with the process."""

    fd: int | None

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self.fd is not None:
            _held.pop(self.fd, None)
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None


_held: dict[int, JournalLock] = {}  # descriptor -> the lock this process holds through it


def _drop_inherited_locks() -> None:
    """In a forked child: close the copies of the parent's lock descriptors.

    A flock belongs to the open file, which a child shares: kept open, a child that
    outlives a killed parent would hold its journal. Closing a copy (never LOCK_UN)
    leaves the parent's lock as it is.
    """
    for held in list(_held.values()):
        fd, held.fd = held.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):  # already closed by the child's own code
                os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_drop_inherited_locks)


def lock(path: str) -> JournalLock:
    """Hold the journal at `path` for this run, or raise JournalLockedError naming the holder.

    The lock is `flock` on `PATH.lock` (`msvcrt.locking` on Windows): held per open
    file, so a second run in the same process is refused too, and released by the OS when
    a process dies, so a killed run never blocks the next.
    """
    _check_place(path)
    try:
        fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise JournalUnusableError(
            f"cannot create the journal lock {path}.lock: {exc.strerror}", path=path
        ) from None
    if not _try_lock(fd):
        holder = _holder(fd)
        os.close(fd)
        raise JournalLockedError(
            f"the journal {path} is in use by another run"
            + (f" ({holder})" if holder else "")
            + ": wait for it to finish, or use another journal",
            path=path,
            holder=holder,
        )
    record = {"pid": os.getpid(), "host": socket.gethostname(), "since": now_text()}
    if sys.platform != "win32":  # msvcrt's lock keeps others from reading the record
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
    held = _held[fd] = JournalLock(fd)
    return held


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError: held by another open file
        return False
    return True


def _holder(fd: int) -> str | None:
    """Who holds the lock, as its holder recorded it ("pid 12 on host since ..."), if known."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        record = json.loads(os.read(fd, 4096))
        return f"pid {int(record['pid'])} on {record['host']} since {record['since']}"
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _check_place(path: str) -> None:
    """Refuse a path whose folder is missing, that is not a regular file, or not writable."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _unusable(path, f"its folder {folder} does not exist")
    if os.path.lexists(path) and not os.path.isfile(path):
        raise _unusable(path, "it is " + ("a directory" if os.path.isdir(path) else "not a file"))
    try:
        with open(path, "r+b"):  # r+: opened for writing, nothing written
            pass
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _unusable(path, f"it cannot be opened for writing ({exc.strerror})") from None


def recognise(path: str) -> str:
    """NEW (absent or empty), OURS or LEGACY; JournalUnusableError for anything else.

    Reads the file and never writes to it, so another application's database is left as it is.
    """
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return NEW
    except OSError as exc:
        raise _unusable(path, f"it cannot be read ({exc.strerror})") from None
    if not header:
        return NEW
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise _unusable(path, "it is not a SQLite database")
    version = int.from_bytes(header[60:64], "big")
    application = int.from_bytes(header[68:72], "big")
    if application == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise _unusable(path, f"it was written by a newer version (schema {version})")
        return OURS
    if application or version or header[18] != 2:  # main's journals: WAL, ids left at 0
        raise _unusable(path, f"it is another application's SQLite database{_app(application)}")
    return _legacy(path)


def _legacy(path: str) -> str:
    """LEGACY if the database holds exactly the `rows` table of main's journals."""
    try:
        db = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
        try:
            tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master")]
            columns = tuple(row[1] for row in db.execute("PRAGMA table_info(rows)"))
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise _unusable(path, f"it cannot be read as SQLite ({exc})") from None
    if tables != ["rows"] or columns != ROWS_COLUMNS:
        raise _unusable(path, "it is a SQLite database but not a batch journal")
    return LEGACY


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


def _app(application: int) -> str:
    return f" (application_id {application:#x})" if application else ""


def _unusable(path: str, cause: str) -> JournalUnusableError:
    return JournalUnusableError(f"cannot use the journal {path}: {cause}", path=path)


def completed(path: str) -> str | None:
    """When a run of the journal at `path` reached the end with no row to retry (UTC), if ever.

    Raises:
        JournalLockedError: another run holds it.
        JournalUnusableError: it is not a journal of ours.
    """
    held = lock(path)
    try:
        if recognise(path) != OURS:
            return None  # new, or main's (which kept no such record)
        db = sqlite3.connect(path)
        try:
            found = db.execute("SELECT value FROM meta WHERE key = 'completed'").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise _unusable(path, f"it cannot be read as SQLite ({exc})") from None
    finally:
        held.release()
    return None if found is None else str(found[0])


def set_aside(path: str) -> str | None:
    """Rename the journal at `path` (if any) so the next run starts afresh; the new name."""
    held = lock(path)
    try:
        if recognise(path) == NEW:
            return None
        root, ext = os.path.splitext(path)
        aside = f"{root}.before-{now_text().replace(':', '')}{ext}"
        for suffix in ("-wal", ""):  # the main file last: never a journal without its log
            if os.path.exists(path + suffix):
                os.replace(path + suffix, aside + suffix)
        if os.path.exists(path + "-shm"):
            os.remove(path + "-shm")
        return aside
    except OSError as exc:
        raise _unusable(path, f"it cannot be renamed ({exc.strerror})") from None
    finally:
        held.release()


def connect(path: str, kind: str) -> sqlite3.Connection:
    """Open a recognised journal (creating or stamping it as ours if NEW or LEGACY)."""
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _unusable(path, f"SQLite cannot open it ({exc})") from None
    try:
        if kind != OURS:  # one transaction: a file is either empty or a journal of ours
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for statement in SCHEMA:
                db.execute(statement)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('created', ?)", (now_text(),))
            db.execute("COMMIT")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # survives a killed process
    except sqlite3.Error as exc:
        db.close()
        raise _unusable(path, f"SQLite cannot write it ({exc})") from None
    return db


def fingerprint(wire: dict[str, Any] | None, problems: str | None) -> bytes:
    """A deterministic digest that identifies a row's content across runs.

    A row is digested as canonical JSON (sorted keys, compact, UTF-8), or as the JSON it is
    sent as when its keys cannot be sorted (mixed types in a nested object). A row with no
    JSON form (not a mapping, a `set`, a circular reference) is invalid, never sent: its
    digest is that of its reasons, which are as deterministic as the row.
    """
    text = f"invalid: {problems}"
    for encode in _CANONICAL if wire is not None else ():
        try:
            text = encode(wire)
            break
        except (TypeError, ValueError, RecursionError):
            continue
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).digest()


# The encoders of `fingerprint`, built once: the same JSON as `json.dumps(wire, sort_keys=...,
# separators=(",", ":"), allow_nan=False, ensure_ascii=False)`, without a new encoder per row.
_CANONICAL = tuple(
    json.JSONEncoder(
        sort_keys=sort, separators=(",", ":"), allow_nan=False, ensure_ascii=False
    ).encode
    for sort in (True, False)
)
