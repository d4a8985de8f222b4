"""The eight Messages API endpoints of the sandbox, over raw HTTP (API.md section 1.2)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sandbox_helpers import ApiClient, message

from message_media_messages.sandbox import DEFAULT_API_KEY, DEFAULT_API_SECRET, SandboxServer

SCHEDULED = "2099-01-01T00:00:00.000Z"


def test_defaults_and_url(sandbox: SandboxServer) -> None:
    assert (sandbox.api_key, sandbox.api_secret) == (DEFAULT_API_KEY, DEFAULT_API_SECRET)
    assert (DEFAULT_API_KEY, DEFAULT_API_SECRET) == ("sandbox-key", "sandbox-secret")
    assert sandbox.url == f"http://127.0.0.1:{sandbox.port}" and sandbox.port > 0


def test_send_echoes_each_message_with_id_and_queued(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    first = message(
        callback_url="https://example.com/cb",
        delivery_report=True,
        metadata={"k": "v"},
        scheduled=SCHEDULED,
        message_expiry_timestamp="2099-01-02T00:00:00+10:00",
        source_number="+61491570157",
        source_number_type="INTERNATIONAL",
        extra="ignored",
    )
    mms = message("+61491570158", format="MMS", media=["https://x.test/a.png"], subject="S")
    response = client.send(first, mms)
    assert response.status == 202
    assert response.headers["content-type"].startswith("application/json")
    echoed = response.json()["messages"]
    assert len(echoed) == 2
    for sent, got in zip((first, mms), echoed, strict=True):
        assert got["status"] == "queued"
        assert str(uuid.UUID(got["message_id"])) == got["message_id"]
        for key, value in sent.items():
            if key != "extra":
                assert got[key] == value
    assert "extra" not in echoed[0]
    assert echoed[0]["scheduled"] == SCHEDULED  # echoed as sent, not reformatted
    assert echoed[0]["message_expiry_timestamp"] == "2099-01-02T00:00:00+10:00"
    assert echoed[1]["format"] == "MMS" and echoed[0]["format"] == "SMS"
    assert echoed[1]["delivery_report"] is False  # the API's default
    stored = sandbox.messages()
    assert [m["message_id"] for m in stored] == [m["message_id"] for m in echoed]
    assert [m["status"] for m in stored] == ["scheduled", "queued"]
    assert {m["account"] for m in stored} == {DEFAULT_API_KEY}


def test_get_status_shows_current_status(sandbox: SandboxServer, client: ApiClient) -> None:
    sent = client.send(message(metadata={"a": "b"})).json()["messages"][0]
    first = client.request("GET", f"/v1/messages/{sent['message_id']}")
    assert first.status == 200
    assert first.json() == {**sent, "status": "queued"}
    sandbox.advance()
    assert client.request("GET", f"/v1/messages/{sent['message_id']}").json()["status"] == "enroute"


def test_get_unknown_message_is_404(client: ApiClient) -> None:
    for message_id in (str(uuid.uuid4()), "not-a-uuid"):
        response = client.request("GET", f"/v1/messages/{message_id}")
        assert response.status == 404
        assert response.json() == {"message": "Resource not found."}


def test_cancel_scheduled_message(sandbox: SandboxServer, client: ApiClient) -> None:
    sent = client.send(message(scheduled=SCHEDULED)).json()["messages"][0]
    path = f"/v1/messages/{sent['message_id']}"
    assert client.request("GET", path).json()["status"] == "scheduled"
    response = client.request("PUT", path, {"status": "cancelled"})
    assert response.status == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["message_id"] == sent["message_id"]
    assert client.request("GET", path).json()["status"] == "cancelled"
    due = datetime.fromisoformat(SCHEDULED.replace("Z", "+00:00")).timestamp()
    sandbox.advance(to_final=True, seconds=due - sandbox.clock.now() + 60)  # past its time
    assert client.request("GET", path).json()["status"] == "cancelled"
    again = client.request("PUT", path, {"status": "cancelled"})
    assert again.status == 400
    assert again.json()["details"] == [
        "status: the message is cancelled; only scheduled messages can be cancelled"
    ]


def test_cancel_rules(client: ApiClient) -> None:
    queued = client.send(message()).json()["messages"][0]
    path = f"/v1/messages/{queued['message_id']}"
    not_scheduled = client.request("PUT", path, {"status": "cancelled"})
    assert not_scheduled.status == 400
    assert set(not_scheduled.json()) == {"message", "details"}
    assert "queued" in not_scheduled.json()["details"][0]
    wrong_body = client.request("PUT", path, {"status": "delivered"})
    assert wrong_body.status == 400
    assert wrong_body.json()["details"] == ['status: must be "cancelled"']
    missing = client.request("PUT", f"/v1/messages/{uuid.uuid4()}", {"status": "cancelled"})
    assert missing.status == 404 and missing.json() == {"message": "Resource not found."}


def test_credits_start_configurable_and_cost_one_per_message(make_sandbox, make_client) -> None:
    server = make_sandbox(initial_credits=5)
    api = make_client(server)
    assert api.request("GET", "/v1/messaging/credits").json() == {"remaining_credits": 5}
    assert api.send(message(), message("+61491570157")).status == 202
    assert api.request("GET", "/v1/messaging/credits").json() == {"remaining_credits": 3}
    rejected = api.send(message("+61491570999"))
    assert rejected.status == 400
    assert api.request("GET", "/v1/messaging/credits").json() == {"remaining_credits": 3}


def test_default_credits_are_one_million(client: ApiClient) -> None:
    assert client.request("GET", "/v1/messaging/credits").json() == {"remaining_credits": 1_000_000}


def test_out_of_credits_is_accepted_then_rejected(make_sandbox, make_client) -> None:
    server = make_sandbox(initial_credits=1)
    api = make_client(server)
    ok, broke = api.send(message(delivery_report=True), message(delivery_report=True)).json()[
        "messages"
    ]
    server.advance(to_final=True)
    assert api.request("GET", f"/v1/messages/{ok['message_id']}").json()["status"] == "delivered"
    assert api.request("GET", f"/v1/messages/{broke['message_id']}").json()["status"] == "rejected"
    finals = [
        r
        for r in api.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
        if r["message_id"] == broke["message_id"] and r["status"] == "rejected"
    ]
    assert [r["error_code"] for r in finals] == ["301"]
    assert api.request("GET", "/v1/messaging/credits").json() == {"remaining_credits": 0}


def test_check_and_confirm_delivery_reports(sandbox: SandboxServer, client: ApiClient) -> None:
    assert client.request("GET", "/v1/delivery_reports").json() == {"delivery_reports": []}
    client.send(*[message(f"+6149157{i:04d}", delivery_report=True) for i in range(40)])
    client.send(message(delivery_report=False))
    sandbox.advance(to_final=True)  # 40 messages x 3 reports
    first = client.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert len(first) == 100
    assert [r["status"] for r in first[:3]] == ["enroute"] * 3  # oldest first
    again = client.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert again == first  # unconfirmed reports come back
    confirm = client.request(
        "POST",
        "/v1/delivery_reports/confirmed",
        {"delivery_report_ids": [r["delivery_report_id"] for r in first[:99]] + ["unknown-id"]},
    )
    assert confirm.status == 202 and confirm.body == b""
    assert confirm.headers["content-length"] == "0"
    rest = client.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert len(rest) == 21
    assert rest[0] == first[99]
    assert {r["status"] for r in rest[1:]} == {"delivered"}


def test_check_and_confirm_replies(sandbox: SandboxServer, client: ApiClient) -> None:
    assert client.request("GET", "/v1/replies").json() == {"replies": []}
    sent = client.send(message(source_number="+61491570111")).json()["messages"][0]
    reply = sandbox.inject_reply(sent["message_id"], "Yes please")
    listed = client.request("GET", "/v1/replies").json()["replies"]
    assert listed == [reply]
    assert reply["content"] == "Yes please"
    confirm = client.request("POST", "/v1/replies/confirmed", {"reply_ids": [reply["reply_id"]]})
    assert confirm.status == 202 and confirm.body == b""
    assert client.request("GET", "/v1/replies").json() == {"replies": []}


def test_unknown_path_404_and_wrong_method_405(client: ApiClient) -> None:
    for path in ("/", "/v1", "/v1/messages/a/b", "/v2/messages", "/v1/messaging"):
        response = client.request("GET", path)
        assert response.status == 404, path
        assert response.json() == {"message": "Resource not found."}
    cases = [
        ("GET", "/v1/messages", "POST"),
        ("DELETE", "/v1/messages/x", "GET, PUT"),
        ("POST", "/v1/messaging/credits", "GET"),
        ("GET", "/v1/replies/confirmed", "POST"),
        ("PATCH", "/v1/delivery_reports", "GET"),
    ]
    for method, path, allowed in cases:
        response = client.request(method, path, {} if method != "GET" else None)
        assert response.status == 405, (method, path)
        assert response.headers["allow"] == allowed
        body = response.json()
        assert set(body) == {"message", "details"} and allowed in body["details"][0]


def test_head_gets_headers_without_body(sandbox: SandboxServer, client: ApiClient) -> None:
    response = client.request("HEAD", "/v1/messaging/credits")
    assert response.status == 405 and response.body == b""
    assert int(response.headers["content-length"]) > 0
    assert client.request("GET", "/v1/messaging/credits").status == 200  # connection still fine
