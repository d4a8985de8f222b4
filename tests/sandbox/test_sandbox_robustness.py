"""The sandbox under hostile input and load: never a 500, never a hang, no errors under load."""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sandbox_helpers import ApiClient, message, raw_exchange

from message_media_messages.sandbox import SandboxServer

AUTH = "Basic " + base64.b64encode(b"sandbox-key:sandbox-secret").decode()
GOOD = json.dumps({"messages": [message()]}).encode()


def _request(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: sandbox"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


MALFORMED: list[tuple[str, bytes]] = [
    ("garbage", b"\x00\x01\x02 nonsense\r\n\r\n"),
    ("no version", b"GET /v1/replies\r\n\r\n"),
    ("bad version", b"GET /v1/replies HTTP/9.9\r\n\r\n"),
    ("http/1.0", b"GET /v1/replies HTTP/1.0\r\nAuthorization: " + AUTH.encode() + b"\r\n\r\n"),
    ("unknown method", _request("BREW", "/v1/messages", [("Authorization", AUTH)])),
    ("huge header", _request("GET", "/v1/replies", [("X-Big", "a" * 70_000)])),
    ("many headers", _request("GET", "/v1/replies", [(f"X-{i}", "v") for i in range(150)])),
    ("content-length abc", _request("POST", "/v1/messages", [("Content-Length", "abc")], GOOD)),
    ("content-length -1", _request("POST", "/v1/messages", [("Content-Length", "-1")], GOOD)),
    ("content-length unicode digits", _request("POST", "/v1/messages", [("Content-Length", "١٢")])),
    (
        "two content-lengths",
        _request(
            "POST", "/v1/messages", [("Content-Length", "3"), ("Content-Length", "4")], b"abcd"
        ),
    ),
    ("content-length too big", _request("POST", "/v1/messages", [("Content-Length", "9" * 30)])),
    (
        "chunked",
        _request(
            "POST", "/v1/messages", [("Transfer-Encoding", "chunked")], b"5\r\nhello\r\n0\r\n\r\n"
        ),
    ),
    (
        "short body",
        _request(
            "POST", "/v1/messages", [("Content-Length", "500"), ("Authorization", AUTH)], b"{"
        ),
    ),
    (
        "no content-length",
        _request(
            "POST", "/v1/messages", [("Authorization", AUTH), ("Content-Type", "application/json")]
        ),
    ),
    ("absolute target", _request("GET", "http://sandbox/v1/replies", [("Authorization", AUTH)])),
    ("odd target", _request("GET", "http://[::1/v1", [("Authorization", AUTH)])),
    ("nul in path", _request("GET", "/v1/messages/%00\x7f", [("Authorization", AUTH)])),
    ("latin-1 header", _request("GET", "/v1/replies", [("Authorization", "Basic \xe9\xe9")])),
    ("hmac junk", _request("GET", "/v1/replies", [("Authorization", 'hmac username="x"' * 500)])),
    (
        "bad date",
        _request(
            "GET",
            "/v1/replies",
            [
                (
                    "Authorization",
                    'hmac username="sandbox-key", algorithm="hmac-sha1", '
                    'headers="date request-line", signature="x"',
                ),
                ("Date", "Mon, 99 Foo 99999 99:99:99 GMT"),
            ],
        ),
    ),
    (
        "control junk",
        _request("POST", "/_sandbox/faults", [("Content-Length", "5")], b"\xff\xfe\x00[["),
    ),
    (
        "control deep",
        _request("POST", "/_sandbox/advance", [("Content-Length", "50000")], b"[" * 50_000),
    ),
    (
        "put no body",
        _request("PUT", "/v1/messages/x", [("Authorization", AUTH), ("Content-Length", "0")]),
    ),
]


@pytest.mark.parametrize(("name", "data"), MALFORMED, ids=[n for n, _ in MALFORMED])
def test_malformed_input_never_500(sandbox: SandboxServer, name: str, data: bytes) -> None:
    answer = raw_exchange(sandbox, data)
    status_line = answer.split(b"\r\n", 1)[0]
    if answer:  # a bare close is fine for a request too short to answer
        assert status_line.startswith(b"HTTP/1."), (name, answer[:200])
        status = int(status_line.split()[1])
        assert (status != 500 and 400 <= status < 600) or status == 200, (name, status_line)
    else:
        assert name == "short body"
    assert sandbox.stats()["server_errors"] == 0
    assert ApiClient(sandbox.url, sandbox.api_key, sandbox.api_secret).send(message()).status == 202


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "content",
    "destination_number",
    "format",
    "metadata",
    "media",
    "subject",
    "scheduled",
    "source_number",
    "source_number_type",
    "callback_url",
    "delivery_report",
    "message_expiry_timestamp",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        JSON,
        st.fixed_dictionaries(
            {
                "messages": st.lists(
                    st.dictionaries(
                        st.sampled_from(FIELDS), JSON | st.text(max_size=30), max_size=8
                    ),
                    max_size=3,
                )
            }
        ),
    )
)
def test_fuzzed_send_bodies_are_202_or_400(client: ApiClient, body: Any) -> None:
    response = client.request("POST", "/v1/messages", body)
    assert response.status in (202, 400), response.body
    payload = response.json()
    if response.status == 400:
        assert isinstance(payload["message"], str) and payload["details"]
        assert all(isinstance(d, str) for d in payload["details"])
    else:
        assert len(payload["messages"]) == len(body["messages"])


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.binary(max_size=300),
    path=st.sampled_from(
        [
            "/v1/messages",
            "/v1/delivery_reports/confirmed",
            "/v1/replies/confirmed",
            "/v1/messages/x",
        ]
    ),
)
def test_fuzzed_raw_bodies_never_500(client: ApiClient, raw: bytes, path: str) -> None:
    method = "PUT" if path == "/v1/messages/x" else "POST"
    response = client.request(method, path, raw=raw)
    assert response.status in (202, 400, 404), (raw, response.body)


def test_concurrent_keep_alive_clients(sandbox: SandboxServer) -> None:
    threads, per_thread = 16, 200
    errors: list[str] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def worker(index: int) -> None:
        scheme = "hmac" if index % 2 else "basic"
        api = ApiClient(sandbox.url, sandbox.api_key, sandbox.api_secret, scheme=scheme)
        local: Counter[int] = Counter()
        try:
            last_id = None
            for step in range(per_thread):
                kind = step % 4
                if kind == 0:
                    response = api.send(
                        message(f"+6149157{index:02d}{step % 100:02d}", delivery_report=True)
                    )
                    last_id = response.json()["messages"][0]["message_id"]
                elif kind == 1:
                    response = api.request("GET", f"/v1/messages/{last_id}")
                elif kind == 2:
                    response = api.request("GET", "/v1/delivery_reports")
                else:
                    response = api.request("GET", "/v1/messaging/credits")
                local[response.status] += 1
        except Exception as exc:
            errors.append(f"{index}: {exc!r}")
        finally:
            api.close()
        with lock:
            statuses.update(local)

    def stepper(stop: threading.Event) -> None:
        while not stop.is_set():
            sandbox.advance()

    stop = threading.Event()
    background = threading.Thread(target=stepper, args=(stop,))
    background.start()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(60)
    stop.set()
    background.join(10)
    assert errors == []
    sends = threads * per_thread // 4
    assert statuses == Counter({202: sends, 200: threads * per_thread - sends})
    assert sandbox.requests_seen() == threads * per_thread
    assert len(sandbox.messages()) == sends
    stats = sandbox.stats()
    assert stats["server_errors"] == 0 and stats["auth_failures"] == 0
    credits = ApiClient(sandbox.url, sandbox.api_key, sandbox.api_secret)
    assert credits.request("GET", "/v1/messaging/credits").json() == {
        "remaining_credits": 1_000_000 - sends
    }


def test_unexpected_error_is_a_logged_json_500(
    sandbox: SandboxServer, client: ApiClient, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    def explode(request: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(sandbox.app, "handle", explode)
    with caplog.at_level("ERROR", logger="message_media_messages.sandbox"):
        response = client.request("GET", "/v1/replies")
    assert response.status == 500
    assert response.json()["message"] == "Internal sandbox error."
    assert "boom" not in response.body.decode()  # no internals on the wire
    assert any("unexpected error" in r.getMessage() and r.exc_info for r in caplog.records)
    assert sandbox.stats()["server_errors"] == 1
    monkeypatch.undo()
    assert client.request("GET", "/v1/replies").status == 200  # the server lives on
