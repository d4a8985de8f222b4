"""Which CSV column fills which message field: --map, well-known aliases, near misses refused."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from . import _exit

InputError = _exit.InputError

TEXT_COLUMNS = (
    *("content", "destination_number", "source_number", "format", "scheduled"),
    *("callback_url", "subject", "message_expiry_timestamp", "source_number_type"),
)
FIELDS = (*TEXT_COLUMNS, "delivery_report", "media")
_PHONE = ("phone", "mobile", "to", "number", "msisdn", "destination")
ALIASES = {
    **dict.fromkeys(_PHONE, "destination_number"),
    **dict.fromkeys(("message", "text", "body", "sms"), "content"),
}
NEAR_MISS = 0.8  # difflib ratio from which a column name is taken for a typo of a field
_SPACES = re.compile(r"[\s_\-]+")


def key(name: str) -> str:
    """A column name as compared: case, spaces and `_`/`-` runs ignored (`Phone Number`)."""
    return _SPACES.sub("_", name.strip().lower()).strip("_")


def parse_maps(maps: Sequence[str] | None) -> dict[str, str]:
    """`--map FIELD=COLUMN` options as {column key: field}."""
    chosen: dict[str, str] = {}
    for item in maps or ():
        field, sep, column = item.partition("=")
        if not sep or key(field) not in FIELDS or not column.strip():
            raise InputError(
                f"--map {item!r}: expected FIELD=COLUMN, FIELD one of {', '.join(FIELDS)}"
            )
        chosen[key(column)] = key(field)
    return chosen


def resolve(
    header: Sequence[str], maps: dict[str, str], path: str, used: Sequence[str] = ()
) -> tuple[list[str | None], list[str]]:
    """The field each column fills (None: ignored), and what to tell the user about it.

    `used`: the column keys a --template reads (neither ignored nor taken for typos).

    Raises:
        InputError: a column named like a typo of a field, a field filled twice, or a --map
            column the file lacks.
    """
    fields: list[str | None] = []
    mapped, ignored = [], []
    for name in header:
        column = key(name)
        field = maps.get(column) or (column if column in FIELDS else None)
        if column.startswith("metadata."):
            field = name.strip()  # the metadata key as written
        if field is None and column in ALIASES and ALIASES[column] not in fields:
            field = ALIASES[column]
        if field is None and column in used:
            pass
        elif field is None:
            near = difflib.get_close_matches(column, FIELDS, n=1, cutoff=NEAR_MISS)
            if near:
                raise InputError(
                    f"{path}: column {name.strip()!r} is not a field: did you mean {near[0]!r}? "
                    f"(rename it, or --map {near[0]}={name.strip()})"
                )
            ignored.append(name.strip())
        elif field in fields:
            raise InputError(f"{path}: two columns fill {field} (choose with --map {field}=COLUMN)")
        elif column != field:
            mapped.append(f"{name.strip()} -> {field}")
        fields.append(field)
    _check(header, fields, maps, path)
    return fields, _notes(mapped, ignored)


def _check(
    header: Sequence[str], fields: list[str | None], maps: dict[str, str], path: str
) -> None:
    missing = sorted(set(maps) - {key(n) for n in header})
    if missing:
        raise InputError(f"{path}: --map names a column the file does not have: {missing[0]!r}")
    if "metadata." in fields:
        raise InputError(f"{path}: a metadata column needs a key (metadata.KEY)")


def _notes(mapped: list[str], ignored: list[str]) -> list[str]:
    notes = [f"columns: {', '.join(mapped)}"] if mapped else []
    if ignored:
        notes.append(f"columns ignored (not message fields): {', '.join(ignored)}")
    return notes
