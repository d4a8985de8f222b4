"""The /_sandbox/ control endpoints over HTTP, the Python control API, and the CLI."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sandbox_helpers import ApiClient, control, message

from message_media_messages.sandbox import SandboxServer, main

ROOT = Path(__file__).resolve().parents[2]


def test_advance_endpoint(sandbox: SandboxServer, client: ApiClient) -> None:
    message_id = client.send(message()).json()["messages"][0]["message_id"]
    one = control(sandbox, "POST", "/_sandbox/advance", {})
    assert one.status == 200 and one.json()["transitions"] == 1
    assert sandbox.messages()[0]["status"] == "enroute"
    final = control(sandbox, "POST", "/_sandbox/advance", {"to_final": True})
    assert final.json()["transitions"] == 2
    assert client.request("GET", f"/v1/messages/{message_id}").json()["status"] == "delivered"
    before = sandbox.clock.now()
    moved = control(sandbox, "POST", "/_sandbox/advance", {"seconds": 120, "steps": 0})
    assert moved.status == 200 and sandbox.clock.now() - before >= 120
    assert control(sandbox, "POST", "/_sandbox/advance").status == 200  # empty body = {}


@pytest.mark.parametrize(
    "body",
    [
        {"steps": -1},
        {"steps": "2"},
        {"steps": True},
        {"to_final": "yes"},
        {"seconds": -5},
        {"seconds": "soon"},
        [1],
        "x",
    ],
)
def test_advance_rejects_bad_input(sandbox: SandboxServer, body: object) -> None:
    response = control(sandbox, "POST", "/_sandbox/advance", body)
    assert response.status == 400 and response.json()["details"]


def test_reply_endpoint(sandbox: SandboxServer, client: ApiClient) -> None:
    message_id = client.send(message(callback_url="http://127.0.0.1:9/x")).json()["messages"][0][
        "message_id"
    ]
    created = control(
        sandbox, "POST", "/_sandbox/replies", {"message_id": message_id, "content": "Sure"}
    )
    assert created.status == 201
    reply = created.json()
    assert reply["content"] == "Sure" and reply["message_id"] == message_id
    assert client.request("GET", "/v1/replies").json()["replies"] == [reply]
    missing = control(
        sandbox, "POST", "/_sandbox/replies", {"message_id": str(uuid.uuid4()), "content": "x"}
    )
    assert missing.status == 404
    for body in (
        {"message_id": message_id, "content": ""},
        {"content": "x"},
        {"message_id": message_id},
    ):
        assert control(sandbox, "POST", "/_sandbox/replies", body).status == 400


def test_faults_endpoint(sandbox: SandboxServer, client: ApiClient) -> None:
    added = control(
        sandbox,
        "POST",
        "/_sandbox/faults",
        {"kind": "status", "count": 2, "path": "/v1/replies", "status": 503, "retry_after": 1},
    )
    assert added.status == 201
    assert added.json()["fault"] == {
        "kind": "status",
        "remaining": 2,
        "path": "/v1/replies",
        "method": None,
        "status": 503,
        "retry_after": 1.0,
    }
    assert control(sandbox, "GET", "/_sandbox/faults").json()["faults"][0]["remaining"] == 2
    assert [client.request("GET", "/v1/replies").status for _ in range(3)] == [503, 503, 200]
    assert control(sandbox, "GET", "/_sandbox/faults").json() == {"faults": []}
    for body in (
        {"kind": "nope"},
        {"count": 1},
        {"kind": "status", "status": "x"},
        {"kind": "hang", "seconds": 1e9},
        {"kind": "status", "weird": 1},
    ):
        assert control(sandbox, "POST", "/_sandbox/faults", body).status == 400


def test_messages_stats_requests_and_reset(sandbox: SandboxServer, make_client) -> None:
    sandbox.add_account("k2", "s2")
    make_client(sandbox).send(message())
    make_client(sandbox, key="k2", secret="s2").send(message(), message("+61491570157"))
    listed = control(sandbox, "GET", "/_sandbox/messages").json()["messages"]
    assert [m["account"] for m in listed] == ["sandbox-key", "k2", "k2"]
    assert all(m["status"] == "queued" and uuid.UUID(m["message_id"]) for m in listed)
    stats = control(sandbox, "GET", "/_sandbox/stats").json()
    assert stats["requests"] == 2 and stats["messages"] == 3
    records = control(sandbox, "GET", "/_sandbox/requests").json()["requests"]
    assert [r["account"] for r in records] == ["sandbox-key", "k2"]
    reset = control(sandbox, "POST", "/_sandbox/reset", {})
    assert reset.status == 200
    assert control(sandbox, "GET", "/_sandbox/messages").json() == {"messages": []}
    assert make_client(sandbox, key="k2", secret="s2").request("GET", "/v1/replies").status == 200


def test_control_routing_errors(sandbox: SandboxServer) -> None:
    assert control(sandbox, "GET", "/_sandbox/nope").status == 404
    wrong = control(sandbox, "GET", "/_sandbox/reset")
    assert wrong.status == 405 and wrong.headers["allow"] == "POST"
    bad_json = ApiClient(sandbox.url, "", "").request(
        "POST", "/_sandbox/advance", raw=b"{nope", auth=False
    )
    assert bad_json.status == 400


def test_lifecycle_api_errors_and_restart() -> None:
    server = SandboxServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    with server:
        with pytest.raises(RuntimeError):
            server.start()
        first_url = server.url
    server.stop()  # idempotent
    with server:
        assert (
            ApiClient(server.url, server.api_key, server.api_secret)
            .request("GET", "/v1/replies")
            .status
            == 200
        )
    assert first_url.startswith("http://127.0.0.1:")
    with pytest.raises(ValueError):
        SandboxServer(speed=0)
    with pytest.raises(ValueError):
        SandboxServer(accounts={"bad:key": "s"})
    with pytest.raises(ValueError):
        server.advance(steps=-1)


def test_stop_closes_idle_keep_alive_connections(sandbox: SandboxServer, client: ApiClient) -> None:
    assert client.request("GET", "/v1/replies").status == 200
    sandbox.stop()
    with pytest.raises((ConnectionError, OSError, http.client.HTTPException)):
        client.request("GET", "/v1/replies")  # the idle keep-alive connection was closed
    with pytest.raises(ConnectionError):
        ApiClient(f"http://127.0.0.1:{sandbox.port}", "k", "s").request("GET", "/v1/replies")


def test_cli_runs_until_interrupted(tmp_path: Path, rsa_key_pem: bytes) -> None:
    pem = tmp_path / "key.pem"
    pem.write_bytes(rsa_key_pem)
    command = [
        sys.executable,
        "-m",
        "message_media_messages.sandbox",
        "--port",
        "0",
        "--api-key",
        "cli-key",
        "--api-secret",
        "cli-secret",
        "--speed",
        "20",
        "--signing-key-pem",
        str(pem),
        "--sub-account",
        "team",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(4)]
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0])
        assert match, banner
        assert "cli-key" in banner[1] and "cli-secret" in banner[2] and "realtime" in banner[3]
        api = ApiClient(match.group(1), "cli-key", "cli-secret", account="team")
        sent = api.send(message()).json()["messages"][0]["message_id"]
        deadline = time.monotonic() + 5
        while api.request("GET", f"/v1/messages/{sent}").json()["status"] != "delivered":
            assert time.monotonic() < deadline, "realtime lifecycle did not finish"
            time.sleep(0.05)
        api.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_main_reports_bad_arguments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--signing-key-pem", str(tmp_path / "missing.pem"), "--port", "0"]) == 2
    assert "sandbox:" in capsys.readouterr().err
    (tmp_path / "bad.pem").write_text("not a key")
    assert main(["--signing-key-pem", str(tmp_path / "bad.pem"), "--port", "0"]) == 2
    assert "sandbox: cannot load the webhook signing key" in capsys.readouterr().err
    with SandboxServer() as busy:
        assert main(["--port", str(busy.port)]) == 1
    assert "cannot listen" in capsys.readouterr().err
