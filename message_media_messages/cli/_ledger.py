"""The `--ledger` CSV of `messagemedia batch`: written as rows settle, never lost or clobbered."""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
from collections.abc import Iterator, Sequence
from typing import IO, Any

from . import _exit, _output
from ._places import Places

InputError = _exit.InputError


class LedgerFile:
    """One CSV line per row, written beside the destination and moved over it with its first row.

    Rows are appended as the batch settles them and flushed, so an interrupted run (Ctrl-C,
    even SIGKILL) leaves every settled row on disk, in the order they settled. Until the
    first row the destination is untouched: a run refused before sending anything (say, a
    journal written for another input) leaves an earlier ledger byte-identical. When the
    batch completes, `rewrite` replaces it with every row in input order, the same way.

    Args:
        path: where the ledger goes.
        dry_run: add the encoding and segments columns.
        places: the rows' lines in the input file (the first column).

    Raises:
        InputError: its directory cannot be written, or `path` is a directory.
    """

    def __init__(self, path: str, dry_run: bool, places: Places) -> None:
        self.path, self.dry_run, self.live, self.places = path, dry_run, False, places
        self.columns = _output.LEDGER_COLUMNS + (_output.DRY_RUN_COLUMNS if dry_run else ())
        if os.path.isdir(path):
            raise InputError(f"cannot write the ledger {path}: it is a directory")
        self._temp, self._file = self._create()
        self._writer = self._start(self._file)

    def write(self, rows: Sequence[Any]) -> None:
        """Append settled `BatchRow`s and flush them; the first ones move the file into place."""
        if not rows:
            return
        try:
            self._writer.writerows(
                _output.row_record(row, self.dry_run, self.places) for row in rows
            )
            self._file.flush()
            if not self.live:
                os.replace(self._temp, self.path)
                self.live = True
        except OSError as exc:
            raise self._error(exc) from None

    @contextlib.contextmanager
    def rewrite(self) -> Iterator[IO[str]]:
        """A fresh file for the complete ledger (header not yet written; see `summarize`).

        It replaces the destination when the block ends without an error.
        """
        temp, handle = self._create()
        try:
            with handle:
                yield handle
                handle.flush()
            os.replace(temp, self.path)
            self.live = True
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            if isinstance(exc, OSError):  # the streamed ledger stays as it is
                raise self._error(exc) from None
            raise

    def close(self) -> None:
        """Close the file; if no row was ever written, remove it and leave the destination be.

        Raises:
            InputError: the last buffered rows could not be written (a full disk).
        """
        try:
            self._file.close()  # flushes what a failed write left buffered
        except OSError as exc:
            raise self._error(exc) from None
        finally:
            if not self.live:
                with contextlib.suppress(OSError):
                    os.unlink(self._temp)

    def _create(self) -> tuple[str, IO[str]]:
        """A new file beside the destination (same directory: the replace is atomic)."""
        directory, name = os.path.split(os.path.abspath(self.path))
        temp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
        except OSError as exc:
            raise self._error(exc) from None
        return temp, open(fd, "w", encoding="utf-8", newline="")

    def _start(self, handle: IO[str]) -> csv.DictWriter[str]:
        writer = csv.DictWriter(handle, self.columns, lineterminator="\n")
        writer.writeheader()
        return writer

    def _error(self, exc: OSError) -> InputError:
        return InputError(f"cannot write the ledger {self.path}: {exc.strerror or exc}")
