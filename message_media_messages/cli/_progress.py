"""The progress of `messagemedia batch` on stderr: a tqdm bar, or plain lines without tqdm."""

from __future__ import annotations

import importlib
import sys
import threading
import time
from collections.abc import Mapping
from typing import IO, Any


class Progress:
    """Batch progress on stderr: a tqdm bar if tqdm is installed, else a line every ~1 s / 10%.

    Call it with each `BatchProgress` (it reads `rows_done` and `counts`); then `close()`.
    A stderr that cannot be written (its reader gone) silences it; the batch goes on.
    """

    def __init__(self, total: int, desc: str = "sending", stream: IO[str] | None = None) -> None:
        self.total, self.desc, self.stream = total, desc, stream or sys.stderr
        self._lock = threading.Lock()
        self._done = 0
        self._last_time, self._last_decile = time.monotonic(), 0
        self._bar: Any = None
        self._broken = False
        try:
            tqdm = importlib.import_module("tqdm").tqdm
        except ImportError:
            return
        try:
            self._bar = tqdm(total=total, file=self.stream, unit="msg", desc=desc, leave=True)
        except OSError:
            self._broken = True

    def __call__(self, progress: Any) -> None:
        with self._lock:
            if self._broken:
                return
            try:
                self._show(progress)
            except OSError:  # stderr closed (`2>&1 | head`): the batch goes on without it
                self._broken, self._bar = True, None

    def _show(self, progress: Any) -> None:
        done = int(progress.rows_done)
        counts = dict(getattr(progress, "counts", None) or {})
        if self._bar is not None:
            self._bar.update(max(0, done - self._done))
            # Text, not numbers: tqdm would show 40000 as 4e+4.
            self._bar.set_postfix({k: str(v) for k, v in counts.items()}, refresh=False)
        else:
            self._plain(done, counts)
        self._done = max(self._done, done)

    def _plain(self, done: int, counts: Mapping[str, int]) -> None:
        now = time.monotonic()
        decile = done * 10 // self.total if self.total else 10
        if now - self._last_time < 1.0 and decile == self._last_decile and done < self.total:
            return
        self._last_time, self._last_decile = now, decile
        pct = f" ({done * 100 // self.total}%)" if self.total else ""
        tally = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        print(f"{self.desc}: {done}/{self.total} rows{pct}  {tally}".rstrip(), file=self.stream)
        self.stream.flush()

    def close(self) -> None:
        """Finish the bar (or the plain lines)."""
        if self._bar is not None:
            try:
                self._bar.close()
            except OSError:
                self._broken = True
