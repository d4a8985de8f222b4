"""MessageMediaMessagesClient: the composition root that wires one client's parts together."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ._client_settings import client_config, wiring
from .configuration import DEFAULT_TIMEOUT, Configuration, Timeout
from .controllers._requestor import Requestor
from .http._base_transport import BaseTransport
from .http._redaction import redact_url
from .http.retry import RetryPolicy
from .http.transport import Transport

if TYPE_CHECKING:  # loaded on first use (with the models and validation they need)
    from .controllers.delivery_reports_controller import DeliveryReportsController
    from .controllers.messages_controller import MessagesController
    from .controllers.replies_controller import RepliesController


_CLIENT_ONLY = ("retry_policy", "http_call_back", "transport")  # not Configuration fields


class MessageMediaMessagesClient:
    """A client of the MessageMedia Messages API with its own credentials and settings.

    The first three parameters are the official SDK's; everything else is keyword-only.
    Two clients in one process never share credentials. A client is safe to share
    across threads; close it (or use `with`) to release its connections.

    Args:
        auth_user_name: the API key. A client created without credentials reads them
            when each call is made: `MESSAGEMEDIA_API_KEY` / `MESSAGEMEDIA_API_SECRET`,
            else the legacy `Configuration.basic_auth_user_name` (etc.) class
            attributes. A client given credentials never reads a global.
        auth_password: the API secret.
        use_hmac_authentication: sign requests with HMAC instead of Basic auth (1.1.0's
            spelling `use_hmac_autentication=` is accepted too).
        config: a complete `Configuration` instead of the credentials and the settings
            below (passing any of them beside it raises `ConfigurationError`).
        retry_policy: replaces the default `RetryPolicy(max_retries=max_retries)`.
        http_call_back: a 2.x `HttpCallBack` called before and after each attempt.
        transport: sends the requests instead of the default pooled `Transport`: any
            object with `send(request, *, timeout) -> HttpResponse` (the one-method
            interface `message_media_messages.BaseTransport` documents: send once, raise
            `TransportError` subclasses with `failure` and `maybe_sent` set); `close()`,
            if it has one, is called by `close()`.
        **settings: any `Configuration` field: `base_uri`, `region`, `account_id`,
            `timeout`, `max_retries`, `hmac_algorithm`, `user_agent`, `verify`,
            `proxies`, `pool_maxsize`, `max_response_bytes`, `clock`, `sleep`.
    """

    def __init__(
        self,
        auth_user_name: str | None = None,
        auth_password: str | None = None,
        use_hmac_authentication: bool = False,
        *,
        config: Configuration | None = None,
        retry_policy: RetryPolicy | None = None,
        http_call_back: Any = None,
        transport: BaseTransport | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        **settings: Any,
    ) -> None:
        self.config = config = client_config(
            auth_user_name, auth_password, use_hmac_authentication, config, timeout, settings
        )
        self._transport = transport if transport is not None else _default_transport(config)
        self._requestor = Requestor(
            transport=self._transport,
            sleep=config.sleep,
            call_back=http_call_back,
            **wiring(config, retry_policy),
        )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **settings: Any
    ) -> MessageMediaMessagesClient:
        """A client configured from `MESSAGEMEDIA_*` environment variables.

        See `Configuration.from_env`; keyword `settings` override the environment.
        """
        given = {name: settings.pop(name, None) for name in _CLIENT_ONLY}
        config = Configuration.from_env(environ, **settings)
        return cls(config=config, **given)

    @property
    def http_call_back(self) -> Any:
        """The 2.x `HttpCallBack` of every controller without its own, or None."""
        return self._requestor.call_back

    @http_call_back.setter
    def http_call_back(self, call_back: Any) -> None:
        self._requestor.call_back = call_back

    @cached_property
    def messages(self) -> MessagesController:
        """Send, status, cancel and credits."""
        from .controllers.messages_controller import MessagesController

        return MessagesController(self._requestor)

    @cached_property
    def delivery_reports(self) -> DeliveryReportsController:
        """Check and confirm delivery reports."""
        from .controllers.delivery_reports_controller import DeliveryReportsController

        return DeliveryReportsController(self._requestor)

    @cached_property
    def replies(self) -> RepliesController:
        """Check and confirm replies."""
        from .controllers.replies_controller import RepliesController

        return RepliesController(self._requestor)

    def close(self) -> None:
        """Release the client's pooled connections (the transport's, if it can close)."""
        close = getattr(self._transport, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> MessageMediaMessagesClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        scheme = "hmac" if self.config.use_hmac_authentication else "basic"
        return f"<MessageMediaMessagesClient {redact_url(str(self.config.base_uri))} auth={scheme}>"


def _default_transport(config: Configuration) -> Transport:
    """The pooled requests transport, with this configuration's connection settings."""
    return Transport(
        str(config.base_uri),
        timeout=(config.connect_timeout, config.read_timeout),
        verify=config.verify,
        proxies=config.proxies,
        pool_maxsize=config.pool_maxsize,
        max_response_bytes=config.max_response_bytes,
    )
