"""`--template "Hi {first_name}"`: each row's content filled from its columns."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from . import _columns, _exit

InputError = _exit.InputError


class Template:
    """A content template: literal text and `{column}` placeholders (`{{` for a brace)."""

    def __init__(self, text: str, source: str = "--template") -> None:
        """Parse `text`; refuse what is not a plain `{column}` placeholder.

        Raises:
            InputError: bad braces, an empty or positional placeholder, `.`/`[]` access,
                a conversion or a format spec.
        """
        self.source = source
        self.parts: list[tuple[str, str | None]] = []  # (literal, column key or None)
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise InputError(f"{source}: {exc} (write {{{{ and }}}} for a literal brace)") from None
        for literal, name, spec, conversion in parsed:
            if name is not None and (not name.strip() or name.isdigit() or spec or conversion
                                     or any(c in name for c in ".[]")):  # fmt: skip
                raise InputError(f"{source}: {{{name}}} is not a column placeholder; "
                                 "write {column_name}")  # fmt: skip
            self.parts.append((literal, None if name is None else _columns.key(name)))
        self.names = tuple(dict.fromkeys(n for _, n in self.parts if n is not None))
        if not text.strip():
            raise InputError(f"{source}: the template is empty")

    def check(self, columns: Iterable[str], path: str) -> None:
        """Refuse, before anything is sent, a placeholder that no column of `path` fills."""
        have = {_columns.key(c) for c in columns}
        missing = [n for n in self.names if n not in have]
        if missing:
            raise InputError(f"{self.source}: {{{missing[0]}}} has no column in {path} "
                             f"(columns: {', '.join(sorted(have))})")  # fmt: skip

    def render(self, values: Mapping[str, object], where: str) -> str:
        """The content for one row; `values` maps column keys to cells.

        Raises:
            InputError: a placeholder the row has no value for (JSON lines).
        """
        out = []
        for literal, name in self.parts:
            out.append(literal)
            if name is not None:
                if name not in values:
                    raise InputError(f"{where}: {self.source} needs {{{name}}}, which it lacks")
                out.append(str(values[name]))
        return "".join(out)


def load(text: str | None, path: str | None) -> Template | None:
    """The template of --template TEXT or --template-file PATH (not both), or None."""
    if text is not None and path is not None:
        raise InputError("--template and --template-file cannot be combined")
    if path is not None:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                return Template(handle.read().rstrip("\r\n"), f"--template-file {path}")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read --template-file {path}: {exc}") from None
    return None if text is None else Template(text)
