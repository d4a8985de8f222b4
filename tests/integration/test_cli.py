"""The `messagemedia` CLI against a real sandbox: every command, table and --json, exit codes.

Most tests call `main([...])` in-process (fast) with credentials for the `sandbox` fixture in
the environment; the `sandbox` subcommand and `python -m` run as real subprocesses.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.cli import main

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DESTINATION = "+61491570156"
REPLYING = "+61491570905"  # sandbox magic number: delivered, then an automatic reply

Run = Callable[..., tuple[int, str, str]]


def main_within(argv: list[str], seconds: float = 60.0) -> int:
    """`main(argv)`, failing the test instead of hanging if it has not returned in time."""
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"messagemedia {argv} still running after {seconds} s"
    return codes[0]


@pytest.fixture
def cli(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Run:
    """`cli(*argv)` -> (exit status, stdout, stderr), credentials for `sandbox` in the env."""
    point_env_at(monkeypatch, sandbox)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main_within(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def point_env_at(monkeypatch: pytest.MonkeyPatch, server: SandboxServer) -> None:
    for name in ("MESSAGEMEDIA_HMAC", "MESSAGEMEDIA_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MESSAGEMEDIA_API_KEY", server.api_key)
    monkeypatch.setenv("MESSAGEMEDIA_API_SECRET", server.api_secret)
    monkeypatch.setenv("MESSAGEMEDIA_BASE_URL", server.url)


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[MessageMediaMessagesClient]:
    """An SDK client of the same sandbox, to set up state and check what the CLI did."""
    with MessageMediaMessagesClient(
        sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url
    ) as client:
        yield client


def send_one(api: MessageMediaMessagesClient, destination: str = DESTINATION, **fields: Any) -> str:
    message = {"content": "hello", "destination_number": destination, **fields}
    return str(api.messages.send_messages({"messages": [message]}).messages[0].message_id)


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- send


def test_send_prints_a_table_and_the_sandbox_stores_every_option(cli: Run, sandbox: SandboxServer):
    code, out, err = cli(
        "send",
        "--to",
        DESTINATION,
        "--text",
        "Hi there",
        "--from",
        "+61491570157",
        "--delivery-report",
        "--callback-url",
        "https://example.com/hook",
        "--metadata",
        "order=42",
        "team=a=b",
        "--schedule",
        "2099-01-01T09:00:00Z",
    )
    assert code == 0, err
    header, row = out.strip().splitlines()
    assert header.split() == ["MESSAGE_ID", "STATUS", "DESTINATION_NUMBER", "FORMAT"]
    [stored] = sandbox.messages()
    assert row.split() == [stored["message_id"], "queued", DESTINATION, "SMS"]
    assert stored["metadata"] == {"order": "42", "team": "a=b"}
    assert stored["delivery_report"] is True
    assert stored["source_number"] == "+61491570157"
    assert stored["callback_url"] == "https://example.com/hook"
    assert stored["scheduled"].startswith("2099-01-01T09:00:00")


def test_send_json_is_the_response_document_mms_fields_included(cli: Run, sandbox: SandboxServer):
    code, out, _ = cli(
        "--json",
        "send",
        "--to",
        DESTINATION,
        "--text",
        "pic",
        "--format",
        "MMS",
        "--media",
        "https://example.com/a.png",
        "https://example.com/b.gif",
        "--subject",
        "Hi",
    )
    assert code == 0
    [message] = json.loads(out)["messages"]
    assert message["format"] == "MMS"
    assert message["media"] == ["https://example.com/a.png", "https://example.com/b.gif"]
    assert message["subject"] == "Hi"
    assert message["message_id"] == sandbox.messages()[0]["message_id"]


def test_json_may_also_follow_the_command(cli: Run):
    code, out, _ = cli("credits", "--json")
    assert code == 0
    assert isinstance(json.loads(out)["remaining_credits"], int)


def test_an_invalid_message_is_a_usage_error_and_nothing_is_sent(cli: Run, sandbox: SandboxServer):
    code, out, err = cli("send", "--to", "0491570156", "--text", "hi")
    assert code == 2
    assert out == ""
    assert "destination_number" in one_error_line(err)
    assert sandbox.messages() == []
    assert sandbox.requests_seen("/v1/messages") == 0


def test_bad_metadata_syntax_is_an_argparse_error(cli: Run):
    code, _, err = cli("send", "--to", DESTINATION, "--text", "hi", "--metadata", "novalue")
    assert code == 2
    assert "KEY=VALUE" in err


# ---------------------------------------------------------------- status, cancel, credits


def test_status_table_and_json(cli: Run, api: MessageMediaMessagesClient, sandbox: SandboxServer):
    message_id = send_one(api, metadata={"k": "v"})
    sandbox.advance(to_final=True)
    code, out, _ = cli("status", message_id)
    assert code == 0
    table = dict(line.split(None, 1) for line in out.strip().splitlines()[1:])
    assert table["status"] == "delivered"
    assert table["message_id"] == message_id
    assert table["metadata"] == "k=v"
    code, out, _ = cli("--json", "status", message_id)
    assert code == 0
    assert json.loads(out) == {**json.loads(out), "status": "delivered", "message_id": message_id}


def test_status_of_an_unknown_message_exits_1_with_the_http_error(cli: Run):
    code, out, err = cli("status", "0b0b9498-24af-47e5-b247-cc70c1626d74")
    assert code == 1
    assert out == ""
    assert "HTTP 404" in one_error_line(err)


def test_cancel_a_scheduled_message_table_and_json(
    cli: Run, api: MessageMediaMessagesClient, sandbox: SandboxServer
):
    first = send_one(api, scheduled="2099-01-01T00:00:00Z")
    second = send_one(api, scheduled="2099-01-01T00:00:00Z")
    code, out, _ = cli("cancel", first)
    assert (code, out.strip()) == (0, f"cancelled {first}")
    code, out, _ = cli("--json", "cancel", second)
    assert code == 0
    assert json.loads(out) == {"message_id": second, "status": "cancelled"}
    assert {m["status"] for m in sandbox.messages()} == {"cancelled"}


def test_cancelling_a_message_that_is_not_scheduled_is_an_api_error(
    cli: Run, api: MessageMediaMessagesClient
):
    code, _, err = cli("cancel", send_one(api))
    assert code == 1
    assert "HTTP 400" in one_error_line(err)


def test_credits_table_and_json(cli: Run, api: MessageMediaMessagesClient):
    send_one(api)
    code, out, _ = cli("credits")
    assert code == 0
    assert out.split() == ["FIELD", "VALUE", "remaining_credits", "999999"]
    code, out, _ = cli("--json", "credits")
    assert json.loads(out) == {"remaining_credits": 999999}


# ---------------------------------------------------------------- reports and replies


def test_reports_check_lists_without_confirming_then_confirm_ids(
    cli: Run, api: MessageMediaMessagesClient, sandbox: SandboxServer
):
    message_id = send_one(api, delivery_report=True)
    sandbox.advance(to_final=True)
    code, out, _ = cli("reports", "check")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split()[:4] == ["TYPE", "RECEIVED", "MESSAGE_ID", "STATUS"]
    assert [line.split()[3] for line in lines[1:]] == ["enroute", "submitted", "delivered"]
    assert all(message_id in line for line in lines[1:])
    code, out, _ = cli("--json", "reports")  # `check` is the default action
    reports = json.loads(out)["delivery_reports"]
    assert [r["status"] for r in reports] == ["enroute", "submitted", "delivered"]
    ids = [r["delivery_report_id"] for r in reports]
    code, out, _ = cli("reports", "confirm", *ids[:2])
    assert (code, out.strip()) == (0, "confirmed delivery reports: 2")
    code, out, _ = cli("--json", "reports", "confirm", ids[2])
    assert json.loads(out) == {"confirmed": [ids[2]]}
    assert api.delivery_reports.check_delivery_reports().delivery_reports == []
    code, out, _ = cli("reports")
    assert (code, out.strip()) == (0, "no unconfirmed delivery reports")


def test_replies_check_and_confirm(
    cli: Run, api: MessageMediaMessagesClient, sandbox: SandboxServer
):
    message_id = send_one(api, REPLYING)
    sandbox.advance(to_final=True)
    code, out, _ = cli("replies", "check")
    assert code == 0
    [row] = out.strip().splitlines()[1:]
    assert row.split()[:3] == ["reply", row.split()[1], message_id]
    assert "Auto-reply to: hello" in row
    code, out, _ = cli("--json", "replies", "check")
    [reply] = json.loads(out)["replies"]
    assert reply["content"] == "Auto-reply to: hello"
    code, out, _ = cli("--json", "replies", "confirm", reply["reply_id"])
    assert (code, json.loads(out)) == (0, {"confirmed": [reply["reply_id"]]})
    assert api.replies.check_replies().replies == []


def test_confirm_without_ids_is_a_usage_error(cli: Run):
    code, _, err = cli("replies", "confirm")
    assert code == 2
    assert "confirm ID" in one_error_line(err)


def test_reports_follow_prints_json_lines_and_confirms_them(
    cli: Run, api: MessageMediaMessagesClient, sandbox: SandboxServer
):
    for _ in range(2):
        send_one(api, delivery_report=True)
    sandbox.advance(to_final=True)  # 6 reports waiting
    code, out, _ = cli("--json", "reports", "--follow", "--limit", "4", "--poll-interval", "0.1")
    assert code == 0
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert [line["type"] for line in lines] == ["delivery_report"] * 4
    left = api.delivery_reports.check_delivery_reports().delivery_reports
    assert len(left) == 2
    assert {r.delivery_report_id for r in left}.isdisjoint(x["delivery_report_id"] for x in lines)


def test_replies_follow_waits_for_replies_as_they_arrive(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    with SandboxServer(realtime=True, step_seconds=0.1) as live:
        point_env_at(monkeypatch, live)
        with MessageMediaMessagesClient(live.api_key, live.api_secret, base_uri=live.url) as api:
            message_id = send_one(api, REPLYING)  # the reply comes ~0.3 s later
            code = main_within(["replies", "--follow", "--limit", "1", "--poll-interval", "0.1"])
            out = capsys.readouterr().out
            assert code == 0
            header, line = out.strip().splitlines()
            assert header.startswith("TYPE")
            assert line.startswith("reply") and message_id in line
            assert api.replies.check_replies().replies == []


# ---------------------------------------------------------------- global options, exit codes


def test_missing_credentials_exit_2_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    for name in ("MESSAGEMEDIA_API_KEY", "MESSAGEMEDIA_API_SECRET", "MESSAGEMEDIA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["credits"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "MESSAGEMEDIA_API_KEY" in line and "--sandbox" in line


def test_connection_refused_exits_3(cli: Run):
    code, out, err = cli("--base-url", f"http://127.0.0.1:{closed_port()}", "credits")
    assert code == 3
    assert out == ""
    assert one_error_line(err).startswith("messagemedia: connection failed:")


def test_bad_arguments_exit_2(cli: Run):
    assert cli("frobnicate")[0] == 2
    assert cli("status")[0] == 2
    assert cli("--sandbox", "--base-url", "http://127.0.0.1:1", "credits")[0] == 2
    assert cli("batch", "x.csv", "--watch-timeout", "5")[0] == 2
    assert cli("batch", "x.csv", "--concurrency", "0")[0] == 2


def test_help_and_version_exit_0(cli: Run):
    code, out, _ = cli("--help")
    assert code == 0
    assert "batch" in out and "exit status" in out
    code, out, _ = cli("--version")
    assert code == 0
    assert out.startswith("messagemedia ")


def test_debug_shows_the_traceback(cli: Run):
    code, _, err = cli("--debug", "status", "0b0b9498-24af-47e5-b247-cc70c1626d74")
    assert code == 1
    assert "Traceback" in err and "NotFoundError" in err
    assert "GET /v1/messages/0b0b9498-24af-47e5-b247-cc70c1626d74 -> 404" in err  # the SDK log


def test_hmac_and_account_options_reach_the_api(cli: Run, sandbox: SandboxServer):
    sandbox.add_account(sandbox.api_key, sandbox.api_secret, ["sub-1"])
    code, _, err = cli("--hmac", "--account", "sub-1", "send", "--to", DESTINATION, "--text", "x")
    assert code == 0, err
    [entry] = sandbox.request_log("/v1/messages")
    assert entry["auth_scheme"] == "hmac"
    assert entry["account"] == "sub-1"
    assert [m["account"] for m in sandbox.messages()] == ["sub-1"]


def test_secrets_are_never_printed(cli: Run, sandbox: SandboxServer):
    outputs = [cli("--debug", "credits"), cli("--debug", "status", "nope")]
    for _, out, err in outputs:
        assert sandbox.api_secret not in out + err


def test_sandbox_option_needs_no_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    for name in ("MESSAGEMEDIA_API_KEY", "MESSAGEMEDIA_API_SECRET", "MESSAGEMEDIA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    code = main(["--sandbox", "--json", "send", "--to", REPLYING, "--text", "try me"])
    out, err = capsys.readouterr()
    assert code == 0
    assert UUID.fullmatch(json.loads(out)["messages"][0]["message_id"])
    assert "embedded sandbox" in err


# ---------------------------------------------------------------- the sandbox subcommand


def test_sandbox_subcommand_serves_the_api_until_ctrl_c():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "message_media_messages", "sandbox", "--port", "0", "--manual"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = re.search(r"http://\S+", first)
        assert url, first
        env.update(
            MESSAGEMEDIA_BASE_URL=url.group(0),
            MESSAGEMEDIA_API_KEY="sandbox-key",
            MESSAGEMEDIA_API_SECRET="sandbox-secret",
        )
        credits = subprocess.run(
            [sys.executable, "-m", "message_media_messages", "--json", "credits"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        assert credits.returncode == 0, credits.stderr
        assert json.loads(credits.stdout) == {"remaining_credits": 1_000_000}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0


def test_sandbox_subcommand_passes_help_and_errors_through(cli: Run):
    code, out, _ = cli("sandbox", "--help")
    assert code == 0
    assert "--step-seconds" in out
    assert cli("sandbox", "--no-such-option")[0] == 2
    assert cli("--json", "sandbox")[0] == 2


def test_console_script_entry_point_and_module_agree():
    result = subprocess.run(
        [sys.executable, "-m", "message_media_messages", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    assert re.fullmatch(r"messagemedia \d+\.\d+\.\d+\S*\n", result.stdout)
