"""Accounts and request authentication: Basic and HMAC (API.md section 3), read independently."""

from __future__ import annotations

import base64
import binascii
import email.utils
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timezone

from ._accounts import Account, AccountRegistry
from ._wire import ApiRequest

__all__ = [
    "AuthResult",
    "Authenticator",
    "build_signing_string",
    "claimed_scheme",
    "compute_signature",
    "content_md5",
    "parse_hmac_params",
]

ALGORITHMS: dict[str, Callable[..., hashlib._Hash]] = {
    "hmac-sha1": hashlib.sha1,
    "hmac-sha256": hashlib.sha256,
}
MD5_HEADERS = ("x-content-md5", "content-md5")
_HMAC_PARAM = re.compile(r'([A-Za-z][A-Za-z0-9_-]*)\s*=\s*"([^"]*)"')
_HMAC_REQUIRED = ("username", "algorithm", "headers", "signature")


@dataclass(frozen=True)
class AuthResult:
    """Outcome of authentication.

    Attributes:
        account: The effective account (the sub-account if one was selected), None on failure.
        scheme: `basic`, `hmac`, or the unsupported scheme word; None without a header.
        error: Why authentication failed, None on success.
        legacy_put: The PUT was accepted with a signature over `POST` (official SDK bug).
        authenticated: The credentials were good, but the `Account` header named an
            account they may not act for (403 rather than 401).
    """

    account: str | None = None
    scheme: str | None = None
    error: str | None = None
    legacy_put: bool = False
    authenticated: bool = False


def claimed_scheme(headers: Mapping[str, str]) -> str | None:
    """Return the lower-cased scheme word of the Authorization header, without verifying it."""
    value = headers.get("authorization")
    return value.strip().partition(" ")[0].lower() or None if value else None


def content_md5(body: bytes) -> str:
    """Return the lower-case hex MD5 of the exact body bytes (the API's content hash)."""
    return hashlib.md5(body).hexdigest()


def parse_hmac_params(text: str) -> dict[str, str] | None:
    """Parse `username="K", algorithm="...", headers="...", signature="..."`.

    Args:
        text: The Authorization value after the `hmac` scheme word.

    Returns:
        Parameters keyed by lower-case name, or None if a required one is missing.
    """
    params = {name.lower(): value for name, value in _HMAC_PARAM.findall(text)}
    return params if all(params.get(name) for name in _HMAC_REQUIRED) else None


def build_signing_string(
    names: Sequence[str], headers: Mapping[str, str], request_line: str
) -> str | None:
    """Build the HMAC signing string from the `headers="..."` list.

    Args:
        names: Header names in signing order, written as the client listed them.
        headers: Request header values keyed by lower-case name.
        request_line: `METHOD /path HTTP/1.1`, used for the `request-line` entry.

    Returns:
        `<name>: <value>` lines (the name exactly as listed) and the request line, joined
        with LF; None if a listed header is absent from the request.
    """
    lines = []
    for name in names:
        if name.lower() == "request-line":
            lines.append(request_line)
            continue
        value = headers.get(name.lower())
        if value is None:
            return None
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def compute_signature(secret: str, signing_string: str, algorithm: str) -> str:
    """Return base64(HMAC(secret, signing_string)) with `hmac-sha1` or `hmac-sha256`.

    Raises:
        KeyError: Unknown algorithm.
    """
    digest = hmac.new(secret.encode(), signing_string.encode(), ALGORITHMS[algorithm.lower()])
    return base64.b64encode(digest.digest()).decode("ascii")


class Authenticator:
    """Verify Basic and HMAC credentials and resolve the `Account` header.

    Args:
        registry: The configured API keys.
        wall: Wall clock (epoch seconds) that `Date` is compared with.
        skew: Largest accepted difference between `Date` and the wall clock, in seconds.
        tolerate_put_signed_as_post: Accept a PUT whose HMAC signs `POST` on the request
            line, as the official SDKs (2.1.3 included) sign the cancel call. This mimics
            the real API's apparent tolerance (those SDKs are used in production); each
            such request is flagged `legacy_put` so it can be counted.
    """

    def __init__(
        self,
        registry: AccountRegistry,
        wall: Callable[[], float],
        skew: float,
        tolerate_put_signed_as_post: bool = True,
    ) -> None:
        self.registry = registry
        self.wall = wall
        self.skew = skew
        self.tolerate_put_signed_as_post = tolerate_put_signed_as_post

    def authenticate(self, request: ApiRequest) -> AuthResult:
        """Check the request's credentials and its `Account` header.

        Args:
            request: The parsed request (exact body bytes included).

        Returns:
            The result; `error` explains a failure without revealing any secret.
        """
        header = request.headers.get("authorization", "").strip()
        scheme_word, _, rest = header.partition(" ")
        scheme = scheme_word.lower() or None
        if scheme == "basic":
            result = self._basic(rest)
        elif scheme == "hmac":
            result = self._hmac(rest, request)
        elif scheme is None:
            return AuthResult(error="missing Authorization header")
        else:
            return AuthResult(scheme=scheme, error="unsupported scheme: use Basic or hmac")
        if result.error is None:
            result = self._select_account(result, request.headers.get("account"))
        return result

    def _basic(self, encoded: str) -> AuthResult:
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return AuthResult(scheme="basic", error="malformed Basic credentials")
        key, colon, secret = decoded.partition(":")
        account = self.registry.get(key)
        if not colon or account is None or not _same(secret, account.secret):
            return AuthResult(scheme="basic", error="wrong API key or secret")
        return AuthResult(account=key, scheme="basic")

    def _hmac(self, text: str, request: ApiRequest) -> AuthResult:
        params = parse_hmac_params(text)
        if params is None:
            malformed = "malformed hmac header: need username, algorithm, headers and signature"
            return AuthResult(scheme="hmac", error=malformed)
        account = self.registry.get(params["username"])
        if account is None:
            return AuthResult(scheme="hmac", error="unknown API key")
        if params["algorithm"].lower() not in ALGORITHMS:
            return AuthResult(scheme="hmac", error="algorithm must be hmac-sha1 or hmac-sha256")
        names = params["headers"].split()
        problem = (
            self._check_names(names, request)
            or self._check_md5(request)
            or self._check_date(request.headers.get("date"))
        )
        if problem is not None:
            return AuthResult(scheme="hmac", error=problem)
        return self._check_signature(account, params, names, request)

    @staticmethod
    def _check_names(names: Sequence[str], request: ApiRequest) -> str | None:
        lowered = [name.lower() for name in names]
        if "request-line" not in lowered or "date" not in lowered:
            return 'headers="..." must list date and request-line'
        if request.body and not any(name in MD5_HEADERS for name in lowered):
            return 'a request with a body must list x-Content-MD5 (or Content-MD5) in headers="..."'
        headers = request.headers
        missing = [n for n in names if n.lower() not in headers and n.lower() != "request-line"]
        return f"signed header {missing[0]} is missing from the request" if missing else None

    @staticmethod
    def _check_md5(request: ApiRequest) -> str | None:
        expected = content_md5(request.body)
        for name in MD5_HEADERS:
            value = request.headers.get(name)
            if value is not None and value.strip().lower() != expected:
                return f"{name} is not the hex MD5 of the body"
        return None

    def _check_date(self, value: str | None) -> str | None:
        if value is None:
            return "missing Date header"
        try:
            moment = email.utils.parsedate_to_datetime(value)
            if moment.tzinfo is None:  # "-0000": UTC with no claim about local time
                moment = moment.replace(tzinfo=timezone.utc)
            sent = moment.timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return "malformed Date header (use RFC 7231, e.g. Wed, 08 Feb 2023 03:00:00 GMT)"
        drift = abs(sent - self.wall())
        if drift > self.skew:
            return f"Date is {drift:.0f} s off the sandbox clock ({self.skew:.0f} s allowed)"
        return None

    def _check_signature(
        self, account: Account, params: Mapping[str, str], names: Sequence[str], request: ApiRequest
    ) -> AuthResult:
        methods = [request.method]
        if request.method == "PUT" and self.tolerate_put_signed_as_post:
            methods.append("POST")
        targets = dict.fromkeys([request.target, request.path])  # query-less path too
        for method in methods:
            for target in targets:
                line = f"{method} {target} HTTP/1.1"
                signing = build_signing_string(names, request.headers, line)
                if signing is None:
                    continue
                expected = compute_signature(account.secret, signing, params["algorithm"])
                if _same(expected, params["signature"]):
                    legacy = method != request.method
                    return AuthResult(account=account.key, scheme="hmac", legacy_put=legacy)
        return AuthResult(scheme="hmac", error="signature does not match")

    def _select_account(self, result: AuthResult, wanted: str | None) -> AuthResult:
        selected = (wanted or "").strip()
        if not selected or result.account is None:
            return result
        account = self.registry.get(result.account)
        if account is not None and selected in (account.key, *account.sub_accounts):
            return replace(result, account=selected)
        error = f"unknown account {selected!r} for this key"
        return AuthResult(scheme=result.scheme, error=error, authenticated=True)


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two strings (any characters)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))
