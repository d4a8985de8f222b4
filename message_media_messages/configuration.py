"""Configuration: the settings of one client (nothing here is shared between clients)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import ClassVar, NamedTuple
from urllib.parse import urlsplit

from ._setting_checks import (
    Timeout as Timeout,  # re-exported: importable from here
    check_base_uri,
    check_header_value as check_header_value,
    check_timeout,
    insecure,
    is_loopback,
)
from .exceptions.api_exception import ConfigurationError
from .http._redaction import redact_url

SDK_VERSION = "3.0.0"
# The default is the host the seed, every official SDK and all code in use call; the 2026
# spec lists only the two regional hosts, which `region=` selects.
DEFAULT_BASE_URI = "https://api.messagemedia.com"
APAC_BASE_URI = "https://au.app.api.sinch.com"
REGIONS: Mapping[str, str] = {
    "apac": APAC_BASE_URI,
    "au": APAC_BASE_URI,
    "eu": "https://eu.app.api.sinch.com",
}
DEFAULT_TIMEOUT = (10.0, 30.0)
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
HMAC_ALGORITHMS = ("sha1", "sha256")
# Yes and no written as text (any case): a CSV cell of the CLI, an environment variable.
TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes"), ("false", "0", "no")
HMAC_WORDS = frozenset({*TRUE_WORDS, "on", "hmac"})  # MESSAGEMEDIA_HMAC: also "on", "hmac"
HEADER_BOUND = {  # the settings that travel in (or sign) a header, and what they are
    "auth_user_name": "the API key",
    "auth_password": "the API secret",
    "account_id": "the Account header",
    "user_agent": "the User-Agent header",
}
ENV_SETTINGS = {
    "MESSAGEMEDIA_API_KEY": "auth_user_name",
    "MESSAGEMEDIA_API_SECRET": "auth_password",
    "MESSAGEMEDIA_BASE_URL": "base_uri",
    "MESSAGEMEDIA_ACCOUNT_ID": "account_id",
}


class Configuration:
    """Settings of one `MessageMediaMessagesClient`.

    Legacy code that assigned `Configuration.base_uri = ...` (a global in the official
    SDK) still works: that value becomes the default `base_uri` of clients created later.
    So do the official credential class attributes (`basic_auth_user_name`,
    `basic_auth_password`, `hmac_auth_user_name`, `hmac_auth_password`): a client created
    without credentials reads them, after the `MESSAGEMEDIA_*` variables, at each call.

    Attributes:
        auth_user_name: the API key.
        auth_password: the API secret (never shown in repr, logs or errors).
        use_hmac_authentication: sign requests with HMAC instead of Basic auth.
        base_uri: the API root; defaults from `region`, then `Configuration.base_uri`.
        region: "au" or "apac" (https://au.app.api.sinch.com), or "eu"
            (https://eu.app.api.sinch.com); ignored when `base_uri` is given.
        account_id: sub-account sent as the `Account` header on every call.
        timeout: seconds for connect and for each read, or a (connect, read) pair.
        max_retries: retries after the first attempt, where retrying is safe.
        hmac_algorithm: "sha1" (what the official SDKs send) or "sha256".
        user_agent: the `User-Agent` header.
        verify: TLS verification: True, a CA bundle path, or False (warns).
        proxies: proxies by scheme; the environment's are used when None.
        pool_maxsize: pooled connections kept per client (raise for high concurrency).
        max_response_bytes: largest response body read (16 MiB); a larger one is
            refused unread with `UnexpectedResponseError`.
        clock: POSIX time source for the HMAC `Date` header; injectable for tests.
        sleep: sleep function used between retries; injectable for tests.
    """

    # Every setting, in order: all but clock and sleep are compared by `==`, all but the
    # credentials, clock and sleep are shown by repr.
    __match_args__ = (
        "auth_user_name", "auth_password", "use_hmac_authentication", "base_uri", "region",
        "account_id", "timeout", "max_retries", "hmac_algorithm", "user_agent", "verify",
        "proxies", "pool_maxsize", "max_response_bytes", "clock", "sleep",
    )  # fmt: skip

    def __init__(
        self,
        auth_user_name: str | None = None,
        auth_password: str | None = None,
        use_hmac_authentication: bool = False,
        base_uri: str | None = None,
        region: str | None = None,
        account_id: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        hmac_algorithm: str = "sha1",
        user_agent: str = f"message-media-messages-python/{SDK_VERSION}",
        verify: bool | str = True,
        proxies: dict[str, str] | None = None,
        pool_maxsize: int = 10,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.auth_user_name, self.auth_password = auth_user_name, auth_password
        self.use_hmac_authentication = use_hmac_authentication
        self.base_uri, self.region, self.account_id = base_uri, region, account_id
        self.timeout, self.max_retries = timeout, max_retries
        self.hmac_algorithm, self.user_agent = hmac_algorithm, user_agent
        self.verify, self.proxies, self.pool_maxsize = verify, proxies, pool_maxsize
        self.max_response_bytes = max_response_bytes
        self.clock, self.sleep = clock, sleep
        self.__post_init__()

    # The official SDK's global credentials, set on the class by legacy code; read (see
    # `global_credentials`) only by clients created without credentials.
    basic_auth_user_name: ClassVar[str | None] = None
    basic_auth_password: ClassVar[str | None] = None
    hmac_auth_user_name: ClassVar[str | None] = None
    hmac_auth_password: ClassVar[str | None] = None

    def __post_init__(self) -> None:
        regional = None if self.region is None else REGIONS[self._region()]
        if self.base_uri is None:
            self.base_uri = regional or _legacy_base_uri()
        self.base_uri = self.base_uri.rstrip("/")
        self.timeout = check_timeout(self.timeout)
        self._check()
        for name, what in HEADER_BOUND.items():
            value = getattr(self, name)
            if value is not None:
                check_header_value(f"{name} ({what})", value)
        self._warn_if_insecure()

    def _warn_if_insecure(self) -> None:
        """Warn when requests, credentials included, can be read on the network path."""
        if self.verify is False:
            insecure("TLS certificate verification is off (verify is False)")
        parts = urlsplit(str(self.base_uri))
        if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
            insecure(f"base_uri is plain HTTP to {parts.hostname} (no TLS)")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def _compared(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _COMPARED)

    __hash__ = None  # type: ignore[assignment]  # mutable: equal values, no hash

    def __repr__(self) -> str:
        shown = (f"{name}={getattr(self, name)!r}" for name in _COMPARED[2:])
        return redact_url(f"{type(self).__name__}({', '.join(shown)})")

    def _region(self) -> str:
        region = self.region.strip().lower() if isinstance(self.region, str) else ""
        if region not in REGIONS:
            allowed = ", ".join(f"{name!r}" for name in sorted(REGIONS))
            raise ConfigurationError(f"region must be one of {allowed}, not {self.region!r}")
        return region

    def _check(self) -> None:
        check_base_uri(str(self.base_uri))
        if self.hmac_algorithm not in HMAC_ALGORITHMS:
            raise ConfigurationError(f"hmac_algorithm must be one of {HMAC_ALGORITHMS}")
        if not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ConfigurationError("max_retries must be a whole number >= 0")
        if self.pool_maxsize < 1:
            raise ConfigurationError("pool_maxsize must be >= 1")
        limit = self.max_response_bytes
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ConfigurationError("max_response_bytes must be a whole number >= 1")

    @property
    def connect_timeout(self) -> float:
        """Seconds allowed to open a connection."""
        return self.timeout[0] if isinstance(self.timeout, tuple) else self.timeout

    @property
    def read_timeout(self) -> float:
        """Seconds allowed for each read of the response."""
        return self.timeout[1] if isinstance(self.timeout, tuple) else self.timeout

    @property
    def has_credentials(self) -> bool:
        """Whether both the API key and the secret are set."""
        return bool(self.auth_user_name) and bool(self.auth_password)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> Configuration:
        """Settings from `MESSAGEMEDIA_*` environment variables, then `overrides`.

        Reads `MESSAGEMEDIA_API_KEY`, `MESSAGEMEDIA_API_SECRET`, `MESSAGEMEDIA_HMAC`
        (1/true/yes/on/hmac), `MESSAGEMEDIA_BASE_URL` and `MESSAGEMEDIA_ACCOUNT_ID`.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            setting: env.get(variable) or None for variable, setting in ENV_SETTINGS.items()
        }
        values["use_hmac_authentication"] = env.get("MESSAGEMEDIA_HMAC", "").lower() in HMAC_WORDS
        for variable, setting in ENV_SETTINGS.items():  # named as the user set them
            if values[setting] is not None and setting in HEADER_BOUND and setting not in overrides:
                check_header_value(f"{variable} ({HEADER_BOUND[setting]})", values[setting])
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


class Credentials(NamedTuple):
    """An API key and secret, with the scheme to sign with."""

    key: str
    secret: str
    use_hmac: bool


NO_CREDENTIALS = (
    "no API credentials: pass the API key and secret to MessageMediaMessagesClient, or "
    "set the environment variables MESSAGEMEDIA_API_KEY and MESSAGEMEDIA_API_SECRET, or "
    "set Configuration.basic_auth_user_name and Configuration.basic_auth_password (or "
    "Configuration.hmac_auth_user_name and Configuration.hmac_auth_password)"
)
_GLOBAL_PAIRS = (  # (use_hmac, user attribute, password attribute), in the official order
    (True, "hmac_auth_user_name", "hmac_auth_password"),
    (False, "basic_auth_user_name", "basic_auth_password"),
)


def global_credentials(use_hmac: bool, environ: Mapping[str, str] | None = None) -> Credentials:
    """The credentials of a client created without any, read now (at call time).

    First `MESSAGEMEDIA_API_KEY` / `MESSAGEMEDIA_API_SECRET` (HMAC if `use_hmac` or
    `MESSAGEMEDIA_HMAC`), else the legacy `Configuration` class attributes: the HMAC pair
    if both are set (as the official SDK chose), else the Basic pair.

    Raises:
        ConfigurationError: none are set, only half of a pair is, or a value cannot be
            sent in a header (the setting is named; the value never shown).
    """
    env = os.environ if environ is None else environ
    key, secret = env.get("MESSAGEMEDIA_API_KEY"), env.get("MESSAGEMEDIA_API_SECRET")
    if key or secret:
        if not (key and secret):
            missing = "MESSAGEMEDIA_API_SECRET" if key else "MESSAGEMEDIA_API_KEY"
            raise ConfigurationError(f"{missing} is not set (its partner is): {NO_CREDENTIALS}")
        check_header_value("MESSAGEMEDIA_API_KEY", key)
        check_header_value("MESSAGEMEDIA_API_SECRET", secret)
        hmac = use_hmac or env.get("MESSAGEMEDIA_HMAC", "").lower() in HMAC_WORDS
        return Credentials(key, secret, hmac)
    for hmac, user_attr, password_attr in _GLOBAL_PAIRS:
        user, password = getattr(Configuration, user_attr), getattr(Configuration, password_attr)
        if user and password:
            check_header_value(f"Configuration.{user_attr}", user)
            check_header_value(f"Configuration.{password_attr}", password)
            return Credentials(user, password, hmac)
    raise ConfigurationError(NO_CREDENTIALS)


def _legacy_base_uri() -> str:
    """`Configuration.base_uri` as legacy code may have set it on the class."""
    value = Configuration.__dict__.get("base_uri")
    return value if isinstance(value, str) and value else DEFAULT_BASE_URI


_COMPARED = Configuration.__match_args__[:-2]  # compared by `==`; [2:] shown by repr

# The official SDK exposed the root as a class attribute; keep reading it as a URL.
Configuration.base_uri = DEFAULT_BASE_URI
