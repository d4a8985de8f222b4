"""Configuration: the settings of one client (nothing here is shared between clients)."""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .exceptions.api_exception import ConfigurationError

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
HMAC_ALGORITHMS = ("sha1", "sha256")
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "hmac"})

Timeout = float | tuple[float, float]


@dataclass
class Configuration:
    """Settings of one `MessageMediaMessagesClient`.

    Legacy code that assigned `Configuration.base_uri = ...` (a global in the official
    SDK) still works: that value becomes the default `base_uri` of clients created later.

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

    def __post_init__(self) -> None:
        regional = None if self.region is None else REGIONS[self._region()]
        if self.base_uri is None:
            self.base_uri = regional or _legacy_base_uri()
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
        region = self.region.strip().lower() if isinstance(self.region, str) else ""
        if region not in REGIONS:
            allowed = ", ".join(f"{name!r}" for name in sorted(REGIONS))
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
