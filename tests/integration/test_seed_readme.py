"""Every Python example of the official 1.1.0 README runs unchanged against the sandbox."""

import json
import re
from pathlib import Path

import pytest

from message_media_messages.configuration import Configuration
from message_media_messages.exceptions import NotFoundError
from message_media_messages.models.cancel_scheduled_message_request import (
    CancelScheduledMessageRequest,
)
from message_media_messages.sandbox import SandboxServer

SEED = Path(__file__).parent / "data" / "seed-messages-python-sdk-1.1.0-readme.txt"
# The README's own placeholder credentials, registered as a sandbox account.
KEY, SECRET = "basic_auth_user_name", "basic_auth_password"


def seed_blocks() -> list[str]:
    """The README's fenced Python blocks, verbatim (the first is the import)."""
    text = SEED.read_text(encoding="utf-8")
    return [b.strip("\n") for b in re.findall(r"```[Pp]ython\n(.*?)```", text, re.S)]


def block(containing: str) -> str:
    matches = [b for b in seed_blocks() if containing in b]
    assert len(matches) == 1, containing
    return matches[0]


@pytest.fixture
def seed_namespace():
    """Run the README's import and initialisation blocks, the base URI set the legacy way."""
    with SandboxServer() as sandbox:
        sandbox.add_account(KEY, SECRET)
        saved = Configuration.base_uri
        Configuration.base_uri = sandbox.url  # what 1.x/2.x users did: a class attribute
        # `true` is how the README spells True in its HMAC example; json and the model
        # class are what a user's script imports next to it.
        namespace = {"json": json, "CancelScheduledMessageRequest": CancelScheduledMessageRequest}
        namespace["true"] = True
        try:
            exec(block("import MessageMediaMessagesClient"), namespace)
            exec(block("auth_user_name = 'basic_auth_user_name'"), namespace)
            namespace["sandbox"] = sandbox
            yield namespace
        finally:
            Configuration.base_uri = saved
            namespace["client"].close()


def test_the_readme_has_the_examples_we_run():
    blocks = seed_blocks()
    calls = [b for b in blocks if "result = " in b]
    assert len(calls) == 7  # one example per seed method
    assert "MessageMediaMessagesClient(auth_user_name, auth_password, true)" in "".join(blocks)


def test_the_readme_client_uses_hmac_and_the_legacy_base_uri(seed_namespace):
    client = seed_namespace["client"]
    assert client.config.use_hmac_authentication is True
    assert client.config.base_uri == seed_namespace["sandbox"].url


def test_send_example_runs_unchanged(seed_namespace):
    exec(block("messages_client = client.messages"), seed_namespace)
    exec(block("result = messages_client.create_send_messages(body)"), seed_namespace)
    result = seed_namespace["result"]
    assert len(result.messages) == 2
    assert result["messages"][0]["status"] == "queued"
    assert result.messages[1].content == "My second message"
    stored = seed_namespace["sandbox"].messages()
    assert sorted(m["content"] for m in stored) == ["My first message", "My second message"]


def test_status_and_cancel_examples_run_unchanged(seed_namespace):
    exec(block("messages_client = client.messages"), seed_namespace)
    # With the README's placeholder id the API answers 404, as the README documents.
    with pytest.raises(NotFoundError):
        exec(block("result = messages_client.get_message_status(message_id)"), seed_namespace)
    with pytest.raises(NotFoundError):
        exec(block("update_cancel_scheduled_message(message_id, body)"), seed_namespace)
    # With a real scheduled message's id, the same code gets and cancels it.
    sent = seed_namespace["client"].messages.send_messages(
        {
            "messages": [
                {
                    "content": "later",
                    "destination_number": "+61491570156",
                    "scheduled": "2099-01-01T00:00:00.000Z",
                }
            ]
        }
    )
    real_id = sent.messages[0].message_id
    code = block("result = messages_client.get_message_status(message_id)")
    exec(code.replace("'messageId'", repr(real_id)), seed_namespace)
    assert seed_namespace["result"].status == "scheduled"
    code = block("update_cancel_scheduled_message(message_id, body)")
    exec(code.replace("'messageId'", repr(real_id)), seed_namespace)
    status = seed_namespace["client"].messages.get_message_status(real_id)
    assert status.status == "cancelled"


def test_delivery_report_examples_run_unchanged(seed_namespace):
    exec(block("delivery_reports_client = client.delivery_reports"), seed_namespace)
    exec(block("result = delivery_reports_client.get_check_delivery_reports()"), seed_namespace)
    assert seed_namespace["result"].delivery_reports == []
    exec(block("create_confirm_delivery_reports_as_received(body)"), seed_namespace)
    assert seed_namespace["result"] == ""  # what the official SDK returned


def test_reply_examples_run_unchanged(seed_namespace):
    exec(block("replies_client = client.replies"), seed_namespace)
    exec(block("result = replies_client.get_check_replies()"), seed_namespace)
    assert seed_namespace["result"].replies == []
    exec(block("create_confirm_replies_as_received(body)"), seed_namespace)
    assert seed_namespace["result"] == ""
