"""BaseController: build a request once, sign it, send it with retries, map the status, parse."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from ..configuration import check_header_value
from ..exceptions.api_exception import (
    APIException,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    Problem,
    RateLimitError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from ..http.http_context import HttpContext
from ..http.http_request import HttpRequest
from ..http.http_response import HttpResponse
from ..http.retry import STATUS, RetryPolicy, parse_retry_after

T = TypeVar("T")
logger = logging.getLogger("message_media_messages")


@dataclass
class Core:
    """What every controller of one client shares (built by the client).

    Attributes:
        send: sends one request (the transport's `send`).
        sign: adds the auth headers to a request, for its exact method, path and body.
        retry: the retry policy.
        headers: headers sent on every call (`User-Agent`, `Accept`).
        account_id: the default `Account` header, or None.
        sleep: sleeps between retries.
        clock: POSIX time, for `Retry-After` dates.
        call_back: an optional 2.x `HttpCallBack` (`on_before_request`, `on_after_response`).
        base_uri: the API root, e.g. "https://api.messagemedia.com" (a path part is
            prefixed to every request path, and signed with it).
    """

    send: Callable[[HttpRequest], HttpResponse]
    sign: Callable[[HttpRequest], None]
    retry: RetryPolicy
    headers: dict[str, str]
    account_id: str | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    call_back: Any = None
    base_uri: str = ""

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_uri)
        self.path_prefix = parts.path.rstrip("/")
        self.origin = f"{parts.scheme}://{parts.netloc}"


class BaseController:
    """The shared request pipeline under every endpoint method.

    Attributes:
        http_call_back: a 2.x `HttpCallBack` for this controller's calls only (as 2.x
            code sets it: `client.messages.http_call_back = catcher`); when None, the
            client's `http_call_back` is used.
    """

    http_call_back: Any = None

    def __init__(self, core: Core) -> None:
        self._core = core

    def _hook(self) -> Any:
        """The call-back in force: this controller's, else the client's, else None."""
        own = self.http_call_back
        return own if own is not None else self._core.call_back

    def _call(
        self,
        method: str,
        path: str,
        *,
        payload: Any = None,
        idempotent: bool,
        account_header: str | None,
        parse: Callable[[Any], T] | None = None,
        bad_request: type[APIException] = BadRequestError,
        recover: Callable[[APIException], Any] | None = None,
    ) -> T | Any:
        """Run one API call and return its parsed result.

        Args:
            method: "GET", "POST" or "PUT".
            path: the request path, already percent-encoded.
            payload: the JSON-ready body, serialised once here, or None.
            idempotent: whether repeating the call is harmless (decides retries).
            account_header: the sub-account for this call, overriding the client's.
            parse: builds the result from the decoded JSON; None when the endpoint
                owes no body: an empty one then gives '' (what the official SDK returned,
                and code checks), any other the decoded JSON.
            bad_request: the exception class for HTTP 400.
            recover: called with the error when a retried call fails after an earlier
                attempt may have been processed (its answer lost); returns the result
                to give instead, or raises.
        """
        request = self._build(method, path, payload, account_header)
        response, attempts, ambiguous = self._send_with_retries(request, idempotent)
        context = HttpContext(request, response)
        hook = self._hook()
        if hook is not None:
            hook.on_after_response(context)
        if not 200 <= response.status_code <= 208:
            error = _status_error(context, idempotent, bad_request, self._core.clock())
            error.attempts = attempts
            if ambiguous and recover is not None:
                return recover(error)
            raise error
        if response.refused_body is not None:  # a 2xx whose body was not read
            refused = UnexpectedResponseError(
                response.refused_body, context, maybe_sent=not idempotent
            )
            refused.attempts = attempts
            raise refused
        if parse is None and not response.content:
            return ""  # cancel and confirm may answer with no body: 2.x and 1.1.0 gave ''
        return _parsed(context, parse or _any_json, maybe_sent=not idempotent)

    def _build(
        self, method: str, path: str, payload: Any, account_header: str | None
    ) -> HttpRequest:
        headers = dict(self._core.headers)
        if account_header is not None:
            check_header_value("account_header", account_header)
        account = account_header if account_header is not None else self._core.account_id
        if account:
            headers["Account"] = account
        body = None
        if payload is not None:
            body = _serialise(payload)
            headers["Content-Type"] = "application/json; charset=utf-8"
        path = self._core.path_prefix + path
        return HttpRequest(method, path, headers, body, self._core.origin + path)

    def _send_with_retries(
        self, request: HttpRequest, idempotent: bool
    ) -> tuple[HttpResponse, int, bool]:
        """The final response, the number of attempts, and whether an earlier attempt
        may have been processed (a lost answer or a 5xx before a retry)."""
        policy, retries, ambiguous = self._core.retry, 0, False
        while True:
            self._core.sign(request)
            hook = self._hook()
            if hook is not None:
                hook.on_before_request(request)
            started = time.perf_counter()
            try:
                response = self._core.send(request)
            except TransportError as err:
                _log(request, err.failure, started)
                delay = (
                    policy.delay(retries)
                    if policy.may_retry(idempotent=idempotent, failure=err.failure)
                    else None
                )
                if delay is None:
                    maybe_sent = err.maybe_sent and not idempotent
                    raise err.retold(attempts=retries + 1, maybe_sent=maybe_sent) from err
                ambiguous = ambiguous or err.maybe_sent
            else:
                _log(request, str(response.status_code), started)
                delay = self._status_delay(response, idempotent, retries)
                if delay is None:
                    return response, retries + 1, ambiguous
                ambiguous = ambiguous or response.status_code >= 500
            self._core.sleep(delay)
            retries += 1

    def _status_delay(self, response: HttpResponse, idempotent: bool, retries: int) -> float | None:
        status = response.status_code
        if status < 429 or not self._core.retry.may_retry(
            idempotent=idempotent, failure=STATUS, status=status
        ):
            return None
        wait = parse_retry_after(response.headers.get("retry-after"), self._core.clock())
        return self._core.retry.delay(retries, wait)


def path_for(template: str, message_id: str) -> str:
    """The path with the message id percent-encoded into it."""
    return template.format(quote(message_id, safe=""))


def _serialise(payload: Any) -> bytes:
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValidationError([Problem("body", f"must be JSON-serialisable ({exc})")]) from exc


def json_object(data: Any) -> dict[str, Any]:
    """Accept a decoded JSON object as it is (for endpoints with no model)."""
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _any_json(data: Any) -> Any:
    return data


def _parsed(context: HttpContext, parse: Callable[[Any], T], *, maybe_sent: bool) -> T:
    response = context.response
    reason = "the response body is empty where JSON was expected"
    if response.content:
        try:
            result = parse(json.loads(response.content))
            if result is None:
                raise TypeError("expected a JSON object, got null")
            return result
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            reason = f"the response body is not the expected JSON ({exc.__class__.__name__}: {exc})"
    # A 2xx means the API acted on the request: an unreadable answer to a send may hide
    # accepted messages, so it must say maybe_sent.
    raise UnexpectedResponseError(reason, context, maybe_sent=maybe_sent)


def _status_error(
    context: HttpContext, idempotent: bool, bad_request: type[APIException], now: float
) -> APIException:
    status = context.response.status_code
    refused = context.response.refused_body
    note = "" if refused is None else f" ({refused})"
    if status == 400:
        return bad_request("the API rejected the request" + note, context)
    if status in (401, 403):
        return AuthenticationError("not authorised" + note, context)
    if status == 404:
        return NotFoundError("not found" + note, context)
    if status == 429:
        wait = parse_retry_after(context.response.headers.get("retry-after"), now)
        return RateLimitError("rate limited" + note, context, retry_after=wait)
    if status >= 500:
        return ServerError("server error" + note, context, maybe_sent=not idempotent)
    return APIException("HTTP response not OK" + note, context)


def _log(request: HttpRequest, outcome: str, started: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("%s %s -> %s in %.1f ms", request.http_method, request.path, outcome, elapsed)
