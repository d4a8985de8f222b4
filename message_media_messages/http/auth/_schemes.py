"""Auth objects: one per client, chosen once from its configuration, each signing a request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple, Protocol

from ...configuration import NO_CREDENTIALS, Configuration, Credentials, global_credentials
from ...exceptions.api_exception import ConfigurationError
from ..http_request import HttpRequest
from . import basic_authorization, hmac_headers, http_date


class Auth(Protocol):
    """Adds the auth headers to a request, for its exact method, path and body."""

    def sign(self, request: HttpRequest) -> None:
        """Set the request's auth headers (called before every attempt)."""


class BasicAuth(NamedTuple):
    """HTTP Basic auth; the header value is computed once (and never shown)."""

    authorization: str

    def __repr__(self) -> str:
        return "BasicAuth()"

    def sign(self, request: HttpRequest) -> None:
        request.headers["Authorization"] = self.authorization


class HmacAuth(NamedTuple):
    """HMAC auth over the real method, the path and the exact body bytes (API.md §3.3)."""

    key: str
    secret: str
    algorithm: str = "sha1"
    clock: Callable[[], float] = time.time

    def __repr__(self) -> str:  # never the key or the secret
        return f"HmacAuth(algorithm={self.algorithm!r})"

    def sign(self, request: HttpRequest) -> None:
        date = http_date(self.clock())
        method, path, body = request.http_method, request.path, request.body
        signed = hmac_headers(self.key, self.secret, method, path, body, date, self.algorithm)
        request.headers.update(signed)


class GlobalAuth(NamedTuple):
    """For a client created without credentials: the environment's or the legacy
    `Configuration` class attributes', read when each call is made."""

    use_hmac: bool
    algorithm: str = "sha1"
    clock: Callable[[], float] = time.time

    def sign(self, request: HttpRequest) -> None:
        _scheme(global_credentials(self.use_hmac), self.algorithm, self.clock).sign(request)


class MissingAuth(NamedTuple):
    """Half a pair of credentials: every call raises `ConfigurationError` naming the half."""

    missing: str

    def sign(self, request: HttpRequest) -> None:
        raise ConfigurationError(f"{self.missing} is missing: {NO_CREDENTIALS}")


def auth_for(config: Configuration) -> Auth:
    """The auth of a client with this configuration (chosen once, at construction)."""
    key, secret = config.auth_user_name, config.auth_password
    if not key and not secret:
        return GlobalAuth(config.use_hmac_authentication, config.hmac_algorithm, config.clock)
    if not key or not secret:
        half = "auth_password (the API secret)" if key else "auth_user_name (the API key)"
        return MissingAuth(half)
    given = Credentials(key, secret, config.use_hmac_authentication)
    return _scheme(given, config.hmac_algorithm, config.clock)


def _scheme(credentials: Credentials, algorithm: str, clock: Callable[[], float]) -> Auth:
    if credentials.use_hmac:
        return HmacAuth(credentials.key, credentials.secret, algorithm, clock)
    return BasicAuth(basic_authorization(credentials.key, credentials.secret))
