"""The transport seam: a client sends through any object with `send(request, *, timeout)`."""

import pytest

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.exceptions import APIConnectionError, NotFoundError
from message_media_messages.http import retry
from message_media_messages.http.http_response import HttpResponse

STATUS = b'{"message_id":"m-1","status":"delivered","content":"hi"}'


class Recorder:
    """A transport that records what it is given and answers from a script."""

    def __init__(self, *answers):
        self.answers, self.seen, self.closed = list(answers), [], False

    def send(self, request, *, timeout):
        self.seen.append((request.http_method, request.path, dict(request.headers), timeout))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self):
        self.closed = True


def client_over(transport, **settings):
    return MessageMediaMessagesClient(
        "key", "secret", transport=transport, sleep=lambda s: None, **settings
    )


def test_every_call_goes_through_the_given_transport_with_its_timeout():
    transport = Recorder(HttpResponse(200, {}, STATUS))
    with client_over(transport, timeout=(2.0, 7.0), base_uri="https://h.test/prefix") as client:
        found = client.messages.get_message_status("m-1")
    assert found.message_id == "m-1"
    method, path, headers, timeout = transport.seen[0]
    assert (method, path, timeout) == ("GET", "/prefix/v1/messages/m-1", (2.0, 7.0))
    assert headers["Authorization"].startswith("Basic ")
    assert transport.closed


def test_the_request_url_is_built_when_read():
    seen = []

    class Keep(Recorder):
        def send(self, request, *, timeout):
            seen.append(request)
            return super().send(request, timeout=timeout)

    client_over(
        Keep(HttpResponse(200, {}, b"{}")), base_uri="https://h.test"
    ).messages.check_credits_remaining()
    assert seen[0].query_url == "https://h.test/v1/messaging/credits"


def test_a_transport_error_is_retried_by_the_policy_and_counted():
    never_left = APIConnectionError(
        "scripted", method="GET", path="/v1/x", maybe_sent=False, failure=retry.CONNECT
    )
    transport = Recorder(never_left, HttpResponse(404, {}, b'{"message":"no"}'))
    with pytest.raises(NotFoundError) as caught:
        client_over(transport).messages.get_message_status("m-1")
    assert caught.value.attempts == 2
    assert len(transport.seen) == 2


def test_a_transport_without_close_is_fine():
    class Bare:
        def send(self, request, *, timeout):
            return HttpResponse(200, {}, b"{}")

    client = client_over(Bare())
    assert client.messages.check_credits_remaining() == {}
    client.close()
