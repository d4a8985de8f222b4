"""The whole exception tree of the SDK: every error it raises, drawn (and tested) below:

    MessageMediaError
    +-- ConfigurationError (also ValueError)
    +-- ValidationError (also ValueError)
    +-- JournalError
    |   +-- JournalMismatchError (also ValueError)
    |   +-- JournalLockedError
    |   +-- JournalUnusableError
    |   +-- JournalWriteError
    +-- WebhookSignatureError
    +-- WebhookPayloadError (also ValueError)
    +-- InputError (also ValueError)
    +-- APIException
    |   +-- BadRequestError
    |   |   +-- SendMessages400ResponseException
    |   +-- AuthenticationError
    |   +-- NotFoundError
    |   +-- RateLimitError
    |   +-- ServerError
    |   +-- UnexpectedResponseError
    +-- TransportError
        +-- APIConnectionError (also requests.exceptions.ConnectionError)
        +-- APITimeoutError (also requests.exceptions.ConnectTimeout or ReadTimeout)

"also" names another base (`except ValueError` catches those too). The transport raises its
errors as subclasses that are also the `requests` errors named, shown under these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..http._redaction import redact_url
from ..http.http_context import HttpContext
from ._problem import Problem as Problem  # re-exported: importable from here


class MessageMediaError(Exception):
    """Root of every error this SDK raises.

    Attributes:
        maybe_sent: True when the request may have reached the server and been acted on
            (a send that may have gone out); such a call is never retried automatically.
    """

    maybe_sent: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its args and attributes, never by calling __init__ again: every
        # subclass round-trips through pickle (process pools, multiprocessing) as it was.
        return (_restore, (type(self), self.args), self.__dict__ or None)


def _restore(cls: type[MessageMediaError], args: tuple[Any, ...]) -> MessageMediaError:
    error = cls.__new__(cls, *args)
    error.args = args  # OSError's __new__ (requests' exceptions) leaves them to __init__
    return error


class ConfigurationError(MessageMediaError, ValueError):
    """The client was configured with a value it cannot use (or without credentials)."""


class ValidationError(MessageMediaError, ValueError):
    """A request breaks a documented API rule; raised before anything is sent.

    Attributes:
        problems: every broken rule found, in order.
        field, rule, index: those of the first problem.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        self.field, self.rule, self.index = first.field, first.rule, first.index
        super().__init__("; ".join(str(p) for p in self.problems))


class JournalError(MessageMediaError):
    """A batch journal cannot be used for this run; nothing of this input was sent.

    Attributes:
        path: the journal file given to `send_batch`.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class JournalMismatchError(JournalError, ValueError):
    """The journal was written for a different input; nothing of this input was sent."""


class JournalLockedError(JournalError):
    """Another run holds the journal.

    Attributes:
        holder: who holds it (e.g. "pid 1234 on host"), where known; else None.
    """

    holder: str | None = None

    def __init__(self, message: str, *, path: str | None = None, holder: str | None = None) -> None:
        super().__init__(message, path=path)
        self.holder = holder

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_locked_error, (str(self), self.path, self.holder))


def _rebuild_locked_error(message: str, path: str | None, holder: str | None) -> JournalLockedError:
    return JournalLockedError(message, path=path, holder=holder)


class JournalUnusableError(JournalError):
    """The journal path cannot be used: not a journal of ours, unreadable, or not writable."""


class JournalWriteError(JournalError):
    """Writing to the journal failed mid-run (disk full, read-only); the batch stopped."""


class WebhookSignatureError(MessageMediaError):
    """A webhook's signature is missing, malformed or does not match.

    Attributes:
        reason: Why the request was rejected.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"webhook signature rejected: {reason}")


class WebhookPayloadError(MessageMediaError, ValueError):
    """A webhook body is not JSON, or not a delivery report / reply object."""


class InputError(MessageMediaError, ValueError):
    """The command line or a batch file cannot be used as given (exit status 2)."""


class APIException(MessageMediaError):
    """The API answered with a status the call does not accept, or an unreadable body.

    Keeps the official attributes `response_code` and `context`, and adds the parsed error.

    Attributes:
        response_code: the HTTP status (also as `status_code`).
        context: the `HttpContext` (request and response) of the failed call; the
            request kept is redacted (no `Authorization` value, no URL password).
        message: the server's `message`, if its body had one.
        details: the server's `details` list (empty if none).
        body: the raw response body as text.
        attempts: how many times the request was tried.
    """

    attempts: int = 1

    def __init__(self, reason: str, context: HttpContext, *, maybe_sent: bool = False) -> None:
        self.reason = reason
        # Captured redacted: no credential in str, repr, pickle or `context.request.headers`.
        self.context = HttpContext(context.request.redacted(), context.response)
        self.response_code = context.response.status_code
        self.maybe_sent = maybe_sent
        self.body = context.response.text
        self.message, self.details = _error_fields(context.response.json_or_none())
        super().__init__(self._describe())

    @property
    def status_code(self) -> int:
        """The HTTP status of the response (alias of `response_code`)."""
        return self.response_code

    @property
    def method(self) -> str:
        """The HTTP method of the failed request."""
        return self.context.request.http_method

    @property
    def path(self) -> str:
        """The path of the failed request."""
        return self.context.request.path

    def _describe(self) -> str:
        text = f"{self.method} {self.path} -> HTTP {self.response_code}: {self.reason}"
        if self.message:
            text += f": {self.message}"
        if self.details:
            text += " [" + "; ".join(self.details) + "]"
        if self.maybe_sent:
            text += " (maybe_sent: the request may have been processed; not retried)"
        return text


def _error_fields(data: Any) -> tuple[str | None, list[str]]:
    """Extract `message` and `details` from an error body, tolerating any shape."""
    if not isinstance(data, dict):
        return None, []
    message = data.get("message")
    details = data.get("details")
    text = message if isinstance(message, str) else None
    items = [str(d) for d in details] if isinstance(details, list) else []
    return text, items


class BadRequestError(APIException):
    """HTTP 400: the API rejected the request; nothing of it was processed."""


class AuthenticationError(APIException):
    """HTTP 401 or 403: bad credentials, unknown sub-account, or a feature not enabled."""


class NotFoundError(APIException):
    """HTTP 404: no such message (or it is older than the API's 45-day retention)."""


class RateLimitError(APIException):
    """HTTP 429: the API refused the request without processing it.

    Attributes:
        retry_after: seconds the server asked us to wait, if it said.
    """

    def __init__(
        self, reason: str, context: HttpContext, *, retry_after: float | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(reason, context)


class ServerError(APIException):
    """HTTP 5xx: the API failed; for a send, the messages may or may not have gone out."""


class UnexpectedResponseError(APIException):
    """A success status whose body is empty, truncated, not JSON, or of the wrong shape."""


class TransportError(MessageMediaError):
    """No usable response came back: the connection failed, reset or timed out.

    Instances raised by the transport are also instances of the matching
    `requests.exceptions` class, so code written for the official SDK still catches them.

    Attributes:
        method, path: the request that failed.
        maybe_sent: False when the request provably never left (connect failure).
        attempts: how many times the request was tried.
        failure: the failure kind (see `http.retry`): "connect", "read_timeout", ...
    """

    def __init__(self, reason: str, *, method: str, path: str, maybe_sent: bool,
                 attempts: int = 1, failure: str = "") -> None:  # fmt: skip
        self.reason = redact_url(reason)  # a library's text may quote a proxy URL
        self.failure = failure
        self.method = method
        self.path = path
        self.maybe_sent = maybe_sent
        self.attempts = attempts
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.method} {self.path}: {self.reason}"
        if self.attempts > 1:
            text += f" (after {self.attempts} attempts)"
        if self.maybe_sent:
            text += " (maybe_sent: the request may have reached the server; not retried)"
        return text

    def settle(self, *, attempts: int, maybe_sent: bool) -> None:
        """Record in place the tries made and whether the call may have been acted on."""
        self.attempts, self.maybe_sent = attempts, maybe_sent
        self.args = (self._describe(),)


class APIConnectionError(TransportError):
    """The connection could not be made, or broke before a response arrived."""


class APITimeoutError(TransportError):
    """Connecting or reading took longer than the configured timeout or deadline."""
