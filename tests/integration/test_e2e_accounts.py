"""Sub-accounts, key isolation and authentication failures, in both auth modes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.exceptions import AuthenticationError, NotFoundError
from message_media_messages.http import auth as mm_auth
from message_media_messages.sandbox import SandboxServer

DEST = "+61491570156"
PARENT_KEY, PARENT_SECRET = "parent-key", "parent-secret-0123456789"
OTHER_KEY, OTHER_SECRET = "other-key", "other-secret-9876543210"


def body(content: str, **fields):
    return {"messages": [{"content": content, "destination_number": DEST, **fields}]}


@pytest.fixture
def parent(sandbox):
    sandbox.add_account(PARENT_KEY, PARENT_SECRET, sub_accounts=["SUB1", "SUB2"])
    return sandbox


def test_sub_accounts_see_only_their_own(parent, make_client, auth):
    sub1 = make_client(auth, key=PARENT_KEY, secret=PARENT_SECRET, account_id="SUB1")
    top = make_client(auth, key=PARENT_KEY, secret=PARENT_SECRET)

    m1 = sub1.messages.send_messages(body("one", delivery_report=True)).messages[0]
    m2 = top.messages.send_messages(body("two", delivery_report=True), account_header="SUB2")
    m2 = m2.messages[0]
    m0 = top.messages.send_messages(body("zero", delivery_report=True)).messages[0]

    owners = {m["message_id"]: m["account"] for m in parent.messages()}
    assert owners == {m1.message_id: "SUB1", m2.message_id: "SUB2", m0.message_id: PARENT_KEY}
    sends = parent.request_log("/v1/messages")
    assert [(e["account"], e["auth_scheme"]) for e in sends] == [
        ("SUB1", auth),
        ("SUB2", auth),
        (PARENT_KEY, auth),
    ]
    assert [e["headers"].get("Account") for e in sends] == ["SUB1", "SUB2", None]

    # Status: each account sees its own message only.
    assert sub1.messages.get_message_status(m1.message_id).content == "one"
    assert top.messages.get_message_status(m2.message_id, account_header="SUB2").content == "two"
    with pytest.raises(NotFoundError):
        sub1.messages.get_message_status(m2.message_id)
    with pytest.raises(NotFoundError):
        top.messages.get_message_status(m1.message_id)

    # Delivery reports and replies.
    parent.advance(to_final=True)
    for message in (m0, m1, m2):
        parent.inject_reply(message.message_id, f"re: {message.content}")
    reports1 = sub1.delivery_reports.check_delivery_reports().delivery_reports
    reports2 = top.delivery_reports.check_delivery_reports(account_header="SUB2").delivery_reports
    reports0 = top.delivery_reports.check_delivery_reports().delivery_reports
    assert {r.message_id for r in reports1} == {m1.message_id}
    assert {r.message_id for r in reports2} == {m2.message_id}
    assert {r.message_id for r in reports0} == {m0.message_id}
    assert {r.vendor_account_id.account_id for r in reports1} == {"SUB1"}
    replies1 = sub1.replies.check_replies().replies
    replies2 = top.replies.check_replies(account_header="SUB2").replies
    assert [r.content for r in replies1] == ["re: one"]
    assert [r.content for r in replies2] == ["re: two"]
    assert [r.content for r in top.replies.check_replies().replies] == ["re: zero"]

    # Confirming in one sub-account leaves the other's untouched.
    sub1.delivery_reports.confirm_delivery_reports_as_received(
        {"delivery_report_ids": [r.delivery_report_id for r in reports1]}
    )
    sub1.replies.confirm_replies_as_received({"reply_ids": [r.reply_id for r in replies1]})
    assert sub1.delivery_reports.check_delivery_reports().delivery_reports == []
    assert sub1.replies.check_replies().replies == []
    still = top.delivery_reports.check_delivery_reports(account_header="SUB2").delivery_reports
    assert len(still) == len(reports2)
    assert len(top.replies.check_replies(account_header="SUB2").replies) == 1

    # Credits are the sub-account's.
    assert (
        sub1.messages.check_credits_remaining()["remaining_credits"]
        == (top.messages.check_credits_remaining(account_header="SUB2")["remaining_credits"])
    )
    assert parent.request_log("/v1/messaging/credits")[0]["account"] == "SUB1"
    assert parent.stats()["auth_failures"] == 0


def test_per_call_account_header_overrides_the_clients(parent, make_client, auth):
    sub1 = make_client(auth, key=PARENT_KEY, secret=PARENT_SECRET, account_id="SUB1")
    echo = sub1.messages.send_messages(body("moved"), account_header="SUB2").messages[0]
    assert parent.messages()[0]["account"] == "SUB2"
    assert parent.request_log()[-1]["headers"]["Account"] == "SUB2"
    with pytest.raises(NotFoundError):
        sub1.messages.get_message_status(echo.message_id)
    status = sub1.messages.get_message_status(echo.message_id, account_header="SUB2")
    assert status.status == "queued"


@pytest.mark.parametrize("how", ["client", "call"])
def test_unknown_account_is_403(parent, make_client, auth, how):
    if how == "client":
        client = make_client(auth, key=PARENT_KEY, secret=PARENT_SECRET, account_id="NOPE")
        call = {}
    else:
        client = make_client(auth, key=PARENT_KEY, secret=PARENT_SECRET)
        call = {"account_header": "NOPE"}
    with pytest.raises(AuthenticationError) as caught:
        client.messages.send_messages(body("nope"), **call)
    assert caught.value.status_code == 403
    assert caught.value.response_code == 403
    with pytest.raises(AuthenticationError):
        client.delivery_reports.check_delivery_reports(**call)
    assert parent.messages() == []
    assert parent.stats()["auth_failures"] == 2


def test_sub_account_of_another_key_is_403(parent, make_client, auth):
    """The default key may not act for the parent key's sub-accounts."""
    client = make_client(auth)
    with pytest.raises(AuthenticationError) as caught:
        client.messages.check_credits_remaining(account_header="SUB1")
    assert caught.value.status_code == 403
    assert parent.request_log()[-1]["account"] is None


def test_two_api_keys_are_isolated(sandbox, make_client, auth):
    sandbox.add_account(OTHER_KEY, OTHER_SECRET)
    mine = make_client(auth)
    theirs = make_client(auth, key=OTHER_KEY, secret=OTHER_SECRET)
    echo = mine.messages.send_messages(body("private", delivery_report=True)).messages[0]
    sandbox.advance(to_final=True)
    sandbox.inject_reply(echo.message_id, "hello")

    with pytest.raises(NotFoundError) as caught:
        theirs.messages.get_message_status(echo.message_id)
    assert caught.value.status_code == 404
    assert theirs.delivery_reports.check_delivery_reports().delivery_reports == []
    assert theirs.replies.check_replies().replies == []
    assert len(mine.delivery_reports.check_delivery_reports().delivery_reports) == 3
    assert len(mine.replies.check_replies().replies) == 1
    # Cancelling someone else's message is "not found", not a cancel.
    with pytest.raises(NotFoundError):
        theirs.messages.cancel_scheduled_message(echo.message_id)
    mine_left = mine.messages.check_credits_remaining()["remaining_credits"]
    theirs_left = theirs.messages.check_credits_remaining()["remaining_credits"]
    assert theirs_left - mine_left == 1
    accounts = {e["account"] for e in sandbox.request_log()}
    assert accounts == {sandbox.api_key, OTHER_KEY}


def test_wrong_secret_is_an_authentication_error(sandbox, make_client, auth):
    client = make_client(auth, secret="not-the-secret")
    with pytest.raises(AuthenticationError) as caught:
        client.messages.send_messages(body("denied"))
    err = caught.value
    assert err.status_code == err.response_code == 401
    assert "POST /v1/messages" in str(err)
    with pytest.raises(AuthenticationError):
        client.messages.get_message_status("877c19ef-fa2e-4cec-827a-e1df9b5509f7")
    assert sandbox.messages() == []
    assert sandbox.stats()["auth_failures"] == 2
    assert [e["auth_scheme"] for e in sandbox.request_log()] == [auth, auth]
    assert sandbox.requests_seen() == 2  # an auth failure is not retried


def test_hmac_with_a_tampered_signature_fails(sandbox, make_client, headers_seen):
    """A signature made with the wrong secret is refused; the right one is accepted."""
    good = make_client("hmac", http_call_back=headers_seen)
    good.messages.check_credits_remaining()
    bad = make_client("hmac", secret=sandbox.api_secret + "x")
    with pytest.raises(AuthenticationError):
        bad.messages.check_credits_remaining()
    log = sandbox.request_log()
    assert [(e["status"], e["auth_scheme"]) for e in log] == [(200, "hmac"), (401, "hmac")]
    assert headers_seen.authorizations[0].startswith(f'hmac username="{sandbox.api_key}"')


def test_unknown_key_is_an_authentication_error(sandbox, make_client, auth):
    client = make_client(auth, key="no-such-key", secret="whatever")
    with pytest.raises(AuthenticationError):
        client.replies.check_replies()
    assert sandbox.stats()["auth_failures"] == 1


def test_hmac_date_comes_from_the_client_clock(sandbox, make_client, auth):
    """An injected clock an hour slow makes HMAC requests stale; Basic auth has no Date."""
    client = make_client(auth, clock=lambda: time.time() - 3600)
    if auth == "hmac":
        with pytest.raises(AuthenticationError):
            client.messages.check_credits_remaining()
        assert sandbox.stats()["auth_failures"] == 1
    else:
        assert client.messages.check_credits_remaining()["remaining_credits"] > 0
        assert sandbox.stats()["auth_failures"] == 0


def test_hmac_sha256(sandbox, make_client, headers_seen):
    client = make_client("hmac", hmac_algorithm="sha256", http_call_back=headers_seen)
    echo = client.messages.send_messages(body("sha256")).messages[0]
    assert client.messages.get_message_status(echo.message_id).status == "queued"
    assert [e["status"] for e in sandbox.request_log()] == [202, 200]
    assert all('algorithm="hmac-sha256"' in a for a in headers_seen.authorizations)
    # The signature really is a SHA-256 HMAC of the request (32 bytes, not SHA-1's 20).
    request = headers_seen.requests[0]
    expected = mm_auth.hmac_headers(
        sandbox.api_key,
        sandbox.api_secret,
        request.http_method,
        request.path,
        request.body,
        request.headers["date"],
        "sha256",
    )["Authorization"]
    assert headers_seen.authorizations[0] == expected


def test_hmac_cancel_is_a_put_signed_as_put(make_client):
    # This sandbox refuses the official SDK's PUT-signed-as-POST: only a true PUT signature passes.
    with SandboxServer(tolerate_put_signed_as_post=False) as strict:
        client = make_client("hmac", server=strict)
        future = datetime.now(timezone.utc) + timedelta(days=1)
        sent = client.messages.send_messages(
            {"messages": [{"content": f"cancel {i}", "destination_number": DEST,
                           "scheduled": future} for i in range(2)]}
        )  # fmt: skip
        first, second = (m.message_id for m in sent.messages)
        before = strict.stats()["legacy_put_signatures"]
        client.messages.cancel_scheduled_message(first)
        client.messages.update_cancel_scheduled_message(second, {"status": "cancelled"})
        puts = [e for e in strict.request_log("/v1/messages/") if e["method"] != "GET"]
        assert [(e["method"], e["status"], e["auth_scheme"]) for e in puts] == [
            ("PUT", 200, "hmac"),
            ("PUT", 200, "hmac"),
        ]
        assert strict.stats()["legacy_put_signatures"] == before == 0
        assert strict.stats()["auth_failures"] == 0
        assert {m["status"] for m in strict.messages()} == {"cancelled"}


def test_hmac_cancel_on_the_tolerant_sandbox_is_not_legacy(sandbox, make_client):
    client = make_client("hmac")
    future = datetime.now(timezone.utc) + timedelta(days=1)
    echo = client.messages.send_messages(body("cancel me", scheduled=future)).messages[0]
    client.messages.update_cancel_scheduled_message(echo.message_id, {"status": "cancelled"})
    puts = [e for e in sandbox.request_log() if e["method"] == "PUT"]
    assert [(e["path"], e["status"]) for e in puts] == [(f"/v1/messages/{echo.message_id}", 200)]
    assert sandbox.stats()["legacy_put_signatures"] == 0


def test_from_env_with_sub_account(parent):
    env = {
        "MESSAGEMEDIA_API_KEY": PARENT_KEY,
        "MESSAGEMEDIA_API_SECRET": PARENT_SECRET,
        "MESSAGEMEDIA_HMAC": "true",
        "MESSAGEMEDIA_BASE_URL": parent.url,
        "MESSAGEMEDIA_ACCOUNT_ID": "SUB2",
    }
    with MessageMediaMessagesClient.from_env(env, max_retries=0) as client:
        client.messages.send_messages(body("env"))
    entry = parent.request_log()[-1]
    assert (entry["account"], entry["auth_scheme"], entry["status"]) == ("SUB2", "hmac", 202)
    assert parent.messages()[0]["account"] == "SUB2"
