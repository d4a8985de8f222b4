"""Batch files as people export them: stdin, BOM, legacy encodings, separators, workbooks."""

from __future__ import annotations

import codecs
import io
import sys
from dataclasses import dataclass
from typing import IO

from . import _exit

InputError = _exit.InputError

STDIN = "-"
SAMPLE = 1 << 16  # bytes read to tell the encoding and the separator
SEPARATORS = (",", ";", "\t")
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods (zip), .xls (OLE)
_WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
_stdin: bytes | None = None  # stdin is read once: the batch reads its input twice


@dataclass
class Opened:
    """An input opened as text, and what was found out about it."""

    handle: IO[str]
    encoding: str
    separator: str
    note: str | None = None  # a legacy encoding guessed: what to tell the user


def _stdin_bytes() -> bytes:
    global _stdin
    if _stdin is None:
        _stdin = sys.stdin.buffer.read()
    return _stdin


def _refuse_workbook(path: str, head: bytes) -> None:
    if path.lower().endswith(_WORKBOOKS) or head.startswith(_WORKBOOK_MAGIC):
        raise InputError(
            f"{path} is a spreadsheet workbook, not a CSV file: open it and save as CSV "
            "(Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'), then pass that file"
        )


def _encoding(path: str, sample: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM) if the sample decodes so, else charset-normalizer's guess."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < SAMPLE)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig", None
    from charset_normalizer import from_bytes  # installed with requests

    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        raise InputError(f"{path} is not text (or not in an encoding that can be told): "
                         "save it as CSV UTF-8")  # fmt: skip
    guess = best.encoding
    # A few accented letters fit a multibyte code page as well as a single-byte one; files
    # exported by spreadsheets are single-byte: such a tie goes to the single-byte page.
    tied = [m.encoding for m in matches if m.chaos <= best.chaos and _single_byte(m.encoding)]
    if tied and not _single_byte(guess):  # Excel's Western code page first, if it can be
        guess = "cp1252" if _same_text(sample, "cp1252", "cp1252") else tied[0]
    elif _same_text(sample, guess, "cp1252"):  # the same text: name the likelier page
        guess = "cp1252"
    return guess, (f"{path} is not UTF-8: read as {guess}; if letters look wrong, save the "
                   "file as CSV UTF-8")  # fmt: skip


def _single_byte(encoding: str) -> bool:
    """True for a code page of one byte per character (cp1252, not Shift-JIS or UTF-16)."""
    try:
        return len(bytes(range(256)).decode(encoding, errors="replace")) == 256
    except LookupError:
        return False


def _same_text(sample: bytes, one: str, other: str) -> bool:
    try:
        return sample.decode(one, errors="ignore") == sample.decode(other, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return False


def separator(header: str) -> str:
    """The separator of a CSV file: the one of `,`, `;`, tab its header line has most of."""
    counts = [(header.count(sep), -i, sep) for i, sep in enumerate(SEPARATORS)]
    best = max(counts)
    return best[2] if best[0] else ","


def open_input(path: str) -> Opened:
    """Open a batch file (or stdin for `-`) as text, its encoding and separator told.

    Raises:
        InputError: a workbook (.xlsx) instead of CSV, undecodable bytes, or no such file.
    """
    try:
        raw: IO[bytes] = io.BytesIO(_stdin_bytes()) if path == STDIN else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    sample = raw.read(SAMPLE)
    raw.seek(0)
    _refuse_workbook(path, sample)
    encoding, note = _encoding(path, sample)
    handle = io.TextIOWrapper(raw, encoding=encoding, newline="")
    text = sample.decode(encoding, errors="ignore").lstrip("\ufeff")
    return Opened(handle, encoding, separator(text.splitlines()[0] if text else ""), note)
