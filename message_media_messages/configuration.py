"""Configuration: the settings of one client (nothing here is shared between clients)."""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple
from urllib.parse import urlsplit

from .exceptions.api_exception import ConfigurationError

SDK_VERSION = "3.0.0"
DEFAULT_BASE_URI = "https://api.messagemedia.com"
REGIONS: Mapping[str, str] = {
    "apac": DEFAULT_BASE_URI,
    "au": DEFAULT_BASE_URI,
    "eu": "https://eu.app.api.sinch.com",
}
DEFAULT_TIMEOUT = (10.0, 30.0)
HMAC_ALGORITHMS = ("sha1", "sha256")
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "hmac"})

Timeout = float | tuple[float, float]


@dataclass
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
        region: "apac" (default host) or "eu".
        account_id: sub-account sent as the `Account` header on every call.
        timeout: seconds for connect and for each read, or a (connect, read) pair.
        max_retries: retries after the first attempt, where retrying is safe.
        hmac_algorithm: "sha1" (what the official SDKs send) or "sha256".
        user_agent: the `User-Agent` header.
        verify: TLS verification: True, a CA bundle path, or False (warns).
        proxies: proxies by scheme; the environment's are used when None.
        pool_maxsize: pooled connections kept per client (raise for high concurrency).
        clock: POSIX time source for the HMAC `Date` header; injectable for tests.
        sleep: sleep function used between retries; injectable for tests.
    """

    auth_user_name: str | None = field(default=None, repr=False)
    auth_password: str | None = field(default=None, repr=False)
    use_hmac_authentication: bool = False
    base_uri: str | None = None
    region: str | None = None
    account_id: str | None = None
    timeout: Timeout = DEFAULT_TIMEOUT
    max_retries: int = 2
    hmac_algorithm: str = "sha1"
    user_agent: str = f"message-media-messages-python/{SDK_VERSION}"
    verify: bool | str = True
    proxies: dict[str, str] | None = None
    pool_maxsize: int = 10
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    # The official SDK's global credentials, set on the class by legacy code; read (see
    # `global_credentials`) only by clients created without credentials.
    basic_auth_user_name: ClassVar[str | None] = None
    basic_auth_password: ClassVar[str | None] = None
    hmac_auth_user_name: ClassVar[str | None] = None
    hmac_auth_password: ClassVar[str | None] = None

    def __post_init__(self) -> None:
        if self.base_uri is None:
            self.base_uri = REGIONS[self._region()] if self.region else _legacy_base_uri()
        self.base_uri = self.base_uri.rstrip("/")
        self.timeout = _check_timeout(self.timeout)
        self._check()
        if self.verify is False:
            warnings.warn(
                "TLS certificate verification is off (verify is False): anyone on the "
                "network path can read and change requests, credentials included",
                stacklevel=3,
            )

    def _region(self) -> str:
        region = (self.region or "").lower()
        if region not in REGIONS:
            allowed = sorted(REGIONS)
            raise ConfigurationError(f"region must be one of {allowed}, not {self.region!r}")
        return region

    def _check(self) -> None:
        parts = urlsplit(str(self.base_uri))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(f"base_uri must be an http(s) URL, not {self.base_uri!r}")
        if self.hmac_algorithm not in HMAC_ALGORITHMS:
            raise ConfigurationError(f"hmac_algorithm must be one of {HMAC_ALGORITHMS}")
        if not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ConfigurationError("max_retries must be a whole number >= 0")
        if self.pool_maxsize < 1:
            raise ConfigurationError("pool_maxsize must be >= 1")

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
        (1/true/yes/on), `MESSAGEMEDIA_BASE_URL` and `MESSAGEMEDIA_ACCOUNT_ID`.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "auth_user_name": env.get("MESSAGEMEDIA_API_KEY") or None,
            "auth_password": env.get("MESSAGEMEDIA_API_SECRET") or None,
            "use_hmac_authentication": env.get("MESSAGEMEDIA_HMAC", "").lower() in TRUE_WORDS,
            "base_uri": env.get("MESSAGEMEDIA_BASE_URL") or None,
            "account_id": env.get("MESSAGEMEDIA_ACCOUNT_ID") or None,
        }
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
        _check_header_value("MESSAGEMEDIA_API_KEY", key)
        _check_header_value("MESSAGEMEDIA_API_SECRET", secret)
        hmac = use_hmac or env.get("MESSAGEMEDIA_HMAC", "").lower() in TRUE_WORDS
        return Credentials(key, secret, hmac)
    for hmac, user_attr, password_attr in _GLOBAL_PAIRS:
        user, password = getattr(Configuration, user_attr), getattr(Configuration, password_attr)
        if user and password:
            _check_header_value(f"Configuration.{user_attr}", user)
            _check_header_value(f"Configuration.{password_attr}", password)
            return Credentials(user, password, hmac)
    raise ConfigurationError(NO_CREDENTIALS)


# TODO(integrator): the `secrets` item adds the one shared check of header-unsafe
# credentials; point this at it.
def _check_header_value(name: str, value: object) -> None:
    """Refuse a credential that cannot go into an HTTP header, naming only the setting."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a string, not {type(value).__name__}")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ConfigurationError(
            f"{name} contains a control character (such as CR or LF), which cannot be "
            "sent in an HTTP header"
        )


def _legacy_base_uri() -> str:
    """`Configuration.base_uri` as legacy code may have set it on the class."""
    value = Configuration.__dict__.get("base_uri")
    return value if isinstance(value, str) and value else DEFAULT_BASE_URI


def _check_timeout(value: object) -> Timeout:
    pair = value if isinstance(value, tuple) else (value, value)
    if len(pair) != 2 or not all(_finite_positive(v) for v in pair):
        raise ConfigurationError(
            "timeout must be a finite number of seconds > 0, or a (connect, read) pair"
        )
    return (float(pair[0]), float(pair[1])) if isinstance(value, tuple) else float(pair[0])


def _finite_positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < math.inf


# The official SDK exposed the root as a class attribute; keep reading it as a URL.
Configuration.base_uri = DEFAULT_BASE_URI
