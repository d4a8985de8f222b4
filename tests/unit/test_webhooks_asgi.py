"""The ASGI receiver, driven by hand-written receive/send callables (no server, no framework)."""

import asyncio
import functools
import json
import logging
import threading
import time

import pytest
from test_webhooks import (
    BODY,
    DATE,
    DATE_EPOCH,
    DR_BODY,
    HEADERS,
    PATH,
    PUBLIC_KEY,
    Recorder,
    call as wsgi_call,
    key,  # noqa: F401 (the module-scoped RSA key fixture)
    signed_headers,
    spki,
)

from message_media_messages.exceptions import ConfigurationError
from message_media_messages.models import DeliveryReport, Reply
from message_media_messages.webhooks import (
    AsgiWebhookApp,
    make_asgi_app,
    make_wsgi_app,
)


class Peer:
    """The server's side of one ASGI call: scripted `receive` messages, recorded `send`s."""

    def __init__(self, messages=()):
        self.messages, self.sent, self.received = list(messages), [], 0

    async def receive(self):
        if not self.messages:
            raise AssertionError("the app asked for more than the client sent")
        self.received += 1
        return self.messages.pop(0)

    async def send(self, message):
        self.sent.append(message)


def scope_of(headers=(), **changes):
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in dict(headers).items()],
    }
    scope.update(changes)
    return scope


def chunks_of(body, *sizes):
    """`http.request` messages carrying `body`, cut at `sizes` (one message if none)."""
    cuts, start = [], 0
    for size in sizes:
        cuts.append(body[start : start + size])
        start += size
    cuts.append(body[start:])
    return [
        {"type": "http.request", "body": part, "more_body": i < len(cuts) - 1}
        for i, part in enumerate(cuts)
    ]


def run(app, scope, peer):
    asyncio.run(app(scope, peer.receive, peer.send))
    return peer


def call(app, body=b"", headers=(), *, messages=None, length=True, **scope_changes):
    """POST `body` to `app`; return (status, decoded answer, headers) as `wsgi_call` does."""
    headers = dict(headers)
    if length:
        headers.setdefault("Content-Length", str(len(body)))
    peer = run(app, scope_of(headers, **scope_changes), Peer(messages or chunks_of(body)))
    start, end = peer.sent
    assert start["type"] == "http.response.start" and end["type"] == "http.response.body"
    sent = {k.decode(): v.decode() for k, v in start["headers"]}
    assert sent["content-type"] == "application/json"
    assert sent["content-length"] == str(len(end["body"]))
    return start["status"], json.loads(end["body"]), sent


# ------------------------------------------------------------------ accepted callbacks


def test_the_app_accepts_the_signed_vector_and_runs_a_sync_handler_in_a_thread():
    threads = []
    handler = Recorder()
    app = make_asgi_app(
        lambda c: (threads.append(threading.current_thread()), handler(c)),
        public_key=PUBLIC_KEY,
        path=PATH,
    )
    assert call(app, BODY, HEADERS)[:2] == (200, {"ok": True})
    assert [type(c) for c in handler.calls] == [Reply] and handler.calls[0].content == "Hi"
    assert threads and threads[0] is not threading.main_thread()  # asyncio.to_thread


class AsyncRecorder:
    def __init__(self, error=None):
        self.calls, self.error, self.threads = [], error, []

    async def __call__(self, callback):
        await asyncio.sleep(0)
        self.threads.append(threading.current_thread())
        self.calls.append(callback)
        if self.error is not None:
            raise self.error


def test_an_async_handler_is_awaited_on_the_event_loop():
    handler = AsyncRecorder()
    assert call(make_asgi_app(handler), DR_BODY)[:2] == (200, {"ok": True})
    assert isinstance(handler.calls[0], DeliveryReport) and handler.calls[0].billing_units == 1
    assert handler.threads == [threading.main_thread()]


def test_an_async_def_function_and_a_partial_of_one_are_awaited():
    seen = []

    async def handle(callback, tag="plain"):
        await asyncio.sleep(0)
        seen.append((tag, type(callback)))

    assert call(make_asgi_app(handle), DR_BODY)[0] == 200
    assert call(make_asgi_app(functools.partial(handle, tag="partial")), BODY)[0] == 200
    assert seen == [("plain", DeliveryReport), ("partial", Reply)]


@pytest.mark.parametrize(
    "handler", [Recorder(RuntimeError("db down")), AsyncRecorder(RuntimeError("db down"))]
)
def test_a_failing_handler_gets_500_and_is_logged(handler, caplog):
    with caplog.at_level(logging.ERROR, "message_media_messages.webhooks"):
        status, answer, _ = call(make_asgi_app(handler), DR_BODY)
    assert (status, answer) == (500, {"ok": False, "error": "handler failed"})
    assert "db down" in caplog.text and len(handler.calls) == 1


def test_a_slow_sync_handler_does_not_block_the_event_loop():
    ticks = []

    async def main():
        async def ticker():
            while True:
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        task = asyncio.create_task(ticker())
        peer = Peer(chunks_of(DR_BODY))
        app = make_asgi_app(lambda callback: time.sleep(0.3))
        headers = {"Content-Length": str(len(DR_BODY))}
        await app(scope_of(headers), peer.receive, peer.send)
        task.cancel()
        return peer

    peer = asyncio.run(main())
    assert peer.sent[0]["status"] == 200
    assert len(ticks) >= 10  # the loop kept ticking while the handler slept in its thread


# ------------------------------------------------------------------ signatures and paths


@pytest.mark.parametrize(
    ("body", "headers", "scope"),
    [
        (BODY + b" ", HEADERS, {}),
        (BODY, {**HEADERS, "Date": "Wed, 18 Jul 2018 06:33:53 GMT"}, {}),
        (BODY, {k: v for k, v in HEADERS.items() if k != "X-Messagemedia-Signature"}, {}),
        (BODY, {}, {}),
        (BODY, HEADERS, {"http_version": "1.0"}),
        (BODY, HEADERS, {"query_string": b"a=1"}),
    ],
)
def test_the_app_answers_401_when_the_signature_fails(body, headers, scope, caplog):
    handler = Recorder()
    with caplog.at_level(logging.WARNING, "message_media_messages.webhooks"):
        status, answer, _ = call(
            make_asgi_app(handler, public_key=PUBLIC_KEY), body, headers, **scope
        )
    assert (status, answer) == (401, {"ok": False, "error": "signature verification failed"})
    assert handler.calls == [] and "rejected" in caplog.text


def test_the_signed_target_is_raw_path_and_query_else_the_quoted_path(key):  # noqa: F811
    handler = Recorder()
    app = make_asgi_app(handler, public_key=spki(key))

    def signed(target):
        return signed_headers(key, f"POST {target} HTTP/1.1{DATE}".encode() + BODY)

    headers = signed("/hooks/a%20b?x=%2F")
    assert (
        call(
            app, BODY, headers, path="/hooks/a b", raw_path=b"/hooks/a%20b", query_string=b"x=%2F"
        )[0]
        == 200
    )
    # No raw_path (it is optional in ASGI): the decoded path, quoted again.
    assert (
        call(app, BODY, headers, path="/hooks/a b", raw_path=None, query_string=b"x=%2F")[0] == 200
    )
    # raw_path is trusted over path: an encoded slash stays encoded.
    assert call(app, BODY, signed("/a%2Fb"), path="/a/b", raw_path=b"/a%2Fb")[0] == 200
    # A non-ASCII raw path is signed as its UTF-8 text; bytes that are not UTF-8 get 401.
    assert call(app, BODY, signed("/é"), path="/é", raw_path="/é".encode())[0] == 200
    assert call(app, BODY, signed("/é"), path="/é", raw_path=b"/\xe9")[0] == 401
    assert len(handler.calls) == 4


def test_http_2_is_signed_as_http_2(key):  # noqa: F811
    app = make_asgi_app(Recorder(), public_key=spki(key))
    headers = signed_headers(key, f"POST {PATH} HTTP/2{DATE}".encode() + BODY)
    assert call(app, BODY, headers, http_version="2")[0] == 200
    assert call(app, BODY, headers)[0] == 401


def test_the_app_checks_key_id_and_max_age():
    app = AsgiWebhookApp(
        Recorder(),
        public_key=PUBLIC_KEY,
        expected_key_id="key-1",
        max_age=30,
        now=lambda: DATE_EPOCH + 10,
    )
    assert call(app, BODY, HEADERS)[0] == 200
    assert call(app, BODY, {**HEADERS, "X-Messagemedia-Key-Id": "key-2"})[0] == 401
    late = AsgiWebhookApp(
        Recorder(), public_key=PUBLIC_KEY, max_age=30, now=lambda: DATE_EPOCH + 31
    )
    assert call(late, BODY, HEADERS)[0] == 401


def test_the_app_answers_405_to_other_methods_without_reading():
    handler = Recorder()
    for method in ("GET", "PUT", "HEAD", "OPTIONS"):
        status, _, headers = call(
            make_asgi_app(handler), DR_BODY, messages=[object()], method=method
        )
        assert (status, headers["allow"]) == (405, "POST")
    assert handler.calls == []


def test_the_app_answers_404_off_its_path_and_path_includes_the_mount_point():
    handler = Recorder()
    app = make_asgi_app(handler, path="/webhooks/mm")
    assert call(app, DR_BODY, path="/other")[0] == 404
    assert call(app, DR_BODY, path="/webhooks/mm/")[0] == 404
    assert call(app, DR_BODY, path="/other", method="GET")[0] == 404
    # Mounted under /webhooks (Starlette's Mount, uvicorn --root-path): path stays whole.
    assert call(app, DR_BODY, path="/webhooks/mm", root_path="/webhooks")[0] == 200
    assert call(make_asgi_app(handler), DR_BODY, path="/anything")[0] == 200
    assert len(handler.calls) == 2


# ------------------------------------------------------------------ bodies


class Unreadable:
    async def receive(self):
        raise AssertionError("the body must not be read")


def test_the_app_answers_413_over_max_body_without_reading():
    handler = Recorder()
    app = make_asgi_app(handler, max_body=len(DR_BODY))
    assert call(app, DR_BODY)[0] == 200
    peer = Peer()
    headers = {"Content-Length": str(len(DR_BODY) + 1)}
    asyncio.run(app(scope_of(headers), Unreadable().receive, peer.send))
    assert peer.sent[0]["status"] == 413
    assert json.loads(peer.sent[1]["body"]) == {
        "ok": False,
        "error": f"body over {len(DR_BODY)} bytes",
    }
    assert len(handler.calls) == 1


def test_a_chunked_body_is_read_across_messages_up_to_max_body():
    handler = Recorder()
    app = make_asgi_app(handler, max_body=len(DR_BODY))
    chunked = {"Transfer-Encoding": "chunked"}
    assert (
        call(app, DR_BODY, chunked, messages=chunks_of(DR_BODY, 1, 0, 100), length=False)[0] == 200
    )
    # One byte over: 413, and the rest of the body is never asked for.
    peer = Peer(chunks_of(DR_BODY + b" " * 100, len(DR_BODY) + 1, 50))
    run(app, scope_of(chunked), peer)
    assert peer.sent[0]["status"] == 413
    assert json.loads(peer.sent[1]["body"])["error"] == f"body over {len(DR_BODY)} bytes"
    assert (peer.received, len(peer.messages)) == (1, 2)  # two messages left unread
    assert len(handler.calls) == 1


def test_no_length_is_411_on_http_1_but_fine_on_http_2():
    handler = Recorder()
    app = make_asgi_app(handler)
    assert call(app, DR_BODY, length=False)[0] == 411
    assert call(app, DR_BODY, length=False, http_version="2")[0] == 200
    assert len(handler.calls) == 1


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "²", " 10x", "5, 5"])
def test_the_app_answers_400_to_a_bad_content_length(length):
    assert call(make_asgi_app(Recorder()), DR_BODY, {"Content-Length": length})[0] == 400


def test_a_body_shorter_than_content_length_is_400_and_extra_bytes_are_ignored():
    handler = Recorder()
    app = make_asgi_app(handler)
    status, answer, _ = call(app, DR_BODY, {"Content-Length": str(len(DR_BODY) + 5)})
    assert (status, answer["error"]) == (400, "body shorter than Content-Length")
    extra = chunks_of(DR_BODY + b"garbage", len(DR_BODY))
    assert call(app, DR_BODY, messages=extra)[0] == 200
    assert len(handler.calls) == 1


@pytest.mark.parametrize("body", [b"not json", b"[]", b"{}", b'{"reply_id": 5}', b""])
def test_the_app_answers_400_to_a_bad_payload(body):
    handler = Recorder()
    status, answer, _ = call(make_asgi_app(handler), body)
    assert status == 400 and answer["ok"] is False and answer["error"]
    assert handler.calls == []


def test_a_client_that_disconnects_mid_body_gets_nothing_and_reaches_no_handler(caplog):
    handler = Recorder()
    messages = [chunks_of(DR_BODY, 10)[0], {"type": "http.disconnect"}]
    headers = {"Content-Length": str(len(DR_BODY))}
    with caplog.at_level(logging.WARNING, "message_media_messages.webhooks"):
        peer = run(make_asgi_app(handler), scope_of(headers), Peer(messages))
    assert (peer.sent, peer.received, handler.calls) == ([], 2, [])
    assert "disconnected" in caplog.text


# ------------------------------------------------------------------ other scopes


def test_lifespan_startup_and_shutdown_are_confirmed():
    peer = Peer([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    run(make_asgi_app(Recorder()), {"type": "lifespan", "asgi": {"version": "3.0"}}, peer)
    assert peer.sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.complete"},
    ]


def test_a_websocket_is_refused_with_a_close():
    peer = Peer([{"type": "websocket.connect"}])
    run(make_asgi_app(Recorder()), {"type": "websocket", "path": PATH, "headers": []}, peer)
    assert peer.sent == [{"type": "websocket.close", "code": 1008}]


def test_an_unknown_scope_type_raises_as_the_asgi_spec_asks():
    with pytest.raises(ValueError, match="HTTP only, not 'telepathy'"):
        run(make_asgi_app(Recorder()), {"type": "telepathy"}, Peer())


# ------------------------------------------------------------------ construction


def test_a_bad_key_or_max_body_fails_at_construction():
    with pytest.raises(ConfigurationError, match="malformed public key"):
        make_asgi_app(Recorder(), public_key="AAAA")
    with pytest.raises(ConfigurationError):
        make_asgi_app(Recorder(), max_body=-1)


def test_make_asgi_app_passes_its_options():
    handler = AsyncRecorder()
    app = make_asgi_app(
        handler, public_key=PUBLIC_KEY, path="/p", max_body=9, expected_key_id="k", max_age=5.0
    )
    assert isinstance(app, AsgiWebhookApp) and app.handler is handler
    assert (app.public_key, app.path, app.max_body) == (PUBLIC_KEY, "/p", 9)
    assert (app.expected_key_id, app.max_age) == ("k", 5.0)


# ------------------------------------------------------------------ one rule, two apps


SAME_CASES = {
    "signed vector": (BODY, HEADERS, {}),
    "unsigned": (BODY, {}, {}),
    "tampered": (BODY + b" ", HEADERS, {}),
    "delivery report, unsigned": (DR_BODY, {}, {"public_key": None}),
    "not json": (b"{", HEADERS, {"public_key": None}),
    "no id": (b"{}", HEADERS, {"public_key": None}),
    "oversize": (DR_BODY, {}, {"public_key": None, "max_body": 10}),
    "off path": (BODY, HEADERS, {"path": "/elsewhere"}),
    "bad length": (BODY, {**HEADERS, "Content-Length": "x"}, {}),
    "short body": (BODY, {**HEADERS, "Content-Length": "999"}, {}),
    "GET": (BODY, HEADERS, {"method": "GET"}),
}


@pytest.mark.parametrize("case", SAME_CASES)
@pytest.mark.parametrize("failing", [False, True])
def test_the_wsgi_and_the_asgi_app_give_the_same_answers(case, failing):
    body, headers, options = SAME_CASES[case]
    options = {"public_key": PUBLIC_KEY, "path": PATH, **options}
    method = options.pop("method", "POST")
    wsgi_handler, asgi_handler = (Recorder(RuntimeError("x") if failing else None) for _ in "ab")
    environ = {"CONTENT_LENGTH": headers["Content-Length"]} if "Content-Length" in headers else {}
    http_headers = {k: v for k, v in headers.items() if k != "Content-Length"}
    wsgi_app, asgi_app = (
        make_wsgi_app(wsgi_handler, **options),
        make_asgi_app(asgi_handler, **options),
    )
    wsgi = wsgi_call(wsgi_app, body, http_headers, REQUEST_METHOD=method, **environ)
    asgi = call(asgi_app, body, headers, method=method)
    assert asgi[:2] == wsgi[:2]
    assert {k.lower(): v for k, v in wsgi[2].items()} == asgi[2]
    assert len(asgi_handler.calls) == len(wsgi_handler.calls)
