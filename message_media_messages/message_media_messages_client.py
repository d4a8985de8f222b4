"""MessageMediaMessagesClient: the composition root that wires one client's parts together."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .configuration import DEFAULT_TIMEOUT, Configuration, Timeout
from .controllers.base_controller import Core
from .controllers.messages_controller import MessagesController
from .exceptions.api_exception import ConfigurationError
from .http import auth
from .http.http_redaction import redact_url
from .http.http_request import HttpRequest
from .http.retry import RetryPolicy
from .http.transport import Transport

if TYPE_CHECKING:  # loaded on first use, to keep `import` fast
    from .controllers.delivery_reports_controller import DeliveryReportsController
    from .controllers.replies_controller import RepliesController


class MessageMediaMessagesClient:
    """A client of the MessageMedia Messages API with its own credentials and settings.

    The first three parameters are the official SDK's; everything else is keyword-only.
    Two clients in one process never share credentials. A client is safe to share
    across threads; close it (or use `with`) to release its connections.

    Args:
        auth_user_name: the API key.
        auth_password: the API secret.
        use_hmac_authentication: sign requests with HMAC instead of Basic auth.
        config: a complete `Configuration` instead of the keyword settings below.
        retry_policy: replaces the default `RetryPolicy(max_retries=max_retries)`.
        http_call_back: a 2.x `HttpCallBack` called before and after each attempt.
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
        timeout: Timeout = DEFAULT_TIMEOUT,
        **settings: Any,
    ) -> None:
        if config is None:
            config = Configuration(
                auth_user_name,
                auth_password,
                use_hmac_authentication,
                timeout=timeout,
                **settings,
            )
        self.config = config
        self._transport = Transport(
            str(config.base_uri),
            timeout=(config.connect_timeout, config.read_timeout),
            verify=config.verify,
            proxies=config.proxies,
            pool_maxsize=config.pool_maxsize,
            max_response_bytes=config.max_response_bytes,
        )
        self._core = Core(
            send=self._transport.send,
            sign=_signer(config),
            retry=retry_policy or RetryPolicy(max_retries=config.max_retries),
            headers={"User-Agent": config.user_agent, "Accept": "application/json"},
            account_id=config.account_id,
            sleep=config.sleep,
            clock=config.clock,
            call_back=http_call_back,
            base_uri=str(config.base_uri),
        )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **settings: Any
    ) -> MessageMediaMessagesClient:
        """A client configured from `MESSAGEMEDIA_*` environment variables.

        See `Configuration.from_env`; keyword `settings` override the environment.
        """
        retry_policy = settings.pop("retry_policy", None)
        call_back = settings.pop("http_call_back", None)
        config = Configuration.from_env(environ, **settings)
        return cls(config=config, retry_policy=retry_policy, http_call_back=call_back)

    @cached_property
    def messages(self) -> MessagesController:
        """Send, status, cancel and credits."""
        return MessagesController(self._core)

    @cached_property
    def delivery_reports(self) -> DeliveryReportsController:
        """Check and confirm delivery reports."""
        from .controllers.delivery_reports_controller import DeliveryReportsController

        return DeliveryReportsController(self._core)

    @cached_property
    def replies(self) -> RepliesController:
        """Check and confirm replies."""
        from .controllers.replies_controller import RepliesController

        return RepliesController(self._core)

    def close(self) -> None:
        """Release the client's pooled connections."""
        self._transport.close()

    def __enter__(self) -> MessageMediaMessagesClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        scheme = "hmac" if self.config.use_hmac_authentication else "basic"
        return f"<MessageMediaMessagesClient {redact_url(str(self.config.base_uri))} auth={scheme}>"


def _signer(config: Configuration) -> Callable[[HttpRequest], None]:
    """The function that adds this client's auth headers to a request."""
    key, secret = config.auth_user_name, config.auth_password
    if not key or not secret:

        def refuse(request: HttpRequest) -> None:
            raise ConfigurationError(
                "no API credentials: pass the API key and secret to the client, "
                "or set MESSAGEMEDIA_API_KEY and MESSAGEMEDIA_API_SECRET"
            )

        return refuse
    if not config.use_hmac_authentication:
        basic = auth.basic_authorization(key, secret)

        def sign_basic(request: HttpRequest) -> None:
            request.headers["Authorization"] = basic

        return sign_basic
    algorithm, clock = config.hmac_algorithm, config.clock

    def sign_hmac(request: HttpRequest) -> None:
        date = auth.http_date(clock())
        request.headers.update(
            auth.hmac_headers(
                key, secret, request.http_method, request.path, request.body, date, algorithm
            )
        )

    return sign_hmac
