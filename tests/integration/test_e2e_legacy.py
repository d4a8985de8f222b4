"""What code written for the official SDK relies on (API.md 9), against the sandbox over HTTP.

Global credentials (`Configuration` class attributes, environment), call-backs set on a
controller, the confirm calls' `''`, the official `HttpRequest` attributes and 1.1.0's
`use_hmac_autentication` keyword.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from message_media_messages import ConfigurationError, MessageMediaMessagesClient, NotFoundError
from message_media_messages.configuration import Configuration
from message_media_messages.http.http_call_back import HttpCallBack
from message_media_messages.sandbox import SandboxServer

DESTINATION = "+61491570156"
MISSING_ID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
GLOBALS = ("basic_auth_user_name", "basic_auth_password", "hmac_auth_user_name",
           "hmac_auth_password")  # fmt: skip
ENV = ("MESSAGEMEDIA_API_KEY", "MESSAGEMEDIA_API_SECRET", "MESSAGEMEDIA_HMAC")


class Catcher(HttpCallBack):
    """The official 1.1.0 tests' response catcher, written again: keeps the last response."""

    def __init__(self) -> None:
        self.requests: list[Any] = []
        self.response: Any = None

    def on_before_request(self, request: Any) -> None:
        self.requests.append(request)

    def on_after_response(self, context: Any) -> None:
        self.response = context.response


@pytest.fixture
def no_globals(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No credential in the environment or on the class; both restored afterwards."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    for name in GLOBALS:
        monkeypatch.setattr(Configuration, name, None, raising=False)
    yield


def send_one(client: MessageMediaMessagesClient, content: str = "legacy") -> str:
    message = {"content": content, "destination_number": DESTINATION, "delivery_report": True}
    body = {"messages": [message]}
    return str(client.messages.send_messages(body).messages[0].message_id)


# --------------------------------------------------------------- item 2: global credentials


@pytest.mark.usefixtures("no_globals")
def test_class_attributes_set_after_the_client_is_created(sandbox: SandboxServer) -> None:
    # The official 1.1.0 controller tests: client first, then the class attributes.
    client = MessageMediaMessagesClient(base_uri=sandbox.url)
    Configuration.basic_auth_user_name = sandbox.api_key
    Configuration.basic_auth_password = sandbox.api_secret
    message_id = send_one(client)
    assert [m["message_id"] for m in sandbox.messages(sandbox.api_key)] == [message_id]
    assert [e["auth_scheme"] for e in sandbox.request_log()] == ["basic"]


@pytest.mark.usefixtures("no_globals")
def test_hmac_class_attributes_win_as_in_the_official_sdk(sandbox: SandboxServer) -> None:
    sandbox.add_account("other-key", "other-secret")
    Configuration.basic_auth_user_name, Configuration.basic_auth_password = "other-key", "x"
    Configuration.hmac_auth_user_name = sandbox.api_key
    Configuration.hmac_auth_password = sandbox.api_secret
    client = MessageMediaMessagesClient(base_uri=sandbox.url)
    send_one(client)
    log = sandbox.request_log()
    assert [(e["auth_scheme"], e["account"], e["status"]) for e in log] == [
        ("hmac", sandbox.api_key, 202)
    ]


@pytest.mark.usefixtures("no_globals")
def test_environment_comes_before_the_class_attributes(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.add_account("env-key", "env-secret")
    Configuration.basic_auth_user_name = sandbox.api_key
    Configuration.basic_auth_password = sandbox.api_secret
    client = MessageMediaMessagesClient(base_uri=sandbox.url)
    monkeypatch.setenv("MESSAGEMEDIA_API_KEY", "env-key")  # read at call time, too
    monkeypatch.setenv("MESSAGEMEDIA_API_SECRET", "env-secret")
    monkeypatch.setenv("MESSAGEMEDIA_HMAC", "1")
    send_one(client)
    assert [(e["auth_scheme"], e["account"]) for e in sandbox.request_log()] == [
        ("hmac", "env-key")
    ]
    assert sandbox.messages(sandbox.api_key) == []


@pytest.mark.usefixtures("no_globals")
def test_a_client_given_credentials_never_reads_a_global(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.add_account("global-key", "global-secret")
    monkeypatch.setenv("MESSAGEMEDIA_API_KEY", "global-key")
    monkeypatch.setenv("MESSAGEMEDIA_API_SECRET", "global-secret")
    Configuration.hmac_auth_user_name, Configuration.hmac_auth_password = "global-key", "g"
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret,
                                    base_uri=sandbox.url) as client:  # fmt: skip
        send_one(client)
    assert [(e["auth_scheme"], e["account"]) for e in sandbox.request_log()] == [
        ("basic", sandbox.api_key)
    ]
    assert sandbox.messages("global-key") == []


@pytest.mark.usefixtures("no_globals")
def test_no_credentials_anywhere_names_all_three_sources(sandbox: SandboxServer) -> None:
    client = MessageMediaMessagesClient(base_uri=sandbox.url)
    with pytest.raises(ConfigurationError) as caught:
        send_one(client)
    text = str(caught.value)
    for source in ("MessageMediaMessagesClient", "MESSAGEMEDIA_API_KEY",
                   "Configuration.basic_auth_user_name"):  # fmt: skip
        assert source in text
    assert sandbox.request_log() == []  # nothing was sent


@pytest.mark.usefixtures("no_globals")
@pytest.mark.parametrize(
    ("where", "name"),
    [("env", "MESSAGEMEDIA_API_SECRET"), ("class", "Configuration.basic_auth_password")],
)
def test_header_unsafe_global_is_refused_naming_it_never_showing_it(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, where: str, name: str
) -> None:
    secret = "s3cret\r\nX-Injected: 1"
    if where == "env":
        monkeypatch.setenv("MESSAGEMEDIA_API_KEY", sandbox.api_key)
        monkeypatch.setenv("MESSAGEMEDIA_API_SECRET", secret)
    else:
        Configuration.basic_auth_user_name = sandbox.api_key
        Configuration.basic_auth_password = secret
    client = MessageMediaMessagesClient(base_uri=sandbox.url)
    with pytest.raises(ConfigurationError) as caught:
        send_one(client)
    assert name in str(caught.value) and "cannot be sent in an HTTP header" in str(caught.value)
    assert "s3cret" not in str(caught.value) and "s3cret" not in repr(caught.value)
    assert sandbox.request_log() == []


@pytest.mark.usefixtures("no_globals")
def test_half_an_environment_pair_is_an_error_naming_the_missing_half(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MESSAGEMEDIA_API_KEY", sandbox.api_key)
    client = MessageMediaMessagesClient(base_uri=sandbox.url)
    with pytest.raises(ConfigurationError, match="MESSAGEMEDIA_API_SECRET is not set"):
        send_one(client)


# --------------------------------------------------------------- item 3: call-backs


@pytest.mark.parametrize("controller", ["messages", "delivery_reports", "replies"])
def test_call_back_set_on_a_controller(sandbox: SandboxServer, controller: str) -> None:
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    catcher = Catcher()
    getattr(client, controller).http_call_back = catcher
    calls = {
        "messages": lambda: client.messages.check_credits_remaining(),
        "delivery_reports": lambda: client.delivery_reports.check_delivery_reports(),
        "replies": lambda: client.replies.check_replies(),
    }
    calls[controller]()
    assert catcher.response.status_code == 200
    assert catcher.response.headers["content-type"].startswith("application/json")
    assert catcher.response.raw_body.startswith("{")
    assert [r.http_method for r in catcher.requests] == ["GET"]
    # Only that controller's calls reach it.
    other = "replies" if controller != "replies" else "messages"
    calls[other]()
    assert len(catcher.requests) == 1


def test_call_back_set_on_the_client_and_a_controller_own_wins(sandbox: SandboxServer) -> None:
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    on_client, on_replies = Catcher(), Catcher()
    client.http_call_back = on_client
    client.replies.http_call_back = on_replies
    client.replies.check_replies()
    client.delivery_reports.check_delivery_reports()
    assert on_replies.response.raw_body.startswith('{"replies":[')
    assert on_client.response.raw_body.startswith('{"delivery_reports":[')
    assert len(on_client.requests) == len(on_replies.requests) == 1


# --------------------------------------------------------------- item 4: confirm returns ''


def test_confirm_calls_return_empty_text_under_both_names(sandbox: SandboxServer) -> None:
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    catcher = Catcher()
    client.http_call_back = catcher
    message_id = send_one(client)
    sandbox.advance(to_final=True)
    reply = sandbox.inject_reply(message_id, "Stop")
    dr_ids = [r.delivery_report_id for r in client.delivery_reports.check_delivery_reports()
              .delivery_reports]  # fmt: skip
    results = [
        client.delivery_reports.confirm_delivery_reports_as_received(
            {"delivery_report_ids": dr_ids[:1]}
        ),
        client.delivery_reports.create_confirm_delivery_reports_as_received(
            {"delivery_report_ids": dr_ids[1:]}
        ),
        client.replies.confirm_replies_as_received({"reply_ids": [reply["reply_id"]]}),
        client.replies.create_confirm_replies_as_received({"reply_ids": [reply["reply_id"]]}),
    ]
    assert len(dr_ids) == 3  # enroute, submitted, delivered
    assert catcher.response.status_code == 202 and catcher.response.raw_body == ""
    for result in results:
        assert result == "" and result is not None and isinstance(result, str)
    assert client.delivery_reports.check_delivery_reports().delivery_reports == []
    assert client.replies.check_replies().replies == []


# --------------------------------------------------------------- item 5: HttpRequest attributes


def test_error_handler_of_an_official_example_can_print_the_request(
    sandbox: SandboxServer,
) -> None:
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    with pytest.raises(NotFoundError) as caught:
        client.messages.get_message_status(MISSING_ID)
    request = caught.value.context.request
    assert request.parameters is None
    assert request.query_parameters == {} and request.files == {}
    assert MISSING_ID in request.query_url
    sandbox.fail_next("status", status=404)  # a 404 on a send: the request has a body
    with pytest.raises(NotFoundError) as caught:
        send_one(client, "x")
    sent = caught.value.context.request
    assert '"content":"x"' in sent.parameters and DESTINATION in sent.parameters
    assert sent.query_parameters == {} and sent.files == {}


# --------------------------------------------------------------- item 6: 1.1.0's keyword


@pytest.mark.parametrize("hmac", [True, False])
def test_the_1_1_0_keyword_spelling_is_an_alias(sandbox: SandboxServer, hmac: bool) -> None:
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret,
                                        use_hmac_autentication=hmac,
                                        base_uri=sandbox.url)  # fmt: skip
    assert client.config.use_hmac_authentication is hmac
    send_one(client)
    assert [e["auth_scheme"] for e in sandbox.request_log()] == ["hmac" if hmac else "basic"]


def test_the_two_spellings_must_agree() -> None:
    with pytest.raises(ConfigurationError, match="use_hmac_autentication"):
        MessageMediaMessagesClient("k", "s", use_hmac_authentication=True,
                                   use_hmac_autentication=False)  # fmt: skip
