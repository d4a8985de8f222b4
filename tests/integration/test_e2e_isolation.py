"""Per-client configuration: concurrent clients never see each other's settings."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from message_media_messages import Configuration, MessageMediaMessagesClient
from message_media_messages.exceptions import NotFoundError

DEST = "+61491570156"
KEY_A, SECRET_A = "alpha-key", "alpha-secret-aaaaaaaa"
KEY_B, SECRET_B = "bravo-key", "bravo-secret-bbbbbbbb"
THREADS = 8
ROUNDS = 20  # per thread: 20 x (2 sends, 2 status reads, 1 credits) = 800 calls in all


def test_two_clients_from_eight_threads_stay_apart(sandbox, make_client):
    sandbox.add_account(KEY_A, SECRET_A)
    sandbox.add_account(KEY_B, SECRET_B)
    clients = {
        "A": make_client("basic", key=KEY_A, secret=SECRET_A, user_agent="client-A",
                         pool_maxsize=THREADS),
        "B": make_client("hmac", key=KEY_B, secret=SECRET_B, user_agent="client-B",
                         pool_maxsize=THREADS),
    }  # fmt: skip
    errors: list[BaseException] = []
    sent = {"A": [], "B": []}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(thread: int) -> None:
        start.wait()
        for round_ in range(ROUNDS):
            try:
                ids = {}
                for name in ("A", "B"):
                    content = f"{name}:{thread}:{round_}"
                    body = {"messages": [{"content": content, "destination_number": DEST}]}
                    echo = clients[name].messages.send_messages(body).messages[0]
                    ids[name] = echo.message_id
                    if echo.content != content:
                        raise AssertionError(f"{name} got the echo of {echo.content!r}")
                own = clients["A"].messages.get_message_status(ids["A"])
                if own.content != f"A:{thread}:{round_}":
                    raise AssertionError(f"A read {own.content!r}")
                try:
                    clients["B"].messages.get_message_status(ids["A"])
                    raise AssertionError("B read A's message")
                except NotFoundError:
                    pass
                credits = clients["B"].messages.check_credits_remaining()
                if not isinstance(credits["remaining_credits"], int):
                    raise AssertionError(f"credits: {credits!r}")
                with lock:
                    sent["A"].append(ids["A"])
                    sent["B"].append(ids["B"])
            except Exception as exc:
                with lock:
                    errors.append(exc)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))

    assert errors == []
    calls = THREADS * ROUNDS
    assert len(sent["A"]) == len(sent["B"]) == calls
    log = sandbox.request_log()
    assert len(log) == 5 * calls
    # Every request was authenticated as the account of the client that made it.
    identity = {"client-A": (KEY_A, "basic"), "client-B": (KEY_B, "hmac")}
    wrong = [
        e for e in log if identity[e["headers"]["User-Agent"]] != (e["account"], e["auth_scheme"])
    ]
    assert wrong == []
    by_client = {ua: sum(e["headers"]["User-Agent"] == ua for e in log) for ua in identity}
    assert by_client == {"client-A": 2 * calls, "client-B": 3 * calls}
    statuses = sorted({(e["method"], e["status"]) for e in log})
    assert statuses == [("GET", 200), ("GET", 404), ("POST", 202)]
    assert sandbox.stats()["auth_failures"] == 0
    # The stored messages are each client's own, and only its own.
    for name, key in (("A", KEY_A), ("B", KEY_B)):
        stored = sandbox.messages(account=key)
        assert sorted(m["message_id"] for m in stored) == sorted(sent[name])
        assert {m["content"].split(":")[0] for m in stored} == {name}
    credits_b = clients["B"].messages.check_credits_remaining()["remaining_credits"]
    credits_a = clients["A"].messages.check_credits_remaining()["remaining_credits"]
    assert credits_a == credits_b  # both spent exactly `calls` credits


def test_clients_built_with_different_settings_do_not_share_them(sandbox, make_client):
    sandbox.add_account(KEY_A, SECRET_A, sub_accounts=["SUB"])
    first = make_client("hmac", key=KEY_A, secret=SECRET_A, account_id="SUB",
                        hmac_algorithm="sha256")  # fmt: skip
    second = make_client("basic")  # created after: must not inherit HMAC, key or account
    second.messages.check_credits_remaining()
    first.messages.check_credits_remaining()
    second.messages.check_credits_remaining()
    log = [(e["account"], e["auth_scheme"]) for e in sandbox.request_log()]
    assert log == [(sandbox.api_key, "basic"), ("SUB", "hmac"), (sandbox.api_key, "basic")]
    assert first.config.account_id == "SUB"
    assert second.config.account_id is None
    assert second.config.use_hmac_authentication is False


def test_legacy_configuration_base_uri_default(sandbox):
    """Legacy code set `Configuration.base_uri`; it still works as the default, and is undone."""
    saved = Configuration.__dict__.get("base_uri")
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret) as before:
        pass
    try:
        Configuration.base_uri = sandbox.url
        with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, True) as legacy:
            assert legacy.config.base_uri == sandbox.url
            echo = legacy.messages.send_messages(
                {"messages": [{"content": "legacy", "destination_number": DEST}]}
            ).messages[0]
            assert legacy.messages.get_message_status(echo.message_id).status == "queued"
        explicit = "http://127.0.0.1:9"
        with MessageMediaMessagesClient("k", "s", base_uri=explicit) as other:
            assert other.config.base_uri == explicit  # an explicit base_uri still wins
    finally:
        Configuration.base_uri = saved
    assert [e["auth_scheme"] for e in sandbox.request_log()] == ["hmac", "hmac"]
    assert before.config.base_uri == "https://api.messagemedia.com"  # earlier client unchanged
    assert Configuration.__dict__.get("base_uri") == saved
    with MessageMediaMessagesClient("k", "s") as after:
        assert after.config.base_uri == "https://api.messagemedia.com"
