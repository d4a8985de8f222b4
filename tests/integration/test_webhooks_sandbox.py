"""Real webhook receivers fed callbacks signed by the sandbox's dispatcher: the WSGI app on
wsgiref and the ASGI app (sync and async handler) on uvicorn, over TCP on 127.0.0.1."""

import http.client
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import uvicorn

from message_media_messages.models import DeliveryReport, Reply
from message_media_messages.sandbox import SandboxServer
from message_media_messages.sandbox._webhooks import WebhookDispatcher
from message_media_messages.webhooks import (
    WebhookSignatureError,
    make_asgi_app,
    make_wsgi_app,
    verify_signature,
)

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
KINDS = ["wsgi", "asgi-sync", "asgi-async"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class WsgirefServer:
    """A WSGI app served by wsgiref on an ephemeral loopback port, in a thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
        self.port = self.server.server_port
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(WAIT)


class UvicornServer:
    """An ASGI app served by uvicorn (lifespan on) on an ephemeral loopback port, in a thread."""

    def __init__(self, app):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + WAIT
        while not self.server.started:  # set once lifespan startup completed
            assert self.thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def close(self):
        self.server.should_exit = True
        self.thread.join(WAIT)
        self.socket.close()


class Receiver:
    """make_wsgi_app on wsgiref, or make_asgi_app on uvicorn with a sync or async handler.

    Every callback the handler gets is kept in `received`; `fail = True` makes it raise.
    """

    def __init__(self, kind, path="/webhooks/mm", handler=None, **options):
        self.received, self.fail = [], False

        def record(callback):
            self.received.append(callback)
            if self.fail:
                raise RuntimeError("handler down")

        async def record_async(callback):
            record(callback)

        handler = handler or (record_async if kind == "asgi-async" else record)
        if kind == "wsgi":
            self.server = WsgirefServer(make_wsgi_app(handler, path=path, **options))
        else:
            self.server = UvicornServer(make_asgi_app(handler, path=path, **options))

    def url(self, query=""):
        return f"http://127.0.0.1:{self.server.port}/webhooks/mm{query}"

    def close(self):
        self.server.close()


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


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


@pytest.fixture
def receiver_for(kind):
    made = []

    def make(**options):
        receiver = Receiver(kind, **options)
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


# -- the same inputs, the same answers: raw requests, signed by the sandbox's dispatcher ----


def signed_by(dispatcher, target, body):
    """The headers the sandbox's dispatcher sends with `body` to `target` (signed if keyed)."""
    return dispatcher._headers(target, body)


def exchange(port, method, target, body, headers):
    """One request over a fresh connection; (status, raw answer body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def without_length(port, target, headers):
    """A POST with neither Content-Length nor Transfer-Encoding (http.client always adds one)."""
    lines = [f"POST {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


DR_BYTES = json.dumps(DELIVERY_REPORT).encode()
REPLY_BYTES = json.dumps(REPLY).encode()
# case: (method, path, body, how signed, receiver options, status, callbacks handled)
CASES = {
    "good delivery report": ("POST", "/webhooks/mm", DR_BYTES, "key", {}, 200, 1),
    "good reply": ("POST", "/webhooks/mm", REPLY_BYTES, "key", {}, 200, 1),
    "bad signature": ("POST", "/webhooks/mm", REPLY_BYTES, "other key", {}, 401, 0),
    "missing headers": ("POST", "/webhooks/mm", REPLY_BYTES, "unsigned", {}, 401, 0),
    "wrong path": ("POST", "/webhooks/other", REPLY_BYTES, "key", {}, 404, 0),
    "wrong method": ("GET", "/webhooks/mm", b"", "key", {}, 405, 0),
    "oversize": ("POST", "/webhooks/mm", DR_BYTES, "key", {"max_body": 100}, 413, 0),
    "malformed JSON": ("POST", "/webhooks/mm", DR_BYTES[:-1], "key", {}, 400, 0),
    "no id": ("POST", "/webhooks/mm", b'{"status":"delivered"}', "key", {}, 400, 0),
    "handler raising": ("POST", "/webhooks/mm", DR_BYTES, "key", {"fail": True}, 500, 1),
    "no Content-Length": ("POST", "/webhooks/mm", None, "key", {}, 411, 0),
}


@pytest.mark.parametrize("case", CASES)
def test_the_same_request_gets_the_same_answer_from_every_receiver(
    receiver_for, signing_key, other_key, case
):
    method, target, body, signer, options, status, handled = CASES[case]
    options = dict(options)
    fail = options.pop("fail", False)
    expected = WebhookDispatcher(signing_key=signing_key)
    receiver = receiver_for(public_key=expected.public_key_b64, **options)
    receiver.fail = fail
    sender = {
        "key": expected,
        "other key": WebhookDispatcher(signing_key=other_key),
        "unsigned": WebhookDispatcher(),
    }[signer]
    headers = signed_by(sender, target, body or b"")
    try:
        if body is None:
            got = without_length(receiver.server.port, target, headers)
        else:
            got, answer = exchange(receiver.server.port, method, target, body, headers)
            assert json.loads(answer)["ok"] is (status == 200)
    finally:
        for dispatcher in {expected, sender}:
            dispatcher.close(WAIT)
    assert got == status
    assert len(receiver.received) == handled


# -- what only an ASGI server does -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["asgi-sync", "asgi-async"])
def test_a_chunked_callback_is_read_across_messages_and_cut_off_past_max_body(receiver_for):
    receiver = receiver_for(max_body=len(DR_BYTES))
    parts = [DR_BYTES[:7], DR_BYTES[7:200], DR_BYTES[200:]]
    headers = {"Content-Type": "application/json"}  # http.client chunks an iterable body
    port = receiver.server.port
    assert exchange(port, "POST", "/webhooks/mm", iter(parts), headers)[0] == 200
    assert exchange(port, "POST", "/webhooks/mm", iter([*parts, b" "]), headers)[0] == 413
    assert [c.delivery_report_id for c in receiver.received] == [
        DELIVERY_REPORT["delivery_report_id"]
    ]


@pytest.mark.parametrize("kind", ["asgi-sync"])
def test_a_blocking_sync_handler_does_not_hold_up_the_next_callback(receiver_for):
    # Each handler call waits for the other: had the first one blocked the event loop, the
    # second request would never be read, the barrier would break and both would get 500.
    barrier = threading.Barrier(2, timeout=WAIT / 2)
    receiver = receiver_for(handler=lambda callback: barrier.wait())
    results = []

    def post():
        results.append(exchange(receiver.server.port, "POST", "/webhooks/mm", DR_BYTES, {})[0])

    posters = [threading.Thread(target=post) for _ in range(2)]
    for poster in posters:
        poster.start()
    for poster in posters:
        poster.join(WAIT)
    assert results == [200, 200]
