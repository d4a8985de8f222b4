"""Response heads: interim 1xx answers are read past, a protocol switch nobody asked for refused."""

from __future__ import annotations

import http.client

MAX_INTERIM = 32  # more interim answers than this before the final one is a broken server


class FinalResponse(http.client.HTTPResponse):
    """An http.client response that reads past every interim (1xx) answer to the final one.

    http.client skips only `100 Continue`: a `103 Early Hints` (or any other 1xx) would be
    taken as the answer, and the real one left unread on the connection.
    """

    def begin(self) -> None:
        for _ in range(MAX_INTERIM):
            super().begin()
            if not 100 <= self.status < 200:
                return
            if self.status == 101:  # no request of ours asks to switch protocols
                raise http.client.HTTPException("101 Switching Protocols, which was not asked for")
            # An interim answer: its head is read; begin() reads the next one.
            self.headers = self.msg = None  # type: ignore[assignment]
        raise http.client.HTTPException(f"more than {MAX_INTERIM} interim (1xx) answers")
