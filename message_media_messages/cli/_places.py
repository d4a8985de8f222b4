"""Where the rows of a batch file are, so that every output names a row by its line."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

REPORTS, SENT = 1, 2  # a row's flags: it asked for delivery reports; this run got it accepted

# How the SDK names a batch row (0-based): `messages[i]` opening a text or one of its "; "
# separated problems or its "[...]" details. A quoted value (a row's own text echoed) is
# matched first, to be kept as it is.
_ROW = re.compile(
    r"""(?<!\w)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"|(?:^|(?<=; )|(?<=\[))messages\[(\d+)\](\.|: )?"
)


class Places:
    """Each row's line in the input file, whether it asked for delivery reports, and whether
    this run (not an earlier run of its journal) got it accepted.

    Filled by `track` as the first pass reads the file, then by `sent` as rows settle; the
    SDK's row indexes (0-based positions in the stream of messages) are looked up here. Flat
    memory: an unsigned long and a byte a row (9 bytes on 64-bit Linux).
    """

    def __init__(self) -> None:
        self.lines = array("L")
        self.flags = bytearray()

    def track(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        """The messages of `rows` (line, message), each row's place recorded as it passes."""
        for line, message in rows:
            self.lines.append(line)
            self.flags.append(REPORTS if message.get("delivery_report") is True else 0)
            yield message

    def sent(self, rows: Iterable[Any]) -> None:
        """Mark the rows of `rows` (a `BatchProgress.rows`: settled by this run) it accepted."""
        for row in rows:
            if row.outcome == "accepted" and 0 <= row.index < len(self.flags):
                self.flags[row.index] |= SENT

    def line(self, index: int) -> int | None:
        """The file line row `index` starts on (None for an index the file did not have)."""
        return self.lines[index] if 0 <= index < len(self.lines) else None

    def wants_report(self, index: int) -> bool:
        """Whether row `index` asked for delivery reports."""
        return 0 <= index < len(self.flags) and bool(self.flags[index] & REPORTS)

    def sent_now(self, index: int) -> bool:
        """Whether this run got row `index` accepted (False for an earlier run's row)."""
        return 0 <= index < len(self.flags) and bool(self.flags[index] & SENT)

    def describe(self, text: str, index: int | None = None) -> str:
        """An SDK text with its rows named by line: `messages[7].content: ...` becomes
        `line 9: content: ...`, or `content: ...` when it is about row `index` itself (the
        line is shown beside it). Quoted values and other text are left as they are."""

        def named(found: re.Match[str]) -> str:
            if found[1] is None:  # a quoted value
                return found[0]
            row = int(found[1])
            line = self.line(row)
            if line is None:
                return found[0]
            if row == index:
                return ""
            return f"line {line}: " if found[2] else f"line {line}"

        return _ROW.sub(named, text)
