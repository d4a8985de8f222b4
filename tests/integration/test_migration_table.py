"""Rows of the migration guide's table, tried as code for the official SDK runs them.

Each test runs the program a row describes against the sandbox, asserts what the row says
happens, and asserts the row says it (so the table cannot drift from the behaviour).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from message_media_messages import MessageMediaMessagesClient, NotFoundError
from message_media_messages.configuration import REGIONS, Configuration
from message_media_messages.sandbox import SandboxServer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "guides"
GUIDE = DOCS / "migrating.md"  # the migration guide
CLIENT = DOCS / "client.md"  # the client guide: hosts
SCHEDULED = "2030-01-01T00:00:00.000Z"


def table_row(starts: str) -> str:
    """The migration table's row whose first cell starts with `starts`."""
    guide = GUIDE.read_text(encoding="utf-8")
    rows = [line for line in guide.splitlines() if line.startswith(f"| {starts}")]
    assert len(rows) == 1, f"no single migration row starting {starts!r}"
    return rows[0]


def test_1_1_0_dict_results_row_lists_what_a_model_does_not_do(sandbox: SandboxServer) -> None:
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    message = {"content": "x", "destination_number": "+61491570156", "scheduled": SCHEDULED}
    sent = client.messages.create_send_messages({"messages": [message]})
    message_id = sent.messages[0]["message_id"]  # 1.1.0 code: items were dicts
    result = client.messages.get_message_status(message_id)
    assert result["status"] == "scheduled" and result.get("nope", 1) == 1 and "status" in result
    # What 1.1.0 code could do with its dict and cannot with the model:
    assert not isinstance(result, dict)
    with pytest.raises(TypeError):
        json.dumps(result)
    with pytest.raises(TypeError):
        len(result)  # type: ignore[arg-type]
    assert result != dict(result.items())
    assert isinstance(result["scheduled"], datetime)  # 1.1.0 gave the text
    wire = json.loads(json.dumps(result.to_dictionary()))  # the row's replacement
    assert wire["message_id"] == message_id and wire["scheduled"].startswith("2030-01-01T00:00:00")
    row = table_row("1.1.0: `get_message_status`")
    for said in ("`delivery_reports`", "json.dumps(result.to_dictionary())", "`len()`",
                 "`== {...}`", "`datetime`"):  # fmt: skip
        assert said in row, said
    assert "only `isinstance" not in row


def test_base_uri_row_says_the_client_reads_it_when_created(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Configuration, "base_uri", sandbox.url)
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret)
    with SandboxServer() as later:
        monkeypatch.setattr(Configuration, "base_uri", later.url)  # after creating the client
        client.messages.check_credits_remaining()
        assert later.requests_seen() == 0
    assert sandbox.requests_seen("/v1/messaging/credits") == 1
    row = table_row("`Configuration.base_uri` is read at each call")
    assert "when the client is created" in row and "`base_uri=`" in row


def test_headers_row_says_error_handlers_see_authorization_redacted(sandbox: SandboxServer) -> None:
    client = MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url)
    with pytest.raises(NotFoundError) as caught:
        client.messages.get_message_status("00000000-0000-0000-0000-000000000000")
    headers = caught.value.context.request.headers  # what an official error handler prints
    assert headers["Authorization"] == "[redacted]" and headers["Accept"] == "application/json"
    assert sandbox.api_secret not in repr(headers)
    row = table_row("error handlers print `e.context.request.headers`")
    assert "`[redacted]`" in row


def test_the_hosts_paragraph_names_the_default_and_every_region() -> None:
    readme = CLIENT.read_text(encoding="utf-8")
    hosts = readme.split("Hosts: ", 1)[1].split("\n\n", 1)[0]
    assert "default stays `https://api.messagemedia.com`" in hosts
    for region, host in REGIONS.items():
        assert f'"{region}"' in hosts and f"`{host}`" in hosts, region
    assert MessageMediaMessagesClient("k", "s").config.base_uri == "https://api.messagemedia.com"
    for region, host in REGIONS.items():
        assert MessageMediaMessagesClient("k", "s", region=region).config.base_uri == host
