"""The I/O-free decisions of a call: build, retry or not, `maybe_sent`, status, parse.

Given the last outcome they say what comes next, so the sync `Requestor` and the asyncio
`AsyncRequestor` share every rule and differ only in how they wait and send.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple
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
from ..http.retry import STATUS, Outcome, RetryPolicy, parse_retry_after


class Endpoint(NamedTuple):
    """One API endpoint, declared.

    Attributes:
        method: "GET", "POST" or "PUT".
        path: the path; "{}" stands for the percent-encoded message id.
        idempotent: whether repeating the call is harmless (decides retries).
        body: the body rule: checks the caller's body and returns its JSON-ready wire
            form; None sends the given body as it is (or none).
        result: builds the result from the decoded JSON; None when the endpoint owes no
            body: an empty one then gives '' (what the official SDK returned, and code
            checks), any other the decoded JSON.
        bad_request: the exception class for HTTP 400.
    """

    method: str
    path: str
    idempotent: bool
    body: Callable[[Any], Any] | None = None
    result: Callable[[Any], Any] | None = None
    bad_request: type[APIException] = BadRequestError


# The status table: every status is classified here, and only here.
OK, BAD_REQUEST, DENIED, NOT_FOUND, RATE_LIMITED, FAILED, OTHER = (
    "ok", "bad_request", "denied", "not_found", "rate_limited", "failed", "other"
)  # fmt: skip
_KINDS = {400: BAD_REQUEST, 401: DENIED, 403: DENIED, 404: NOT_FOUND, 429: RATE_LIMITED}
_ERRORS: dict[str, tuple[type[APIException], str]] = {
    DENIED: (AuthenticationError, "not authorised"),
    NOT_FOUND: (NotFoundError, "not found"),
    FAILED: (ServerError, "server error"),
    OTHER: (APIException, "HTTP response not OK"),
}


def kind_of(status: int) -> str:
    """The status table: what an HTTP status means to the pipeline."""
    if 200 <= status <= 208:
        return OK
    return _KINDS.get(status) or (FAILED if status >= 500 else OTHER)


def maybe_sent(idempotent: bool, reached: bool) -> bool:
    """Whether an error must say the call may have been acted on: the one place this is
    decided. Only a call that is not safe to repeat, once it may have reached the server."""
    return reached and not idempotent


class Exchange(NamedTuple):
    """The final response of a call, and what its attempts showed.

    `lost_answer`: an earlier attempt may have been processed (its answer was lost, or
    it was a 5xx before a retry).
    """

    request: HttpRequest
    response: HttpResponse
    attempts: int
    lost_answer: bool
    retry_after: float | None

    @property
    def kind(self) -> str:
        """The response's status kind (see `kind_of`)."""
        return kind_of(self.response.status_code)


class Retry(NamedTuple):
    """Sleep `delay` seconds, then try again."""

    delay: float


class Attempts:
    """The retry state of one call: given the last outcome, what next (no I/O here)."""

    __slots__ = ("clock", "idempotent", "lost_answer", "policy", "retries")

    def __init__(self, policy: RetryPolicy, idempotent: bool, clock: Callable[[], float]) -> None:
        self.policy, self.idempotent, self.clock = policy, idempotent, clock
        self.retries, self.lost_answer = 0, False

    def next(
        self, request: HttpRequest, outcome: HttpResponse | TransportError
    ) -> Retry | Exchange | TransportError:
        """A `Retry`, the final `Exchange`, or the error to raise (settled)."""
        if isinstance(outcome, TransportError):
            decided = Outcome(outcome.failure)
            reached = outcome.maybe_sent
        else:
            header = outcome.headers.get("retry-after")  # parsed here, once per response
            retry_after = None if header is None else parse_retry_after(header, self.clock())
            decided = Outcome(STATUS, outcome.status_code, retry_after)
            reached = kind_of(outcome.status_code) == FAILED
        delay = self.policy.after(decided, idempotent=self.idempotent, retries=self.retries)
        if delay is not None:
            self.retries += 1
            self.lost_answer = self.lost_answer or reached
            return Retry(delay)
        attempts = self.retries + 1
        if isinstance(outcome, TransportError):
            outcome.settle(attempts=attempts, maybe_sent=maybe_sent(self.idempotent, reached))
            return outcome
        return Exchange(request, outcome, attempts, self.lost_answer, decided.retry_after)

    def cancelled(self, reached: bool) -> bool:
        """The `maybe_sent` of a call cancelled during an attempt (task cancel, a timeout
        around it): `reached` says whether that attempt's request may have gone out."""
        return maybe_sent(self.idempotent, reached or self.lost_answer)


def cancel_needs_check(exchange: Exchange) -> bool:
    """Whether a cancel's 400 may be the API refusing to cancel twice: an earlier attempt's
    answer was lost, so the message must be looked up (cancelled means success)."""
    return exchange.lost_answer and exchange.kind == BAD_REQUEST


def result(endpoint: Endpoint, exchange: Exchange) -> Any:
    """The call's result from its final exchange (no I/O).

    Raises:
        APIException: the status is not a success, or the body is not what is due.
    """
    response, kind = exchange.response, exchange.kind
    if kind != OK:
        raise _status_error(endpoint, exchange)
    if response.refused_body is not None:  # a 2xx whose body was not read
        raise _unexpected(endpoint, exchange, response.refused_body)
    if endpoint.result is None and not response.content:
        return ""  # cancel and confirm may answer with no body: 2.x and 1.1.0 gave ''
    reason = "the response body is empty where JSON was expected"
    if response.content:
        try:
            data = json.loads(response.content)
            parsed = data if endpoint.result is None else endpoint.result(data)
            if parsed is None:
                raise TypeError("expected a JSON object, got null")
            return parsed
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            reason = f"the response body is not the expected JSON ({exc.__class__.__name__}: {exc})"
    # A 2xx means the API acted on the request: an unreadable answer to a send may hide
    # accepted messages, so it must say maybe_sent.
    raise _unexpected(endpoint, exchange, reason)


def _unexpected(endpoint: Endpoint, exchange: Exchange, reason: str) -> UnexpectedResponseError:
    context = HttpContext(exchange.request, exchange.response)
    error = UnexpectedResponseError(
        reason, context, maybe_sent=maybe_sent(endpoint.idempotent, reached=True)
    )
    error.attempts = exchange.attempts
    return error


def _status_error(endpoint: Endpoint, exchange: Exchange) -> APIException:
    context = HttpContext(exchange.request, exchange.response)
    refused = exchange.response.refused_body
    note = "" if refused is None else f" ({refused})"
    kind = exchange.kind
    error: APIException
    if kind == BAD_REQUEST:
        error = endpoint.bad_request("the API rejected the request" + note, context)
    elif kind == RATE_LIMITED:
        error = RateLimitError("rate limited" + note, context, retry_after=exchange.retry_after)
    else:
        cls, reason = _ERRORS[kind]
        reached = maybe_sent(endpoint.idempotent, reached=kind == FAILED)
        error = cls(reason + note, context, maybe_sent=reached)
    error.attempts = exchange.attempts
    return error


class RequestBuilder:
    """Builds one client's requests (no I/O): the part of a requestor both kinds share.

    Attributes:
        base_uri: the API root; a path part is prefixed to every path, and signed.
        headers: headers sent on every call (`User-Agent`, `Accept`).
        account_id: the default `Account` header, or None.
    """

    def __init__(
        self, base_uri: str, headers: dict[str, str] | None, account_id: str | None
    ) -> None:
        self.base_uri, self.headers = base_uri, {} if headers is None else headers
        self.account_id = account_id
        parts = urlsplit(base_uri)  # the only place the base URI is taken apart
        self.origin, self.path_prefix = f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")

    def build(
        self, endpoint: Endpoint, message_id: str, body: Any, account_header: str | None
    ) -> HttpRequest:
        """The request, built once: its body serialised once, exactly as it is signed."""
        payload = endpoint.body(body) if endpoint.body is not None else body
        headers = dict(self.headers)
        if account_header is not None:
            check_header_value("account_header", account_header)
        account = account_header if account_header is not None else self.account_id
        if account:
            headers["Account"] = account
        data = None
        if payload is not None:
            data = _serialise(payload)
            headers["Content-Type"] = "application/json; charset=utf-8"
        path = self.path_prefix + endpoint.path.format(quote(message_id, safe=""))
        return HttpRequest(endpoint.method, path, headers, data, origin=self.origin)


def _serialise(payload: Any) -> bytes:
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValidationError([Problem("body", f"must be JSON-serialisable ({exc})")]) from exc
