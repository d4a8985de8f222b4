"""No secret (API secret, Basic token, HMAC signature) leaks into logs, errors or reprs."""

from __future__ import annotations

import base64
import json
import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from async_bridge import FLAVOURS

from message_media_messages.exceptions import (
    APIException,
    AuthenticationError,
    MessageMediaError,
    NotFoundError,
    RateLimitError,
    SendMessages400ResponseException,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from message_media_messages.http import auth as mm_auth


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """Every test here runs for the sync client and for the async one (bridged)."""
    return str(request.param)


KEY = "leak-test-key"
SECRET = "Zq9-very-SECRET-value-7731"
WRONG_SECRET = "Wr0ng-SECRET-value-4410"
DEST = "+61491570156"
SIGNATURE = re.compile(r'signature="([^"]+)"')


def one(content="hello", destination=DEST, **fields):
    return {"messages": [{"content": content, "destination_number": destination, **fields}]}


def basic_token(key: str, secret: str) -> str:
    return base64.b64encode(f"{key}:{secret}".encode()).decode()


def run_every_endpoint(client, sandbox) -> None:
    future = datetime.now(timezone.utc) + timedelta(days=1)
    scheduled = client.messages.send_messages(one(scheduled=future)).messages[0]
    client.messages.get_message_status(scheduled.message_id)
    client.messages.cancel_scheduled_message(scheduled.message_id)
    client.messages.check_credits_remaining()
    echo = client.messages.create_send_messages(
        one(content="secret test", destination="+61491570905", delivery_report=True)
    ).messages[0]
    sandbox.advance(to_final=True)
    sandbox.inject_reply(echo.message_id, "a reply")
    reports = client.delivery_reports.get_check_delivery_reports().delivery_reports
    assert len(reports) == 3
    client.delivery_reports.confirm_delivery_reports_as_received(
        {"delivery_report_ids": [r.delivery_report_id for r in reports]}
    )
    replies = client.replies.check_replies().replies
    assert len(replies) == 2  # the 905 auto-reply and the injected one
    client.replies.create_confirm_replies_as_received({"reply_ids": [r.reply_id for r in replies]})


def failing_calls(client, wrong_client, sandbox):
    """One failing call per error family; yields the expected class and the raised error."""
    cases = [
        (ValidationError, lambda: client.messages.send_messages(one(destination="0491570156"))),
        (SendMessages400ResponseException,
         lambda: client.messages.send_messages(one(destination="+61491570999"))),
        (NotFoundError,
         lambda: client.messages.get_message_status("877c19ef-fa2e-4cec-827a-e1df9b5509f7")),
        (AuthenticationError, lambda: client.replies.check_replies(account_header="NOT-MINE")),
        (AuthenticationError, lambda: wrong_client.messages.send_messages(one())),
        (RateLimitError, lambda: (sandbox.fail_next("status", status=429, retry_after=3600),
                                  client.messages.check_credits_remaining())),
        (ServerError, lambda: (sandbox.fail_next("status", status=503, path="/v1/messages"),
                               client.messages.send_messages(one()))),
        (UnexpectedResponseError, lambda: (sandbox.fail_next("malformed_json"),
                                           client.delivery_reports.check_delivery_reports())),
        (TransportError, lambda: (sandbox.fail_next("reset_after", path="/v1/messages"),
                                  client.messages.send_messages(one()))),
        (TransportError, lambda: (sandbox.fail_next("hang", seconds=2, path="/v1/replies"),
                                  client.replies.check_replies())),
    ]  # fmt: skip
    for expected, call in cases:
        with pytest.raises(expected) as caught:
            call()
        yield expected, caught.value


def exception_texts(err: BaseException) -> list[str]:
    texts = [str(err), repr(err), repr(err.args)]
    if isinstance(err, APIException):
        texts += [repr(err.context), repr(err.context.request), repr(err.context.response)]
        texts += [err.body, str(err.message), repr(err.details)]
    return texts


def log_texts(caplog) -> list[str]:
    formatter = logging.Formatter()
    texts = [caplog.text]
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args), str(record.msg)]
        if record.exc_info:
            texts.append(formatter.formatException(record.exc_info))
        if record.exc_text:
            texts.append(record.exc_text)
    return texts


def test_no_secret_leaks(sandbox, make_client, headers_seen, caplog, auth):
    caplog.set_level(logging.DEBUG)  # root
    caplog.set_level(logging.DEBUG, logger="message_media_messages")
    sandbox.add_account(KEY, SECRET)
    client = make_client(
        auth, key=KEY, secret=SECRET, http_call_back=headers_seen, timeout=(1, 0.3), max_retries=0
    )
    wrong = make_client(
        auth, key=KEY, secret=WRONG_SECRET, http_call_back=headers_seen, timeout=(1, 1)
    )

    run_every_endpoint(client, sandbox)
    errors = list(failing_calls(client, wrong, sandbox))
    assert [type(e).__name__ for _, e in errors]  # every family raised
    assert all(isinstance(e, MessageMediaError) for _, e in errors)

    # The secrets: both API secrets, both Basic tokens, every Authorization value and
    # every HMAC signature the clients actually sent.
    authorizations = [a for a in headers_seen.authorizations if a]
    assert len(authorizations) == 9 + 9  # every endpoint call + every failing request
    signatures = [m.group(1) for a in authorizations for m in [SIGNATURE.search(a)] if m]
    if auth == "hmac":
        assert len(signatures) == len(authorizations)
        # The recorded signature is the real one: recompute it from the request as sent.
        request = headers_seen.requests[0]
        expected = mm_auth.hmac_headers(
            KEY, SECRET, request.http_method, request.path, request.body, request.headers["date"]
        )["Authorization"]
        assert authorizations[0] == expected
    else:
        assert signatures == []
        assert f"Basic {basic_token(KEY, SECRET)}" in authorizations
    secrets = {
        SECRET,
        WRONG_SECRET,
        basic_token(KEY, SECRET),
        basic_token(KEY, WRONG_SECRET),
        *authorizations,
        *signatures,
    }

    texts = log_texts(caplog)
    assert any("/v1/messages" in t for t in texts), "DEBUG request lines were expected"
    for _, err in errors:
        texts += exception_texts(err)
    for c in (client, wrong):
        texts += [repr(c), str(c), repr(c.config), str(c.config)]
    texts.append(json.dumps(sandbox.request_log()))  # the sandbox says it drops Authorization

    # Message content only ever at DEBUG.
    loud = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert [t for t in loud if "secret test" in t or "a reply" in t] == []

    leaks = sorted({(secret, text[:120]) for secret in secrets for text in texts if secret in text})
    assert leaks == []
