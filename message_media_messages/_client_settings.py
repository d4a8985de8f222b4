"""The settings both clients take: one Configuration from the arguments, one requestor wiring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from .configuration import DEFAULT_TIMEOUT, Configuration, Timeout
from .exceptions.api_exception import ConfigurationError
from .http.auth._schemes import Auth, auth_for
from .http.retry import RetryPolicy


class Wiring(TypedDict):
    """What a requestor of either kind is built from (beside its transport and sleep)."""

    auth: Auth
    retry: RetryPolicy
    timeout: tuple[float, float]
    base_uri: str
    headers: dict[str, str]
    account_id: str | None
    clock: Callable[[], float]


def client_config(
    auth_user_name: str | None,
    auth_password: str | None,
    use_hmac_authentication: bool,
    config: Configuration | None,
    timeout: Timeout,
    settings: dict[str, Any],
) -> Configuration:
    """The client's configuration: `config` as given, or one built from the arguments.

    Raises:
        ConfigurationError: settings passed beside `config=`, or unusable ones.
    """
    if "use_hmac_autentication" in settings:  # the official 1.1.0 keyword's spelling
        use_hmac_authentication = _hmac_alias(
            use_hmac_authentication, settings.pop("use_hmac_autentication")
        )
    if config is not None:
        _refuse_beside_config(
            auth_user_name, auth_password, use_hmac_authentication, timeout, settings
        )
        return config
    return Configuration(
        auth_user_name, auth_password, use_hmac_authentication, timeout=timeout, **settings
    )


def wiring(config: Configuration, retry_policy: RetryPolicy | None) -> Wiring:
    """The requestor's settings from the configuration (the same for both clients)."""
    return Wiring(
        auth=auth_for(config),
        retry=retry_policy or RetryPolicy(max_retries=config.max_retries),
        timeout=(config.connect_timeout, config.read_timeout),
        base_uri=str(config.base_uri),
        headers={"User-Agent": config.user_agent, "Accept": "application/json"},
        account_id=config.account_id,
        clock=config.clock,
    )


def _refuse_beside_config(
    key: str | None,
    secret: str | None,
    use_hmac: bool,
    timeout: Timeout,
    settings: Mapping[str, Any],
) -> None:
    """Refuse settings passed beside `config=`, which would otherwise be silently ignored.

    Raises:
        ConfigurationError: naming each such argument (never its value).
    """
    given = [name for name, value in (("auth_user_name", key), ("auth_password", secret))
             if value is not None]  # fmt: skip
    if use_hmac:
        given.append("use_hmac_authentication")
    if timeout != DEFAULT_TIMEOUT:
        given.append("timeout")
    given += sorted(settings)
    if given:
        raise ConfigurationError(
            f"config= is a complete Configuration: set {', '.join(given)} on it, not beside "
            "it (they would be ignored)"
        )


def _hmac_alias(official: bool, misspelt: Any) -> bool:
    """`use_hmac_autentication=` (1.1.0) as an alias of `use_hmac_authentication`."""
    if official and not misspelt:
        raise ConfigurationError(
            "use_hmac_authentication and use_hmac_autentication (its 1.1.0 spelling) disagree"
        )
    return bool(misspelt)
