"""Sandbox fault injection: every kind, matching and ordering, counters and request records."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import pytest
from sandbox_helpers import ApiClient, control, message

from message_media_messages.sandbox import SandboxServer

CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, OSError)


def test_status_fault_with_retry_after(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("status", status=503, retry_after=2, path="/v1/messages")
    response = client.send(message())
    assert response.status == 503
    assert response.headers["retry-after"] == "2"
    assert set(response.json()) == {"message", "details"}
    assert sandbox.messages() == []  # not processed
    assert client.send(message()).status == 202  # consumed; the same connection still works
    sandbox.fail_next("status", status=429, retry_after=0.5)
    limited = client.request("GET", "/v1/replies")
    assert (limited.status, limited.headers["retry-after"]) == (429, "0.5")
    sandbox.fail_next("status")
    default = client.request("GET", "/v1/replies")
    assert default.status == 500 and "retry-after" not in default.headers


def test_reset_before_and_after(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("reset_before", path="/v1/messages")
    with pytest.raises(CONNECTION_ERRORS):
        client.send(message())
    assert sandbox.messages() == []
    sandbox.fail_next("reset_after", path="/v1/messages")
    with pytest.raises(CONNECTION_ERRORS):
        client.send(message())
    assert [m["status"] for m in sandbox.messages()] == ["queued"]  # processed, unanswered
    assert client.send(message()).status == 202
    assert sandbox.requests_seen("/v1/messages") == 3
    assert [r["fault"] for r in sandbox.request_log()] == ["reset_before", "reset_after", None]


@pytest.mark.parametrize("process", [False, True])
def test_hang_blocks_only_its_own_connection(
    sandbox: SandboxServer, make_client, process: bool
) -> None:
    sandbox.fail_next("hang", seconds=2.0, process=process, path="/v1/messages", method="POST")
    slow = make_client(sandbox, timeout=0.3)
    other = make_client(sandbox)
    done = threading.Event()
    errors: list[BaseException] = []

    def hang() -> None:
        try:
            slow.send(message())
        except BaseException as exc:
            errors.append(exc)
        done.set()

    thread = threading.Thread(target=hang)
    thread.start()
    time.sleep(0.05)
    started = time.monotonic()
    assert other.request("GET", "/v1/messaging/credits").status == 200
    assert time.monotonic() - started < 1.0  # other connections are not blocked
    thread.join(5)
    assert done.is_set() and isinstance(errors[0], (TimeoutError, socket.timeout))
    assert len(sandbox.messages()) == (1 if process else 0)


def test_hang_then_close_without_answer(sandbox: SandboxServer, make_client) -> None:
    sandbox.fail_next("hang", seconds=0.2)
    api = make_client(sandbox, timeout=5)
    started = time.monotonic()
    with pytest.raises(CONNECTION_ERRORS):
        api.request("GET", "/v1/replies")
    assert 0.15 < time.monotonic() - started < 3


def test_truncate_announces_full_length(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("truncate", path="/v1/messages")
    with pytest.raises(http.client.IncompleteRead):
        client.send(message())
    assert len(sandbox.messages()) == 1  # processed
    # an empty body cannot be cut: half the status line is sent instead
    sandbox.fail_next("truncate", path="/v1/delivery_reports/confirmed")
    with pytest.raises(CONNECTION_ERRORS):
        client.request("POST", "/v1/delivery_reports/confirmed", {"delivery_report_ids": []})


def test_malformed_json_keeps_status(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("malformed_json", path="/v1/messages")
    response = client.send(message())
    assert response.status == 202
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.body)
    assert len(sandbox.messages()) == 1
    sandbox.fail_next("malformed_json")
    confirm = client.request("POST", "/v1/replies/confirmed", {"reply_ids": []})
    assert confirm.status == 202 and confirm.body == b'{"messages": ['
    assert client.request("GET", "/v1/replies").json() == {"replies": []}


@pytest.mark.parametrize("status", [None, 504])
def test_html_error_page(sandbox: SandboxServer, client: ApiClient, status: int | None) -> None:
    opts = {} if status is None else {"status": status}
    sandbox.fail_next("html", path="/v1/messages", **opts)
    response = client.send(message())
    assert response.status == (status or 502)
    assert response.headers["content-type"].startswith("text/html")
    assert response.body.startswith(b"<!DOCTYPE html>")
    assert sandbox.messages() == []


def test_empty_body(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("empty", path="/v1/messages")
    response = client.send(message())
    assert (response.status, response.body, response.headers["content-length"]) == (202, b"", "0")
    assert len(sandbox.messages()) == 1


def test_trickle_sends_one_byte_at_a_time(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("trickle", interval=0.01, path="/v1/messaging/credits")
    started = time.monotonic()
    response = client.request("GET", "/v1/messaging/credits")
    elapsed = time.monotonic() - started
    assert response.json() == {"remaining_credits": 1_000_000}
    assert elapsed >= len(response.body) * 0.01 * 0.8
    sandbox.fail_next("trickle", path="/v1/messaging/credits")  # default interval 0.05 s
    started = time.monotonic()
    again = client.request("GET", "/v1/messaging/credits")
    assert again.status == 200 and time.monotonic() - started >= len(again.body) * 0.05 * 0.8


def test_count_order_path_and_method_matching(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("status", count=2, status=500, path="/v1/replies")
    sandbox.fail_next("status", status=503, path="/v1/replies")
    sandbox.fail_next("status", status=502, path="/v1/messages", method="GET")
    assert client.request("GET", "/v1/messaging/credits").status == 200  # other path
    assert client.send(message()).status == 202  # POST: method does not match
    statuses = [client.request("GET", "/v1/replies").status for _ in range(4)]
    assert statuses == [500, 500, 503, 200]
    message_id = sandbox.messages()[0]["message_id"]
    assert client.request("GET", f"/v1/messages/{message_id}").status == 502  # prefix match
    assert client.request("GET", f"/v1/messages/{message_id}").status == 200


def test_control_endpoints_are_never_faulted(sandbox: SandboxServer, client: ApiClient) -> None:
    sandbox.fail_next("reset_before")
    assert control(sandbox, "GET", "/_sandbox/messages").status == 200
    assert control(sandbox, "POST", "/_sandbox/advance", {}).status == 200
    assert sandbox.requests_seen() == 0
    with pytest.raises(CONNECTION_ERRORS):
        client.request("GET", "/v1/replies")
    assert sandbox.requests_seen() == 1


def test_bad_faults_are_rejected(sandbox: SandboxServer) -> None:
    bad = [
        ("bogus", {}),
        ("status", {"status": 99}),
        ("status", {"count": 0}),
        ("status", {"colour": "red"}),
        ("hang", {"seconds": -1}),
        ("trickle", {"interval": "x"}),
        ("status", {"path": "v1"}),
        ("status", {"retry_after": -2}),
        ("html", {"status": True}),
        ("reset_before", {"seconds": 1}),
        ("hang", {"process": "yes"}),
    ]
    for kind, opts in bad:
        with pytest.raises(ValueError):
            sandbox.fail_next(kind, **opts)
    assert sandbox.app.faults.pending() == []


def test_requests_seen_and_request_log(sandbox: SandboxServer, make_client) -> None:
    sandbox.add_account(sandbox.api_key, sandbox.api_secret, sub_accounts=["sub"])
    basic = make_client(sandbox, account="sub")
    signed = make_client(sandbox, scheme="hmac")
    basic.send(message())
    signed.request("GET", "/v1/replies")
    make_client(sandbox, secret="bad").request("GET", "/v1/replies")
    basic.request("GET", "/v1/nowhere")
    assert sandbox.requests_seen() == 4
    assert sandbox.requests_seen("/v1/replies") == 2
    assert sandbox.requests_seen("/v1/messages") == 1
    log = sandbox.request_log()
    assert [(r["method"], r["path"], r["account"], r["auth_scheme"], r["status"]) for r in log] == [
        ("POST", "/v1/messages", "sub", "basic", 202),
        ("GET", "/v1/replies", "sandbox-key", "hmac", 200),
        ("GET", "/v1/replies", None, "basic", 401),
        ("GET", "/v1/nowhere", None, "basic", 404),  # claimed, unverified
    ]
    for record in log:
        assert "authorization" not in {name.lower() for name in record["headers"]}
    assert log[0]["headers"]["Account"] == "sub"
    assert "x-Content-MD5" not in log[1]["headers"] and "date" in log[1]["headers"]
    assert [r["path"] for r in sandbox.request_log("/v1/replies")] == ["/v1/replies"] * 2
