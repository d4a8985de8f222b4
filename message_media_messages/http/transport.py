"""The only module that imports requests: pooled HTTP, with its errors mapped to ours.

`Transport` is the default `message_media_messages.BaseTransport` (`send(request, *, timeout)`).
"""

from __future__ import annotations

import http.client
import os
import weakref
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as u3

from ..configuration import DEFAULT_MAX_RESPONSE_BYTES
from ..exceptions.api_exception import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    TransportError,
)
from . import retry
from ._base_transport import Timeout
from ._body import bounded_body, check_headers, encoding_refusal, wire_headers
from ._deadline import Attempt, Budget, DeadlineSocket
from ._failures import classify, error_for
from ._interim import FinalResponse
from ._redaction import redact_url
from .http_request import HttpRequest
from .http_response import HttpResponse

# Failures only connecting raises: nothing of the request was written yet.
_CONNECT_ONLY = (u3.NewConnectionError, u3.ConnectTimeoutError, u3.ProxyError)
_live: weakref.WeakSet[Transport] = weakref.WeakSet()  # every transport of this process
_NO_RETRIES = urllib3.Retry(False, redirect=False)  # what retries=False builds on each call


class _AttemptMixin:
    """Marks when the request goes out, and reads its answer with a deadline from then on."""

    sock: Any
    response_class: type[http.client.HTTPResponse] = FinalResponse  # reads past 1xx answers
    _attempt: Attempt | None = None  # the attempt this connection is sending
    _seconds: Any = None

    @property
    def timeout(self) -> Any:
        return self._seconds

    @timeout.setter
    def timeout(self, seconds: Any) -> None:
        # urllib3 sets each call's timeout here before writing: a `Budget` names the call.
        self._seconds = seconds
        if isinstance(seconds, Budget):
            self._attempt = seconds.attempt

    def request(self, *args: Any, **kwargs: Any) -> None:
        attempt = self._attempt
        if attempt is not None:
            attempt.writing = True  # from here on, bytes of the request may reach the server
        super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self) -> Any:
        attempt, self._attempt = self._attempt, None  # one response per attempt
        real = self.sock
        if attempt is None or real is None:
            return super().getresponse()  # type: ignore[misc]
        self.sock = DeadlineSocket(real, attempt.written())
        try:
            return super().getresponse()  # type: ignore[misc]
        finally:
            if isinstance(self.sock, DeadlineSocket):  # unless the response closed it
                self.sock = real


class _HTTPConnection(_AttemptMixin, urllib3.connection.HTTPConnection):
    """urllib3's HTTP connection, with the mixin's write mark, deadline and 1xx handling."""


class _HTTPSConnection(_AttemptMixin, urllib3.connection.HTTPSConnection):
    """urllib3's HTTPS connection, with the mixin's write mark, deadline and 1xx handling."""


class _Public:
    """Shows a requests-compatible error under the public class it specialises.

    Tracebacks, `repr` and `type(err).__name__` name the class users import from
    `message_media_messages.exceptions` (and catch); pickling rebuilds this subclass.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        public = next(c for c in cls.__mro__[1:] if issubclass(c, TransportError))
        cls.__module__, cls.__qualname__, cls.__name__ = (
            "message_media_messages.exceptions", public.__qualname__, public.__name__
        )  # fmt: skip

    def __reduce__(self) -> tuple[Any, ...]:
        kind: type[Any] = type(self)
        name = next(key for key, cls in _PUBLIC.items() if kind is cls)
        return (_restore, (name, getattr(self, "args", ())), self.__dict__ or None)


class _ConnectionError(_Public, APIConnectionError, requests.exceptions.ConnectionError):
    """An APIConnectionError that code written for 2.x catches as a requests error."""


class _ConnectTimeout(_Public, APITimeoutError, requests.exceptions.ConnectTimeout):
    """A connect timeout, also a requests ConnectTimeout."""


class _ReadTimeout(_Public, APITimeoutError, requests.exceptions.ReadTimeout):
    """A read timeout, also a requests ReadTimeout."""


_PUBLIC: dict[str, type[TransportError]] = {
    "connection": _ConnectionError, "connect_timeout": _ConnectTimeout, "read_timeout": _ReadTimeout
}  # fmt: skip


_PUBLIC_BY_KIND: dict[str, type[TransportError]] = {
    retry.CONNECT: _ConnectionError, retry.CONNECT_TIMEOUT: _ConnectTimeout,
    retry.READ_TIMEOUT: _ReadTimeout, retry.RESET: _ConnectionError,
}  # fmt: skip


def _restore(name: str, args: tuple[Any, ...]) -> TransportError:
    cls = _PUBLIC[name]
    error = cls.__new__(cls, *args)
    error.args = args  # OSError's __new__ (requests' exceptions) leaves them to __init__
    return error


class Transport:
    """Sends `HttpRequest`s over one pool of keep-alive connections to the API host.

    Only the scheme, host and port of `base_uri` are used here; request paths come
    complete (with any path prefix of the base URI), exactly as they were signed.

    It reads what requests would read from the environment (proxies, `NO_PROXY`,
    `REQUESTS_CA_BUNDLE`/`CURL_CA_BUNDLE`) once, at construction, instead of on
    every call, then drives requests' own urllib3 pool directly. The pool belongs to
    one process: a child forked from it opens its own connections.
    """

    def __init__(
        self,
        base_uri: str,
        *,
        timeout: tuple[float, float],
        verify: bool | str = True,
        proxies: dict[str, str] | None = None,
        pool_maxsize: int = 10,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        session = requests.Session()
        settings = session.merge_environment_settings(base_uri, proxies or {}, None, verify, None)
        session.close()
        self._default_timeout, self._max_body = timeout, max_response_bytes
        self._pool_maxsize = pool_maxsize
        try:  # stricter than the configuration's urlsplit check on Python 3.10 ("[zz]")
            self._base = urllib3.util.parse_url(base_uri)
        except ValueError:  # urllib3 quotes the URL it cannot use, password included
            shown = redact_url(repr(base_uri))
            raise ConfigurationError(f"base_uri must be an http(s) URL, not {shown}") from None
        self._proxy = requests.utils.select_proxy(base_uri, settings["proxies"])
        verify_setting = settings["verify"] if settings["verify"] is not None else True
        https = self._base.scheme == "https"
        self._tls = _tls_pool_kwargs(verify_setting) if https else {}
        # Through a proxy, plain HTTP is forwarded (absolute URL); HTTPS is tunnelled.
        self._absolute = bool(self._proxy) and not https
        try:
            self._open()
        except ValueError as exc:  # urllib3 quotes the URL it cannot use, password included
            shown = redact_url(repr(self._proxy))
            cause = redact_url(str(exc))
            raise ConfigurationError(f"the proxy {shown} cannot be used: {cause}") from None
        _live.add(self)

    def _open(self) -> None:
        """A new pool of connections, owned by this process."""
        self._pid = os.getpid()
        self._adapter = HTTPAdapter(
            pool_connections=1, pool_maxsize=self._pool_maxsize, pool_block=False
        )
        proxy = self._proxy
        manager = self._adapter.proxy_manager_for(proxy) if proxy else self._adapter.poolmanager
        self._pool = manager.connection_from_host(
            self._base.host, self._base.port, self._base.scheme, pool_kwargs=self._tls
        )
        https = self._base.scheme == "https"
        self._pool.ConnectionCls = _HTTPSConnection if https else _HTTPConnection

    def _own_pool(self) -> Any:
        """This process's pool: in a forked child, never the parent's sockets."""
        if self._pid != os.getpid():
            inherited = self._adapter
            self._open()
            # Closing only drops this process's copies of the descriptors: the parent's
            # connections stay open and untouched (no shutdown, nothing written).
            inherited.close()
        return self._pool

    def send(self, request: HttpRequest, *, timeout: Timeout | None = None) -> HttpResponse:
        """Send one request and return the whole response (see `BaseTransport.send`).

        `timeout` is (connect, read) seconds for this call (the constructor's when None).
        The read timeout bounds each wait for data and also the whole response, head and
        body, counted from when the request has been written: an attempt lasts at most
        the time connecting took plus the read timeout.

        Raises:
            APIConnectionError: no connection, or it broke before the response was read.
            APITimeoutError: connecting or reading took longer than the timeout.
            ConfigurationError: a header value cannot be sent (nothing was sent).
        """
        check_headers(request.headers)
        # Where fork hooks exist, the child's pools were replaced at fork: no check per call.
        pool = self._pool if _FORK_HOOKED else self._own_pool()
        # The path includes any path prefix of the base URI: it is what was signed.
        target = request.path
        if self._absolute:
            target = f"{self._base.scheme}://{self._base.netloc}{request.path}"
        connect, read = timeout if timeout is not None else self._default_timeout
        attempt = Attempt(read)
        budget = urllib3.Timeout(connect=Budget(connect, attempt), read=Budget(read, attempt))
        try:
            raw = pool.urlopen(
                request.http_method, target, body=request.body,
                headers=wire_headers(request.headers), retries=_NO_RETRIES, redirect=False,
                timeout=budget, assert_same_host=False,
                preload_content=False, decode_content=False,
            )  # fmt: skip
            return self._response(raw)
        except (u3.HTTPError, OSError) as exc:
            raise _mapped(exc, request, attempt) from exc

    def _response(self, raw: Any) -> HttpResponse:
        """The whole response, or its head alone when its body is refused unread."""
        empty = raw.length_remaining == 0  # nothing to decode, whatever the headers say
        refused = None if empty else encoding_refusal(raw.headers.get("content-encoding"))
        if refused is None:
            body = bounded_body(raw, self._max_body)
            if body is not None:
                return HttpResponse(raw.status, raw.headers, body)  # case-insensitive headers
            limit = self._max_body
            refused = f"the response body is over the {limit}-byte limit (max_response_bytes)"
        raw.close()  # the rest stays unread: this connection is not used again
        raw.release_conn()
        return HttpResponse(raw.status, raw.headers, refused_body=refused)

    def close(self) -> None:
        """Close every pooled connection."""
        self._adapter.close()


def _after_fork_in_child() -> None:
    for transport in list(_live):
        transport._own_pool()


_FORK_HOOKED = hasattr(os, "register_at_fork")  # POSIX
if _FORK_HOOKED:
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _tls_pool_kwargs(verify: bool | str) -> dict[str, Any]:
    """urllib3 pool settings for TLS, as requests derives them from `verify`."""
    if verify is False:
        return {"cert_reqs": "CERT_NONE", "ca_certs": None, "ca_cert_dir": None}
    bundle = verify if isinstance(verify, str) else requests.utils.DEFAULT_CA_BUNDLE_PATH
    if os.path.isdir(bundle):
        return {"cert_reqs": "CERT_REQUIRED", "ca_certs": None, "ca_cert_dir": bundle}
    return {"cert_reqs": "CERT_REQUIRED", "ca_certs": bundle, "ca_cert_dir": None}


def _mapped(exc: BaseException, request: HttpRequest, attempt: Attempt) -> TransportError:
    """Our error for a urllib3 or socket failure (see `classify`), as a requests error too.

    Plain HTTP connects lazily, as the request is written: a failure only connecting can
    raise means it never left even then.
    """
    failure = classify(
        exc,
        left=attempt.writing and not isinstance(exc, _CONNECT_ONLY),
        timed_out=isinstance(exc, (u3.TimeoutError, TimeoutError))
        and not isinstance(exc, u3.NewConnectionError),
        expired=attempt.expired,
    )
    return error_for(failure, request, _PUBLIC_BY_KIND)
