"""The only module that imports requests: pooled HTTP, with its errors mapped to ours."""

from __future__ import annotations

import os
import time
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as u3

from ..configuration import check_header_value
from ..exceptions.api_exception import APIConnectionError, APITimeoutError, TransportError
from . import retry
from .deadline import DeadlineSocket, current_deadline, set_deadline
from .http_request import HttpRequest
from .http_response import HttpResponse


class _DeadlineMixin:
    """Reads each response through a socket that honours the thread's deadline."""

    sock: Any

    def getresponse(self) -> Any:
        instant = current_deadline()
        real = self.sock
        if instant is None or real is None:
            return super().getresponse()  # type: ignore[misc]
        self.sock = DeadlineSocket(real, instant)
        try:
            return super().getresponse()  # type: ignore[misc]
        finally:
            if isinstance(self.sock, DeadlineSocket):  # unless the response closed it
                self.sock = real


class _HTTPConnection(_DeadlineMixin, urllib3.connection.HTTPConnection):
    """urllib3's HTTP connection, with response deadlines."""


class _HTTPSConnection(_DeadlineMixin, urllib3.connection.HTTPSConnection):
    """urllib3's HTTPS connection, with response deadlines."""


class _ConnectionError(APIConnectionError, requests.exceptions.ConnectionError):
    """An APIConnectionError that code written for 2.x catches as a requests error."""


class _ConnectTimeout(APITimeoutError, requests.exceptions.ConnectTimeout):
    """A connect timeout, also a requests ConnectTimeout."""


class _ReadTimeout(APITimeoutError, requests.exceptions.ReadTimeout):
    """A read timeout, also a requests ReadTimeout."""


class Transport:
    """Sends `HttpRequest`s over one pool of keep-alive connections to the API host.

    Only the scheme, host and port of `base_uri` are used here; request paths come
    complete (with any path prefix of the base URI), exactly as they were signed.

    It reads what requests would read from the environment (proxies, `NO_PROXY`,
    `REQUESTS_CA_BUNDLE`/`CURL_CA_BUNDLE`) once, at construction, instead of on
    every call, then drives requests' own urllib3 pool directly.
    """

    def __init__(
        self,
        base_uri: str,
        *,
        timeout: tuple[float, float],
        verify: bool | str = True,
        proxies: dict[str, str] | None = None,
        pool_maxsize: int = 10,
    ) -> None:
        session = requests.Session()
        settings = session.merge_environment_settings(base_uri, proxies or {}, None, verify, None)
        session.close()
        self._adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_maxsize, pool_block=False)
        self._connect, self._read = timeout
        self._timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
        self._base = urllib3.util.parse_url(base_uri)
        proxy = requests.utils.select_proxy(base_uri, settings["proxies"])
        manager = self._adapter.proxy_manager_for(proxy) if proxy else self._adapter.poolmanager
        verify_setting = settings["verify"] if settings["verify"] is not None else True
        tls = _tls_pool_kwargs(verify_setting) if self._base.scheme == "https" else {}
        self._pool = manager.connection_from_host(
            self._base.host, self._base.port, self._base.scheme, pool_kwargs=tls
        )
        https = self._base.scheme == "https"
        self._pool.ConnectionCls = _HTTPSConnection if https else _HTTPConnection
        # Through a proxy, plain HTTP is forwarded (absolute URL); HTTPS is tunnelled.
        self._absolute = bool(proxy) and not https

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send one request and return the whole response.

        The read timeout bounds each wait for data and also the whole response, head
        and body: a server that trickles its answer cannot hold a call past
        connect + read seconds.

        Raises:
            APIConnectionError: no connection, or it broke before the response was read.
            APITimeoutError: connecting or reading took longer than the timeout.
            ConfigurationError: a header value cannot be sent (nothing was sent).
        """
        _check_headers(request.headers)
        deadline = time.monotonic() + self._connect + self._read
        # The path includes any path prefix of the base URI: it is what was signed.
        target = request.path
        if self._absolute:
            target = f"{self._base.scheme}://{self._base.netloc}{request.path}"
        set_deadline(deadline)
        try:
            raw = self._pool.urlopen(
                request.http_method, target, body=request.body, headers=request.headers,
                retries=False, redirect=False, timeout=self._timeout, assert_same_host=False,
            )  # fmt: skip
        except (u3.HTTPError, OSError) as exc:
            if time.monotonic() >= deadline:
                raise _deadline_error(request, exc) from exc
            raise _mapped(exc, request) from exc
        finally:
            set_deadline(None)
        return HttpResponse(raw.status, raw.headers, raw.data)  # case-insensitive headers

    def close(self) -> None:
        """Close every pooled connection."""
        self._adapter.close()


def _check_headers(headers: dict[str, Any]) -> None:
    """Refuse, naming the header, what http.client would refuse quoting the value.

    Its `ValueError: Invalid header value b'...'` would carry an `Authorization`
    value (key, HMAC signature) into error texts, logs, ledgers and journals.
    """
    for name, value in headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        check_header_value(f"the {name} header", str(text) if isinstance(text, int) else text)


def _tls_pool_kwargs(verify: bool | str) -> dict[str, Any]:
    """urllib3 pool settings for TLS, as requests derives them from `verify`."""
    if verify is False:
        return {"cert_reqs": "CERT_NONE", "ca_certs": None, "ca_cert_dir": None}
    bundle = verify if isinstance(verify, str) else requests.utils.DEFAULT_CA_BUNDLE_PATH
    if os.path.isdir(bundle):
        return {"cert_reqs": "CERT_REQUIRED", "ca_certs": None, "ca_cert_dir": bundle}
    return {"cert_reqs": "CERT_REQUIRED", "ca_certs": bundle, "ca_cert_dir": None}


def _deadline_error(request: HttpRequest, exc: BaseException) -> TransportError:
    return _ReadTimeout(
        f"the response did not complete within the timeout: {exc}",
        method=request.http_method,
        path=request.path,
        maybe_sent=True,
        failure=retry.READ_TIMEOUT,
    )


def _mapped(exc: BaseException, request: HttpRequest) -> TransportError:
    """Our error for a urllib3 or socket failure, classified by whether it may have been sent."""
    where: dict[str, Any] = {"method": request.http_method, "path": request.path}
    if isinstance(exc, u3.ConnectTimeoutError) and not isinstance(exc, u3.NewConnectionError):
        return _ConnectTimeout(
            f"connect timed out: {exc}", maybe_sent=False, failure=retry.CONNECT_TIMEOUT, **where
        )
    if isinstance(exc, (u3.NewConnectionError, u3.ProxyError, u3.SSLError)):
        return _ConnectionError(
            f"could not connect: {exc}", maybe_sent=False, failure=retry.CONNECT, **where
        )
    if isinstance(exc, (u3.ReadTimeoutError, TimeoutError)):
        return _ReadTimeout(
            f"read timed out: {exc}", maybe_sent=True, failure=retry.READ_TIMEOUT, **where
        )
    return _ConnectionError(
        f"connection broken before the response was complete: {exc}",
        maybe_sent=True,
        failure=retry.RESET,
        **where,
    )
