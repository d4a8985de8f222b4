"""A real webhook receiver (wsgiref over TCP) fed callbacks signed by the sandbox's dispatcher."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from message_media_messages.models import DeliveryReport, Reply
from message_media_messages.sandbox import SandboxServer
from message_media_messages.sandbox._webhooks import WebhookDispatcher
from message_media_messages.webhooks import WebhookSignatureError, make_wsgi_app, verify_signature

DELIVERY_REPORT = {
    "callback_url": "http://127.0.0.1/webhooks/mm",
    "delivery_report_id": "693e87f2-a553-4281-9ffe-ddf04cbc4bf3",
    "source_number": "+61491570156",
    "date_received": "2016-11-03T11:49:02.807Z",
    "status": "delivered",
    "delay": 0,
    "billing_units": 1,
    "submitted_date": "2016-11-03T11:49:01.551Z",
    "original_text": "Hello world! é ✓",
    "message_id": "389dc1a8-62a4-4110-ba61-af94806c006f",
    "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "MyAccount"},
    "error_code": "220",
    "metadata": {"key": "value"},
}
REPLY = {
    "callback_url": "http://127.0.0.1/webhooks/mm",
    "content": "Yes please 👍",
    "date_received": "2016-11-03T11:50:00.000Z",
    "destination_number": "+61491570157",
    "message_id": "389dc1a8-62a4-4110-ba61-af94806c006f",
    "metadata": {"key": "value"},
    "reply_id": "a175e797-2b54-468b-9850-41a3eab32f74",
    "source_number": "+61491570156",
    "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "MyAccount"},
}
WAIT = 20.0


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class Receiver:
    """make_wsgi_app served by wsgiref on an ephemeral loopback port, in a thread."""

    def __init__(self, **options):
        self.received = []
        self.app = make_wsgi_app(self.received.append, path="/webhooks/mm", **options)
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=QuietHandler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, query=""):
        return f"http://127.0.0.1:{self.server.server_port}/webhooks/mm{query}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(WAIT)


class RawReceiver:
    """Records every POST as it arrived: request target, protocol, headers, raw body."""

    def __init__(self):
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    (self.path, self.request_version, dict(self.headers), body)
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, target):
        return f"http://127.0.0.1:{self.server.server_port}{target}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(WAIT)


@pytest.fixture(scope="module")
def signing_key(rsa_key):
    return rsa_key


@pytest.fixture(scope="module")
def other_key(make_rsa_key):
    return make_rsa_key()


@pytest.fixture
def receiver_for():
    made = []

    def make(**options):
        receiver = Receiver(**options)
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


def deliver(dispatcher, url, payloads):
    try:
        for payload in payloads:
            dispatcher.post(url, payload)
        assert dispatcher.wait_idle(WAIT)
        return dispatcher.deliveries
    finally:
        dispatcher.close(WAIT)


@pytest.mark.parametrize("digest", ["SHA224", "SHA256", "SHA512"])
def test_signed_callbacks_reach_the_handler_as_typed_models(receiver_for, signing_key, digest):
    dispatcher = WebhookDispatcher(signing_key=signing_key, digest=digest, key_id="key-7")
    receiver = receiver_for(
        public_key=dispatcher.public_key_b64, expected_key_id="key-7", max_age=300
    )
    records = deliver(dispatcher, receiver.url("?tenant=a%20b&x=1"), [DELIVERY_REPORT, REPLY])

    assert [(r.outcome, r.status, r.attempts, r.signed) for r in records] == [
        ("delivered", 200, 1, True)
    ] * 2
    report, reply = receiver.received
    assert isinstance(report, DeliveryReport) and isinstance(reply, Reply)
    assert report.delivery_report_id == DELIVERY_REPORT["delivery_report_id"]
    assert report.billing_units == 1 and report.error_code == "220"
    assert report.original_text == "Hello world! é ✓"
    assert report.vendor_account_id.account_id == "MyAccount"
    assert reply.reply_id == REPLY["reply_id"] and reply.content == "Yes please 👍"
    assert reply.to_dictionary() == REPLY


def test_the_pem_form_of_the_key_works_over_the_wire(receiver_for, rsa_key_pem):
    dispatcher = WebhookDispatcher(signing_key=rsa_key_pem, digest="SHA256")
    pem = f"-----BEGIN PUBLIC KEY-----\n{dispatcher.public_key_b64}\n-----END PUBLIC KEY-----"
    receiver = receiver_for(public_key=pem)
    records = deliver(dispatcher, receiver.url(), [REPLY])
    assert [r.outcome for r in records] == ["delivered"]
    assert [type(c) for c in receiver.received] == [Reply]


@pytest.mark.parametrize("digest", ["SHA224", "SHA256", "SHA512"])
def test_callbacks_signed_by_another_key_get_401(receiver_for, signing_key, other_key, digest):
    expected = WebhookDispatcher(signing_key=signing_key, digest=digest)
    receiver = receiver_for(public_key=expected.public_key_b64)
    expected.close(WAIT)
    impostor = WebhookDispatcher(
        signing_key=other_key, digest=digest, max_attempts=1, backoff=0.001
    )
    records = deliver(impostor, receiver.url(), [DELIVERY_REPORT, REPLY])

    assert [(r.outcome, r.status, r.attempts) for r in records] == [("failed", 401, 1)] * 2
    assert receiver.received == []


def test_unsigned_callbacks_get_401_and_are_retried(receiver_for, signing_key):
    receiver = receiver_for(public_key=WebhookDispatcher(signing_key=signing_key).public_key_b64)
    unsigned = WebhookDispatcher(max_attempts=2, backoff=0.001)
    records = deliver(unsigned, receiver.url(), [REPLY])
    assert [(r.outcome, r.status, r.attempts, r.signed) for r in records] == [
        ("failed", 401, 2, False)
    ]
    assert receiver.received == []


def test_a_wrong_key_id_gets_401(receiver_for, signing_key):
    dispatcher = WebhookDispatcher(signing_key=signing_key, key_id="old", max_attempts=1)
    receiver = receiver_for(public_key=dispatcher.public_key_b64, expected_key_id="new")
    records = deliver(dispatcher, receiver.url(), [REPLY])
    assert [(r.outcome, r.status) for r in records] == [("failed", 401)]
    assert receiver.received == []


def test_a_receiver_without_a_key_takes_unsigned_callbacks(receiver_for):
    receiver = receiver_for()
    records = deliver(WebhookDispatcher(), receiver.url(), [DELIVERY_REPORT])
    assert [(r.outcome, r.status, r.signed) for r in records] == [("delivered", 200, False)]
    assert [type(c) for c in receiver.received] == [DeliveryReport]


def test_a_wrong_path_gets_404(receiver_for, signing_key):
    dispatcher = WebhookDispatcher(signing_key=signing_key, max_attempts=1)
    receiver = receiver_for(public_key=dispatcher.public_key_b64)
    url = receiver.url().replace("/webhooks/mm", "/webhooks/other")
    records = deliver(dispatcher, url, [REPLY])
    assert [(r.outcome, r.status) for r in records] == [("failed", 404)]
    assert receiver.received == []


@pytest.fixture
def signing_sandbox(rsa_key_pem):
    """A sandbox that signs its webhooks with `rsa_key_pem`."""
    with SandboxServer(webhook_signing_key=rsa_key_pem) as server:
        yield server


def test_the_sdk_verifier_accepts_what_the_sandbox_signs(make_client, sms, signing_sandbox):
    raw = RawReceiver()
    try:
        client = make_client(server=signing_sandbox)
        callback = raw.url("/hooks/mm?tenant=a%20b")
        client.messages.send_messages(sms(delivery_report=True, callback_url=callback))
        signing_sandbox.advance(to_final=True)
        assert signing_sandbox.webhooks.wait_idle(WAIT)
    finally:
        raw.close()
    dispatcher = signing_sandbox.webhooks
    assert [(d.outcome, d.signed) for d in dispatcher.deliveries] == [("delivered", True)] * 3
    assert len(raw.requests) == 3
    for path, version, headers, body in raw.requests:
        assert path == "/hooks/mm?tenant=a%20b"
        check = dict(
            method="POST",
            path=path,
            http_version=version,
            public_key=dispatcher.public_key_b64,
            expected_key_id=dispatcher.key_id,
            max_age=300,
        )
        verify_signature(headers=headers, body=body, **check)  # accepted: no exception
        tampered = body.replace(b'"status":"', b'"status":"x')
        assert tampered != body
        with pytest.raises(WebhookSignatureError, match="does not match"):
            verify_signature(headers=headers, body=tampered, **check)


def test_the_sdk_receiver_app_takes_the_sandbox_delivery_reports(
    make_client, sms, signing_sandbox, receiver_for
):
    dispatcher = signing_sandbox.webhooks
    receiver = receiver_for(public_key=dispatcher.public_key_b64, expected_key_id=dispatcher.key_id)
    client = make_client(server=signing_sandbox)
    sent = client.messages.send_messages(sms(delivery_report=True, callback_url=receiver.url()))
    signing_sandbox.advance(to_final=True)
    assert dispatcher.wait_idle(WAIT)
    assert [(d.outcome, d.status) for d in dispatcher.deliveries] == [("delivered", 200)] * 3
    assert [type(c) for c in receiver.received] == [DeliveryReport] * 3
    assert [c.status for c in receiver.received] == ["enroute", "submitted", "delivered"]
    assert {c.message_id for c in receiver.received} == {sent.messages[0].message_id}
