"""Checks of setting values: header-safe text, http(s) URLs, timeouts; the insecure warning."""

from __future__ import annotations

import ipaddress
import math
import re
import sys
import warnings
from types import FrameType
from urllib.parse import urlsplit

from .exceptions.api_exception import ConfigurationError
from .http._redaction import redact_url

# What an HTTP header value may carry: printable Latin-1, no control characters at all.
_NOT_HEADER_SAFE = re.compile(r"[^\x20-\x7e\xa0-\xff]")
_NOT_URL_SAFE = re.compile(r"[\s\x00-\x1f\x7f]")  # no URL holds these (urlsplit drops some)
_PACKAGE = __name__.partition(".")[0]
_CHARACTER_NAMES = {"\r": "a carriage return (CR)", "\n": "a line feed (LF)", "\x00": "a NUL",
                    "\t": "a tab"}  # fmt: skip

Timeout = float | tuple[float, float]


def check_header_value(setting: str, value: object) -> None:
    """Refuse a value that cannot travel in an HTTP header as it is.

    Used for every header-bound setting (API key, secret, account, user agent) and
    every header sent. The error names the setting and the cause, never the value.

    Args:
        setting: what the value is, as the user knows it (e.g. "account_header").
        value: the value to check.

    Raises:
        ConfigurationError: `value` is not text, or holds a control character (CR, LF,
            NUL, tab, ...) or a character outside Latin-1.
    """
    if not isinstance(value, str):
        raise ConfigurationError(f"{setting} must be text (str), not {type(value).__name__}")
    bad = _NOT_HEADER_SAFE.search(value)
    if bad is None:
        return
    char, where = bad.group(), _position(value, bad.start())
    if ord(char) > 0xFF:
        cause = "a character outside Latin-1, which HTTP headers cannot carry"
    else:
        cause = _CHARACTER_NAMES.get(char, f"a control character (U+{ord(char):04X})")
    raise ConfigurationError(
        f"{setting} contains {cause} {where}: it cannot be sent in an HTTP header "
        "(a stray line ending from a CRLF .env file or a paste?)"
    )


def _position(value: str, index: int) -> str:
    """Where the first unsafe character is, in words (never the value itself)."""
    if not _NOT_HEADER_SAFE.sub("", value[index:]):
        return "at its end"  # e.g. a CRLF line ending
    return "at its start" if index == 0 else "inside it"


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine: localhost, 127.0.0.0/8 or ::1."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def insecure(what: str) -> None:
    """The one warning for settings that expose requests (the same for every cause)."""
    warnings.warn(
        f"{what}: anyone on the network path can read and change requests, credentials included",
        UserWarning,
        stacklevel=_outside_the_package(),
    )


def _outside_the_package() -> int:
    """The `stacklevel` of the first caller outside this package (who built the client).

    Frames are told apart by module name, not by file.
    """
    caller: FrameType | None = sys._getframe(2)  # insecure's caller (as inspect would read)
    level = 2
    while caller is not None and _in_package(caller.f_globals.get("__name__")):
        caller, level = caller.f_back, level + 1
    return level


def _in_package(module: object) -> bool:
    return isinstance(module, str) and (module == _PACKAGE or module.startswith(_PACKAGE + "."))


def check_base_uri(uri: str) -> None:
    """Refuse a base URI that is not a usable http(s) URL (its password never shown)."""
    if not usable_url(uri, ("http", "https")):
        raise ConfigurationError(f"base_uri must be an http(s) URL, not {redact_url(repr(uri))}")


def usable_url(uri: str, schemes: tuple[str, ...]) -> bool:
    """Whether `uri` is a URL of one of `schemes` with a host and a usable port."""
    try:
        parts = urlsplit(uri)
        usable = parts.scheme in schemes and bool(parts.hostname)
        return usable and parts.port != 0 and not _NOT_URL_SAFE.search(uri)
    except ValueError:  # a bad IPv6 literal, a port that is not a number in 0-65535
        return False


def check_timeout(value: object) -> Timeout:
    pair = value if isinstance(value, tuple) else (value, value)
    if len(pair) != 2 or not all(_finite_positive(v) for v in pair):
        raise ConfigurationError(
            "timeout must be a finite number of seconds > 0, or a (connect, read) pair"
        )
    return (float(pair[0]), float(pair[1])) if isinstance(value, tuple) else float(pair[0])


def _finite_positive(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < math.inf
