"""BaseController: what every endpoint controller shares (the 2.x module path, kept)."""

from __future__ import annotations

from typing import Any

from ._answers import Endpoint, Exchange, result
from ._requestor import Requestor


class BaseController:
    """The base of every controller: its endpoint methods run through one `Requestor`.

    Attributes:
        http_call_back: a 2.x `HttpCallBack` for this controller's calls only (as 2.x
            code sets it: `client.messages.http_call_back = catcher`); when None, the
            client's `http_call_back` is used.
    """

    http_call_back: Any = None

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor

    def _hook(self) -> Any:
        """The call-back in force: this controller's, else the client's, else None."""
        own = self.http_call_back
        return own if own is not None else self._requestor.call_back

    def _exchange(
        self,
        endpoint: Endpoint,
        *,
        message_id: str = "",
        body: Any = None,
        account_header: str | None = None,
    ) -> Exchange:
        """Build, sign and send one call (with retries); its final exchange."""
        request = self._requestor.build(endpoint, message_id, body, account_header)
        return self._requestor.exchange(endpoint, request, self._hook())

    def _request(
        self,
        endpoint: Endpoint,
        *,
        message_id: str = "",
        body: Any = None,
        account_header: str | None = None,
    ) -> Any:
        """Run one call of `endpoint` and return its parsed result."""
        exchange = self._exchange(
            endpoint, message_id=message_id, body=body, account_header=account_header
        )
        return result(endpoint, exchange)
