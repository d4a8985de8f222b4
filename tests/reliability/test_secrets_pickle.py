"""Issue 8 item 14: every SDK error round-trips through pickle (process pools), and the
request kept on an error carries no credential (redacted when captured).

The pool tests start real worker processes that call a real sandbox on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import pkgutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
import requests
from async_bridge import FLAVOURS, bridged_client
from secrets_helpers import KEY, SECRET, UNKNOWN_ID, Recorder, basic_token, leaks, one_sms

import message_media_messages
from message_media_messages import MessageMediaMessagesClient
from message_media_messages.exceptions import (
    APIException,
    AuthenticationError,
    JournalError,
    JournalLockedError,
    MessageMediaError,
    NotFoundError,
    Problem,
    RateLimitError,
    TransportError,
    ValidationError,
)
from message_media_messages.http import auth as mm_auth
from message_media_messages.http.http_context import HttpContext
from message_media_messages.http.http_request import HttpRequest
from message_media_messages.http.http_response import HttpResponse
from message_media_messages.sandbox import SandboxServer

AUTH_MODES = {"basic": False, "hmac": True}
REDACTED = "[redacted]"
SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited


def _every_error_class() -> list[type[MessageMediaError]]:
    for module in pkgutil.walk_packages(message_media_messages.__path__, "message_media_messages."):
        importlib.import_module(module.name)
    found, todo = [], [MessageMediaError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


ERROR_CLASSES = _every_error_class()


def _hmac_request() -> HttpRequest:
    body = b'{"messages":[]}'
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    headers.update(mm_auth.hmac_headers(KEY, SECRET, "POST", "/v1/messages", body, "date"))
    return HttpRequest("POST", "/v1/messages", headers, body, "https://api.example.com/v1/messages")


AUTHORIZATION = _hmac_request().headers["Authorization"]
CREDENTIALS = {KEY, SECRET, AUTHORIZATION, AUTHORIZATION.split('signature="')[1].rstrip('"')}


def _instance(cls: type[MessageMediaError]) -> MessageMediaError:
    """An instance of `cls`, built the way the SDK builds it, with every attribute set."""
    if issubclass(cls, APIException):
        response = HttpResponse(404, {"Content-Type": "application/json"}, b'{"message":"no"}')
        context = HttpContext(_hmac_request(), response)
        extra: dict[str, Any] = {"retry_after": 7.5} if issubclass(cls, RateLimitError) else {}
        err: MessageMediaError = cls("not found", context, **extra)
        err.attempts = 3  # type: ignore[attr-defined]  (set after construction by the SDK)
    elif issubclass(cls, TransportError):
        err = cls("boom", method="POST", path="/v1/messages", maybe_sent=True, attempts=2,
                  failure="reset")  # fmt: skip
    elif issubclass(cls, ValidationError):
        err = cls([Problem("destination_number", "must be E.164", 4), Problem("body", "bad")])
    elif issubclass(cls, JournalError):
        err = cls("journal in use", path="/tmp/run.journal")
        if issubclass(cls, JournalLockedError):
            err.holder = "pid 4242 on host-a"  # type: ignore[attr-defined]
    else:
        err = cls("something went wrong")  # type: ignore[call-arg]
    return err


def _state(err: BaseException) -> Any:
    """Everything an error carries, in comparable form."""

    def plain(value: Any) -> Any:
        if isinstance(value, HttpContext):
            req, resp = value.request, value.response
            request = (req.http_method, req.path, dict(req.headers), req.body, req.query_url)
            return (request, (resp.status_code, dict(resp.headers), resp.content))
        return value

    return type(err), err.args, str(err), {k: plain(v) for k, v in vars(err).items()}


def test_the_parametrization_covers_every_family():
    names = {c.__name__ for c in ERROR_CLASSES}
    expected = {"WebhookSignatureError", "WebhookPayloadError", "JournalLockedError",
                "SendMessages400ResponseException", "RateLimitError", "ValidationError",
                "APIConnectionError", "APITimeoutError", "ConfigurationError"}  # fmt: skip
    assert expected <= names
    # ... and the transport's requests-compatible flavours, shown under those public names.
    for flavour in (requests.exceptions.ConnectionError, requests.exceptions.ReadTimeout):
        assert any(issubclass(c, flavour) for c in ERROR_CLASSES)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_every_error_class_round_trips_through_pickle(cls):
    err = _instance(cls)
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(err, protocol)
        back = pickle.loads(data)
        assert _state(back) == _state(err)
        assert leaks(CREDENTIALS, [data]) == []
    if isinstance(err, APIException):
        assert err.context.request.headers["Authorization"] == REDACTED
        assert isinstance(back, cls) and back.status_code == 404 and back.attempts == 3


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        server.add_account(KEY, SECRET)
        yield server


def status_in_worker(url: str, hmac: bool, secret: str) -> None:
    """Runs in a worker process: ask for a message that does not exist (a 404)."""
    with MessageMediaMessagesClient(KEY, secret, hmac, base_uri=url) as client:
        client.messages.get_message_status(UNKNOWN_ID)


@pytest.mark.parametrize("auth", list(AUTH_MODES))
def test_a_404_in_a_process_pool_worker_is_a_not_found_error_in_the_parent(sandbox, auth):
    with ProcessPoolExecutor(1, mp_context=SPAWN) as pool:
        future = pool.submit(status_in_worker, sandbox.url, AUTH_MODES[auth], SECRET)
        with pytest.raises(NotFoundError) as caught:
            future.result(timeout=120)
        # The pool survived the error: it still runs work.
        again = pool.submit(status_in_worker, sandbox.url, AUTH_MODES[auth], "wrong-secret")
        with pytest.raises(AuthenticationError):
            again.result(timeout=120)
    err = caught.value
    assert (err.status_code, err.response_code, err.method) == (404, 404, "GET")
    assert err.path == f"/v1/messages/{UNKNOWN_ID}" and err.body and not err.maybe_sent
    assert err.context.request.headers["Authorization"] == REDACTED


def test_multiprocessing_pool_get_returns_the_error_instead_of_hanging(sandbox):
    with SPAWN.Pool(1) as pool:
        pending = pool.apply_async(status_in_worker, (sandbox.url, True, SECRET))
        with pytest.raises(NotFoundError) as caught:
            pending.get(timeout=120)  # on a failed unpickle this hangs, then times out
    assert caught.value.status_code == 404


@pytest.mark.parametrize("auth", list(AUTH_MODES))
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_errors_keep_no_credential_in_headers_repr_str_or_pickle(sandbox, auth, flavour):
    recorder = Recorder()
    errors: list[APIException] = []
    build = MessageMediaMessagesClient if flavour == "sync" else bridged_client
    for secret in (SECRET, "a-wrong-SECRET-1234"):
        client = build(
            KEY, secret, AUTH_MODES[auth], base_uri=sandbox.url, http_call_back=recorder
        )
        with client, pytest.raises(APIException) as caught:
            if secret == SECRET:
                client.messages.get_message_status(UNKNOWN_ID)
            else:
                client.messages.send_messages(one_sms())
        errors.append(caught.value)
    assert [type(e) for e in errors] == [NotFoundError, AuthenticationError]
    secrets = recorder.secrets() | {"a-wrong-SECRET-1234", basic_token(KEY, "a-wrong-SECRET-1234")}
    assert len(secrets) > 4  # the two signed Authorization values were recorded
    texts: list[str | bytes] = []
    for err in errors:
        request = err.context.request
        assert request.headers["Authorization"] == REDACTED
        assert request.headers["Accept"] == "application/json"  # the rest is kept
        texts += [str(err), repr(err), repr(request), repr(request.headers), pickle.dumps(err)]
        texts += [repr(err.context), str(vars(err))]
    assert leaks(secrets, texts) == []
