"""Sandbox lifecycle: steps, scheduling, expiry, magic numbers, DRs, replies and webhooks."""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sandbox_helpers import ApiClient, Receiver, message

from message_media_messages.sandbox import MAGIC_NUMBERS, SandboxServer

STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
DR_FIELDS = {
    "callback_url",
    "delivery_report_id",
    "source_number",
    "date_received",
    "status",
    "delay",
    "submitted_date",
    "original_text",
    "message_id",
    "vendor_account_id",
    "metadata",
    "error_code",
}


def _status(api: ApiClient, message_id: str) -> str:
    return str(api.request("GET", f"/v1/messages/{message_id}").json()["status"])


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_manual_mode_moves_only_on_advance(sandbox: SandboxServer, client: ApiClient) -> None:
    sent = client.send(message()).json()["messages"][0]["message_id"]
    time.sleep(0.2)
    assert _status(client, sent) == "queued"
    seen = []
    for _ in range(4):
        result = sandbox.advance()
        seen.append((_status(client, sent), result["transitions"]))
    assert seen == [("enroute", 1), ("submitted", 1), ("delivered", 1), ("delivered", 0)]
    assert sandbox.advance(steps=0)["transitions"] == 0


@pytest.mark.parametrize(
    ("suffix", "final", "code"),
    [
        ("156", "delivered", "220"),
        ("901", "failed", "400"),
        ("902", "expired", "401"),
        ("903", "rejected", "402"),
        ("904", "failed", "414"),  # the 2026 spec has no "undeliverable"
        ("905", "delivered", "220"),
    ],
)
def test_magic_numbers_and_delivery_reports(
    sandbox: SandboxServer, client: ApiClient, suffix: str, final: str, code: str
) -> None:
    sent = client.send(
        message(
            f"+61491570{suffix}",
            "Hello there, this is long",
            delivery_report=True,
            metadata={"order": "42"},
            callback_url="http://127.0.0.1:9/cb",
        )
    )
    message_id = sent.json()["messages"][0]["message_id"]
    assert sandbox.advance(to_final=True)["transitions"] == 3
    assert _status(client, message_id) == final
    reports = client.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert [(r["status"], r["error_code"]) for r in reports] == [
        ("enroute", "101"),
        ("submitted", "200"),
        (final, code),
    ]
    for report in reports:
        assert set(report) == DR_FIELDS
        assert report["source_number"] == f"+61491570{suffix}"
        assert report["original_text"] == "Hello there, this is long"
        assert report["message_id"] == message_id and report["delay"] == 0
        assert report["metadata"] == {"order": "42"}
        assert report["callback_url"] == "http://127.0.0.1:9/cb"
        assert report["vendor_account_id"] == {
            "vendor_id": "MessageMedia",
            "account_id": "sandbox-key",
        }
        assert STAMP.fullmatch(report["date_received"]) and STAMP.fullmatch(
            report["submitted_date"]
        )
        uuid.UUID(report["delivery_report_id"])
    replies = client.request("GET", "/v1/replies").json()["replies"]
    if suffix == "905":
        assert [r["content"] for r in replies] == ["Auto-reply to: Hello there, this is"]
    else:
        assert replies == []


def test_magic_number_table_is_documented() -> None:
    assert set(MAGIC_NUMBERS) == {"901", "902", "903", "904", "905", "999"}
    assert all(isinstance(text, str) and text for text in MAGIC_NUMBERS.values())
    import message_media_messages.sandbox as package

    assert package.__doc__ is not None
    for suffix in MAGIC_NUMBERS:
        assert f"`{suffix}`" in package.__doc__


SPEC_2026 = Path(__file__).parent / "specs" / "openapi-messages-2026.yaml"


def _spec_statuses() -> set[str]:
    """Every status value the 2026 spec lists (its enums titled Status, read as text)."""
    values: set[str] = set()
    for block in SPEC_2026.read_text(encoding="utf-8").split("title: Status\n")[1:]:
        head = block.split("type: string", 1)[0]
        values |= {ln.strip()[2:] for ln in head.splitlines() if ln.strip().startswith("- ")}
    return values


def test_lifecycle_uses_only_the_2026_spec_statuses(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    spec = _spec_statuses()
    assert "undeliverable" not in spec and {"failed", "held", "read"} <= spec
    numbers = [f"+61491570{suffix}" for suffix in ("156", "901", "902", "903", "904", "905")]
    ids = [
        client.send(message(n, delivery_report=True)).json()["messages"][0]["message_id"]
        for n in numbers
    ]
    later = client.send(message(scheduled="2099-01-01T00:00:00Z")).json()["messages"][0]
    seen = {later["status"], _status(client, later["message_id"])}
    client.request("PUT", f"/v1/messages/{later['message_id']}", {"status": "cancelled"})
    while sandbox.advance()["transitions"]:
        seen |= {_status(client, message_id) for message_id in ids}
    seen |= {_status(client, later["message_id"])}
    reports = client.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    seen |= {report["status"] for report in reports}
    seen |= {stored["status"] for stored in sandbox.messages()}
    assert seen <= spec, seen - spec
    assert {"queued", "scheduled", "cancelled", "enroute", "submitted", "failed"} <= seen
    final = {_status(client, message_id) for message_id in ids}
    assert final == {"delivered", "failed", "expired", "rejected"}


def test_magic_999_rejects_whole_request(sandbox: SandboxServer, client: ApiClient) -> None:
    response = client.send(message(), message("+447700900999"))
    assert response.status == 400
    assert response.json()["details"] == [
        "messages[1].destination_number: destination is not reachable (sandbox magic number 999)"
    ]
    assert sandbox.messages() == [] and sandbox.requests_seen("/v1/messages") == 1


def test_no_reports_without_delivery_report(sandbox: SandboxServer, client: ApiClient) -> None:
    client.send(message(delivery_report=False), message("+61491570905"))
    sandbox.advance(to_final=True)
    assert client.request("GET", "/v1/delivery_reports").json() == {"delivery_reports": []}
    assert len(client.request("GET", "/v1/replies").json()["replies"]) == 1  # replies regardless


def test_reply_swaps_numbers_and_echoes_message(sandbox: SandboxServer, client: ApiClient) -> None:
    with_source, without = client.send(
        message(
            "+61491570905",
            "Ping",
            source_number="+61491570111",
            metadata={"k": "v"},
            callback_url="http://127.0.0.1:9/cb",
        ),
        message("+61491570905", "Pong"),
    ).json()["messages"]
    sandbox.advance(to_final=True)
    first, second = client.request("GET", "/v1/replies").json()["replies"]
    assert first["source_number"] == "+61491570905"
    assert first["destination_number"] == "+61491570111"
    assert first["metadata"] == {"k": "v"} and first["callback_url"] == "http://127.0.0.1:9/cb"
    assert first["message_id"] == with_source["message_id"]
    assert first["vendor_account_id"] == {"vendor_id": "MessageMedia", "account_id": "sandbox-key"}
    assert STAMP.fullmatch(first["date_received"]) and uuid.UUID(first["reply_id"])
    assert "destination_number" not in second and second["message_id"] == without["message_id"]
    assert second["content"] == "Auto-reply to: Pong"


def test_inject_reply_rules(sandbox: SandboxServer, client: ApiClient) -> None:
    sent = client.send(message()).json()["messages"][0]
    with pytest.raises(KeyError):
        sandbox.inject_reply(str(uuid.uuid4()), "hi")
    with pytest.raises(ValueError):
        sandbox.inject_reply(sent["message_id"], "")
    reply = sandbox.inject_reply(sent["message_id"], "STOP")
    assert reply["content"] == "STOP" and reply["source_number"] == sent["destination_number"]


def test_scheduled_messages_wait_for_the_clock(make_sandbox, make_client) -> None:
    wall = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)
    server = make_sandbox(clock=lambda: wall.timestamp())
    api = make_client(server)
    later = api.send(message(scheduled=_iso(wall + timedelta(hours=1)), delivery_report=True))
    past = api.send(message(scheduled="2030-06-01T11:00:00+00:00"))
    offset = api.send(message(scheduled="2030-06-01T21:30:00+10:00"))  # 11:30 UTC: past
    later_id, past_id, offset_id = (
        r.json()["messages"][0]["message_id"] for r in (later, past, offset)
    )
    assert later.json()["messages"][0]["status"] == "queued"  # the 202 always says queued
    assert [_status(api, i) for i in (later_id, past_id, offset_id)] == [
        "scheduled",
        "queued",
        "queued",
    ]
    server.advance(to_final=True)
    assert [_status(api, i) for i in (later_id, past_id)] == ["scheduled", "delivered"]
    assert api.request("GET", "/v1/delivery_reports").json()["delivery_reports"] == []
    result = server.advance(steps=0, seconds=3599)
    assert result["released"] == 0 and _status(api, later_id) == "scheduled"
    result = server.advance(steps=0, seconds=1)
    assert result["released"] == 1 and _status(api, later_id) == "queued"
    assert result["now"] == "2030-06-01T13:00:00.000Z"
    server.advance(seconds=0)
    assert _status(api, later_id) == "enroute"


def test_expiry_timestamp_expires_a_message(make_sandbox, make_client) -> None:
    wall = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)
    server = make_sandbox(clock=lambda: wall.timestamp())
    api = make_client(server)
    sent = api.send(
        message(message_expiry_timestamp=_iso(wall + timedelta(seconds=30)), delivery_report=True)
    ).json()["messages"][0]
    server.advance()
    assert _status(api, sent["message_id"]) == "enroute"
    server.advance(seconds=30)
    assert _status(api, sent["message_id"]) == "expired"
    reports = api.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert [(r["status"], r["error_code"]) for r in reports] == [
        ("enroute", "101"),
        ("expired", "401"),
    ]


def test_reset_drops_state_but_keeps_accounts(sandbox: SandboxServer, make_client) -> None:
    sandbox.add_account("k2", "s2")
    api = make_client(sandbox, key="k2", secret="s2")
    api.send(message(delivery_report=True))
    sandbox.advance(seconds=50)
    sandbox.fail_next("status", path="/v1/replies")
    sandbox.reset()
    assert sandbox.messages() == [] and sandbox.requests_seen() == 0
    assert sandbox.stats()["unconfirmed_delivery_reports"] == 0
    assert sandbox.clock.offset == 0
    assert api.request("GET", "/v1/replies").status == 200  # account kept, fault dropped
    assert api.request("GET", "/v1/messaging/credits").json()["remaining_credits"] == 1_000_000


def test_realtime_mode_steps_by_itself(make_sandbox, make_client) -> None:
    server = make_sandbox(realtime=True, step_seconds=1.0, speed=50.0)  # a step every 20 ms
    api = make_client(server)
    sent = api.send(message(delivery_report=True)).json()["messages"][0]["message_id"]
    scheduled_at = datetime.now(timezone.utc) + timedelta(seconds=5)
    later = api.send(message(scheduled=_iso(scheduled_at))).json()["messages"][0]["message_id"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _status(api, later) != "delivered":
        time.sleep(0.02)
    assert _status(api, sent) == "delivered"
    assert _status(api, later) == "delivered"  # 5 simulated seconds passed in ~0.1 s
    statuses = [
        r["status"] for r in api.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    ]
    assert statuses == ["enroute", "submitted", "delivered"]


def test_webhooks_post_reports_and_replies(make_sandbox, make_client, receiver: Receiver) -> None:
    server = make_sandbox()
    api = make_client(server)
    sent = api.send(
        message("+61491570905", "Hi", delivery_report=True, callback_url=receiver.url),
        message("+61491570156", "No callback", delivery_report=True),
    )
    first_id = sent.json()["messages"][0]["message_id"]
    server.advance(to_final=True)
    reply = server.inject_reply(first_id, "Thanks")
    calls = receiver.wait_for(5)
    assert server.webhooks is not None and server.webhooks.wait_idle(5)
    assert len(calls) == 5  # 3 DRs + the auto-reply + the injected reply; none for message 2
    assert [c["json"].get("status") for c in calls[:3]] == ["enroute", "submitted", "delivered"]
    assert calls[3]["json"]["content"] == "Auto-reply to: Hi"
    assert calls[4]["json"] == reply
    assert all(c["path"] == "/hook" and c["json"]["message_id"] == first_id for c in calls)
    checked = api.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    assert len(checked) == 6
    assert [c["json"] for c in calls[:3]] == [r for r in checked if r["message_id"] == first_id]
    assert "X-Messagemedia-Signature" not in calls[0]["headers"]


def test_signed_webhooks_use_the_configured_key(
    make_sandbox, make_client, receiver: Receiver, rsa_key
) -> None:
    server = make_sandbox(webhook_signing_key=rsa_key)
    api = make_client(server)
    api.send(message(delivery_report=True, callback_url=receiver.url))
    server.advance()
    (call,) = receiver.wait_for(1)
    assert call["headers"]["X-Messagemedia-Cipher-Type"] == "RSA"
    assert call["headers"]["X-Messagemedia-Signature"]
    assert server.webhooks is not None and server.webhooks.public_key_b64


def test_non_loopback_callbacks_are_refused_by_default(make_sandbox, make_client) -> None:
    server = make_sandbox()
    api = make_client(server)
    api.send(message(delivery_report=True, callback_url="https://example.com/hook"))
    server.advance()
    assert server.webhooks is not None
    outcomes = [(d.url, d.outcome) for d in server.webhooks.deliveries]
    assert outcomes == [("https://example.com/hook", "refused")]
