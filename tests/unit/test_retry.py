"""The retry decision for every (call kind, failure) pair, through the real request pipeline."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.controllers._answers import Endpoint
from message_media_messages.controllers.base_controller import BaseController
from message_media_messages.exceptions import (
    APIConnectionError,
    APITimeoutError,
    RateLimitError,
    ServerError,
    TransportError,
)
from message_media_messages.http import retry
from message_media_messages.http.http_response import HttpResponse
from message_media_messages.http.retry import RetryPolicy, parse_retry_after

# (method, idempotent) per call kind; sends are the only non-idempotent call.
CALLS = {
    "send": ("POST", False),
    "status": ("GET", True),
    "cancel": ("PUT", True),
    "credits": ("GET", True),
    "check": ("GET", True),
    "confirm": ("POST", True),
}
TRANSPORT_FAILURES = {
    retry.CONNECT: APIConnectionError,
    retry.CONNECT_TIMEOUT: APITimeoutError,
    retry.READ_TIMEOUT: APITimeoutError,
    retry.RESET: APIConnectionError,
}
EXPECTED_RETRY = {  # failure -> retried for sends?, retried for idempotent calls?
    retry.CONNECT: (True, True),
    retry.CONNECT_TIMEOUT: (True, True),
    retry.READ_TIMEOUT: (False, True),
    retry.RESET: (False, True),
    429: (True, True),
    500: (False, True),
    502: (False, True),
    503: (False, True),
    504: (False, True),
    400: (False, False),
    404: (False, False),
    501: (False, False),
}


class Script:
    """A fake transport that fails as told for the first attempts, then answers 200."""

    def __init__(self, failures):
        self.failures = list(failures)
        self.attempts = 0

    def send(self, request, *, timeout):
        self.attempts += 1
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, int):
                headers = {"retry-after": "1"} if failure == 429 else {}
                return HttpResponse(failure, headers, b'{"message":"nope"}')
            cls = TRANSPORT_FAILURES[failure]
            raise cls(
                "scripted",
                method=request.http_method,
                path=request.path,
                maybe_sent=failure not in retry.NEVER_LEFT,
                failure=failure,
            )
        return HttpResponse(200, {}, b'{"ok":true}')


def run(call, failures, max_retries=2):
    method, idempotent = CALLS[call]
    script, sleeps = Script(failures), []
    client = MessageMediaMessagesClient(
        "key",
        "secret",
        transport=script,
        retry_policy=RetryPolicy(max_retries=max_retries, random=lambda: 0.5),
        sleep=sleeps.append,
        clock=lambda: 0.0,
    )
    payload = {"x": 1} if method != "GET" else None
    endpoint = Endpoint(method, "/v1/x", idempotent=idempotent)
    try:
        result = BaseController(client._requestor)._request(endpoint, body=payload)
    except Exception as exc:  # the test inspects what came out
        return exc, script.attempts, sleeps
    return result, script.attempts, sleeps


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("failure", EXPECTED_RETRY)
def test_one_failure_then_success(call, failure):
    retried_send, retried_idempotent = EXPECTED_RETRY[failure]
    expect_retry = retried_idempotent if CALLS[call][1] else retried_send
    outcome, attempts, sleeps = run(call, [failure])
    if expect_retry:
        assert outcome == {"ok": True}
        assert attempts == 2
        assert len(sleeps) == 1
    else:
        assert isinstance(outcome, Exception)
        assert attempts == 1
        assert sleeps == []


@pytest.mark.parametrize("failure", [retry.READ_TIMEOUT, retry.RESET])
def test_a_send_that_may_have_arrived_says_maybe_sent(failure):
    outcome, attempts, _ = run("send", [failure])
    assert isinstance(outcome, TransportError)
    assert outcome.maybe_sent is True
    assert "maybe_sent" in str(outcome)
    assert attempts == 1


def test_a_send_answered_5xx_says_maybe_sent():
    outcome, _, _ = run("send", [503])
    assert isinstance(outcome, ServerError)
    assert outcome.maybe_sent is True
    assert "maybe_sent" in str(outcome)


def test_idempotent_read_timeout_exhausts_retries_without_maybe_sent():
    outcome, attempts, sleeps = run("status", [retry.READ_TIMEOUT] * 5)
    assert isinstance(outcome, APITimeoutError)
    assert attempts == 3
    assert outcome.attempts == 3
    assert outcome.maybe_sent is False
    assert sleeps == [0.375, 0.75]  # 0.5 * 2**n * (0.5 + 0.5/2)


def test_connect_failures_are_never_maybe_sent_even_for_sends():
    outcome, attempts, _ = run("send", [retry.CONNECT] * 5)
    assert isinstance(outcome, APIConnectionError)
    assert attempts == 3
    assert outcome.maybe_sent is False


def test_429_honours_retry_after_and_raises_with_it_when_exhausted():
    outcome, attempts, sleeps = run("send", [429] * 5, max_retries=1)
    assert isinstance(outcome, RateLimitError)
    assert outcome.retry_after == 1.0
    assert attempts == 2
    assert sleeps == [1.0]


def test_max_retries_zero_disables_retrying():
    outcome, attempts, _ = run("status", [503], max_retries=0)
    assert isinstance(outcome, ServerError)
    assert attempts == 1


def test_backoff_doubles_with_jitter_and_is_capped():
    policy = RetryPolicy(max_retries=10, backoff_base=0.5, backoff_max=2.0, random=lambda: 0.0)
    assert [policy.delay(n) for n in range(5)] == [0.25, 0.5, 1.0, 1.0, 1.0]
    high = RetryPolicy(max_retries=10, random=lambda: 0.999)
    assert 0.49 < high.delay(0) < 0.5


def test_retry_after_over_the_cap_is_not_waited_for():
    policy = RetryPolicy(retry_after_max=30.0)
    assert policy.delay(0, retry_after=10.0) == 10.0
    assert policy.delay(0, retry_after=31.0) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 12 ", 12.0),
        ("Wed, 08 Feb 2023 03:00:30 GMT", 30.0),
        ("Wed, 08 Feb 2023 02:59:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("\u00b2", None),  # str.isdigit() says yes; float() says no
        ("\u0661\u0662", None),  # Arabic-Indic digits
        ("\uff19", None),  # fullwidth 9
        ("1.5", None),
        ("-3", None),
        ("+3", None),
        ("9" * 400, None),  # too large for a float
        ("Fri, 31 Dec 99999 23:59:59 GMT", None),  # year out of range
        ("Wed, 08 Feb 2023 03:00:30 -0000", None),  # no zone known
        ("Mon, 01 Jan 0001 00:00:00 +2359", 0.0),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=1675825200.0) == expected


_date_like = st.builds(
    "{}, {} {} {} {}:{}:{} {}".format,
    st.sampled_from(["Mon", "Wed", "Xyz", ""]),
    st.integers(-5, 99),
    st.sampled_from(["Jan", "Feb", "Dec", "Foo", ""]),
    st.one_of(st.integers(-(10**6), 10**6), st.text(max_size=5)),
    st.integers(-3, 99),
    st.integers(-3, 99),
    st.integers(-3, 99),
    st.one_of(
        st.sampled_from(["GMT", "UTC", "-0000", "+2359", "-9999", "EST"]), st.text(max_size=6)
    ),
)


@settings(max_examples=2000, deadline=None)
@given(
    value=st.one_of(
        st.none(), st.text(), _date_like, st.text(st.characters(categories=["Nd", "No"]))
    ),
    now=st.floats(0, 4e9),
)
def test_no_retry_after_value_ever_raises(value, now):
    wait = parse_retry_after(value, now)
    assert wait is None or (math.isfinite(wait) and wait >= 0)
