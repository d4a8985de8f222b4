"""Read the batch files of `messagemedia`: CSV with a header row, or JSON lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from message_media_messages.configuration import FALSE_WORDS, TRUE_WORDS

from . import _exit

InputError = _exit.InputError

TEXT_COLUMNS = (
    *("content", "destination_number", "source_number", "format", "scheduled"),
    *("callback_url", "subject", "message_expiry_timestamp", "source_number_type"),
)

_BOOLEAN_WORDS = "/".join(
    word for pair in zip(TRUE_WORDS, FALSE_WORDS, strict=True) for word in pair
)


def _boolean(text: str, where: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise InputError(f"{where}: delivery_report must be {_BOOLEAN_WORDS}, not {text!r}")


def _csv_columns(header: list[str], path: str) -> list[str]:
    columns = [name.strip() for name in header]
    allowed = {*TEXT_COLUMNS, "delivery_report", "media"}
    bad = [c for c in columns if c not in allowed and not c.startswith("metadata.")]
    bad += [c for c in columns if c == "metadata."]
    if bad or len(set(columns)) != len(columns):
        problem = f"unknown column {bad[0]!r}" if bad else "a column appears twice"
        raise InputError(
            f"{path}: {problem}; columns are {', '.join(sorted(allowed))} and metadata.KEY"
        )
    return columns


def _csv_message(columns: list[str], cells: list[str], where: str) -> dict[str, Any]:
    if len(cells) != len(columns):
        raise InputError(f"{where}: {len(cells)} cells, but the header has {len(columns)}")
    message: dict[str, Any] = {}
    for name, value in zip(columns, cells, strict=True):
        if value.strip() == "":
            continue  # an empty cell means the field is absent
        if name == "delivery_report":
            message[name] = _boolean(value, where)
        elif name == "media":
            message[name] = value.split()
        elif name.startswith("metadata."):
            message.setdefault("metadata", {})[name[len("metadata.") :]] = value
        else:
            message[name] = value if name == "content" else value.strip()
    return message


def _read_csv(path: str, handle: IO[str]) -> Iterator[dict[str, Any]]:
    reader = csv.reader(handle, strict=True)
    try:
        columns = _csv_columns(next(reader), path)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield _csv_message(columns, cells, f"{path}, line {reader.line_num}")
    except StopIteration:
        raise InputError(f"{path}: empty file (a header row is needed)") from None
    except csv.Error as exc:
        raise InputError(f"{path}, line {reader.line_num}: {exc}") from None


def _read_json_lines(path: str, handle: IO[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}, line {number}: not JSON ({exc})") from None
        if not isinstance(message, dict):
            raise InputError(f"{path}, line {number}: expected a JSON object per line")
        yield message


def read_messages(path: str) -> Iterator[dict[str, Any]]:
    """Stream the messages of a batch file (CSV with a header, or JSON lines), row by row."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            json_lines = path.lower().endswith((".jsonl", ".ndjson"))
            if not json_lines and not path.lower().endswith(".csv"):
                json_lines = handle.read(1) == "{"
                handle.seek(0)
            yield from (_read_json_lines if json_lines else _read_csv)(path, handle)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
