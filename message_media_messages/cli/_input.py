"""Read the batch files of `messagemedia`: CSV with a header row, or JSON lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from message_media_messages.configuration import FALSE_WORDS, TRUE_WORDS

from . import _columns, _exit, _files, _template

InputError = _exit.InputError
Row = tuple[int, dict[str, Any]]  # a message, and the line of the file it starts on

_BOOLEAN_WORDS = "/".join(
    word for pair in zip(TRUE_WORDS, FALSE_WORDS, strict=True) for word in pair
)


def _boolean(text: str, where: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise InputError(f"{where}: delivery_report must be {_BOOLEAN_WORDS}, not {text!r}")


def _csv_message(
    columns: list[str | None], cells: list[str], where: str, options: Options
) -> dict[str, Any]:
    if len(cells) != len(columns):
        raise InputError(f"{where}: {len(cells)} cells, but the header has {len(columns)}")
    message: dict[str, Any] = {}
    if options.template is not None:
        values = dict(zip(options.keys, cells, strict=True))
        message["content"] = options.template.render(values, where)
    for name, value in zip(columns, cells, strict=True):
        if name is None or value.strip() == "":
            continue  # an ignored column; an empty cell means the field is absent
        if name == "delivery_report":
            message[name] = _boolean(value, where)
        elif name == "media":
            message[name] = value.split()
        elif name.startswith("metadata."):
            message.setdefault("metadata", {})[name[len("metadata.") :]] = value
        else:
            message[name] = value if name == "content" else value.strip()
    return message


def _read_csv(path: str, handle: IO[str], options: Options) -> Iterator[Row]:
    reader = csv.reader(handle, delimiter=options.separator, strict=True)
    try:
        header = next(reader)
        used = options.template.names if options.template else ()
        if options.template is not None:
            options.template.check(header, path)
            options.keys = [_columns.key(name) for name in header]
        columns, notes = _columns.resolve(header, options.maps, path, used)
        if options.template is not None:  # the template fills content
            columns = [None if c == "content" else c for c in columns]
        options.notes.extend(notes)
        start = reader.line_num + 1  # a quoted cell may span lines: a row is where it starts
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, _csv_message(columns, cells, f"{path}, line {start}", options)
            start = reader.line_num + 1
    except StopIteration:
        raise InputError(f"{path}: empty file (a header row is needed)") from None
    except csv.Error as exc:
        raise InputError(f"{path}, line {reader.line_num}: {exc}") from None


def _read_json_lines(path: str, handle: IO[str], options: Options) -> Iterator[Row]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}, line {number}: not JSON ({exc})") from None
        if not isinstance(message, dict):
            raise InputError(f"{path}, line {number}: expected a JSON object per line")
        if options.template is not None:
            values = {_columns.key(str(k)): v for k, v in message.items()}
            message["content"] = options.template.render(values, f"{path}, line {number}")
        yield number, message


@dataclass
class Options:
    """How to read a batch file: `--map` choices; `notes` gets what to tell the user."""

    maps: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    separator: str = ","  # told from the file's header line
    template: _template.Template | None = None  # fills each row's content
    keys: list[str] = field(default_factory=list)  # the header's column keys (templates)


def read_rows(path: str, options: Options | None = None) -> Iterator[Row]:
    """Stream the rows of a batch file (CSV with a header, or JSON lines): for each, the line
    of the file it starts on (1-based, the header is line 1) and its message."""
    options = Options() if options is None else options
    opened = _files.open_input(path)
    options.separator = opened.separator
    if opened.note:
        options.notes.append(opened.note)
    try:
        with opened.handle as handle:
            json_lines = path.lower().endswith((".jsonl", ".ndjson"))
            if not json_lines and not path.lower().endswith(".csv"):
                json_lines = handle.read(1) == "{"
                handle.seek(0)
            yield from (_read_json_lines if json_lines else _read_csv)(path, handle, options)
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read {path}: it is not all {opened.encoding} text ({exc.reason} "
                         "past its start): save it as CSV UTF-8") from None  # fmt: skip
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
