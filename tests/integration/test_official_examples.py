"""Programs written the way the official SDK's examples, README and tests are (API.md 9) run
unchanged against the sandbox; the only change is the base URI, set as the official SDK
let you set it (`Configuration.base_uri`, a class attribute) before the program runs.

The programs, in ``official_examples/``, are our own equivalents of the official ones
(placeholder credentials `YOUR_API_KEY` / `YOUR_SECRET_KEY`, which the sandbox is given).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from message_media_messages.sandbox import SandboxServer

HERE = Path(__file__).resolve().parent / "official_examples"
KEY, SECRET = "YOUR_API_KEY", "YOUR_SECRET_KEY"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PRELUDE = (
    "import runpy, sys\n"
    "from message_media_messages.configuration import Configuration\n"
    "Configuration.base_uri = sys.argv[1]\n"
    "sys.argv = sys.argv[2:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def run(sandbox: SandboxServer, name: str, *args: str) -> str:
    """Run one program as its own process; its stdout (it must exit 0)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    cmd = [sys.executable, "-c", PRELUDE, sandbox.url, str(HERE / name), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env,
                          cwd=HERE, check=False)  # fmt: skip
    assert done.returncode == 0, f"{name}:\n{done.stderr}\n{done.stdout}"
    return done.stdout


@pytest.fixture
def official_sandbox() -> SandboxServer:
    with SandboxServer() as server:
        server.add_account(KEY, SECRET)
        yield server


def test_every_program_here_is_run_by_a_test() -> None:
    tested = {"send_message.py", "check_credits.py", "check_delivery_reports.py",
              "check_replies.py", "get_message_status.py", "cancel_scheduled_message.py",
              "legacy_global_credentials.py"}  # fmt: skip
    assert {p.name for p in HERE.glob("*.py")} == tested


def test_send_then_check_and_confirm_reports_and_replies(official_sandbox) -> None:
    sandbox = official_sandbox
    out = run(sandbox, "send_message.py")
    message_id, status = out.split()
    assert re.fullmatch(UUID, message_id) and status == "queued"
    stored = sandbox.messages(KEY)
    assert [m["metadata"] for m in stored] == [{"key1": "value1", "key2": "value2"}]

    assert run(sandbox, "get_message_status.py", message_id) == "status: queued\n"
    sandbox.advance(to_final=True)
    sandbox.inject_reply(message_id, "Thanks")
    assert re.fullmatch(r"credits: \d+\nreports: 3\n", run(sandbox, "check_credits.py"))

    lines = run(sandbox, "check_delivery_reports.py").splitlines()
    assert [line.split()[2] for line in lines[:-1]] == ["enroute", "submitted", "delivered"]
    assert lines[-1] == "confirmed 3"
    replies = run(sandbox, "check_replies.py").splitlines()
    assert replies[0].endswith(f"{message_id} Thanks") and replies[-1] == "confirmed 1"
    assert run(sandbox, "check_replies.py") == "confirmed 0\n"  # nothing left unconfirmed
    assert sandbox.stats()["auth_failures"] == 0


def test_error_handler_prints_the_official_request_attributes(official_sandbox) -> None:
    out = run(official_sandbox, "get_message_status.py", "877c19ef-fa2e-4cec-827a-e1df9b5509f7")
    assert out.splitlines()[:4] == [
        "response code: 404",
        "parameters: None",
        "query parameters: {}",
        "files: {}",
    ]
    assert out.splitlines()[4].startswith("body: {")


def test_schedule_and_cancel(official_sandbox) -> None:
    message_id, status = run(official_sandbox, "cancel_scheduled_message.py").split()
    assert status == "cancelled"
    assert [m["status"] for m in official_sandbox.messages(KEY)] == ["cancelled"]
    assert [m["message_id"] for m in official_sandbox.messages(KEY)] == [message_id]


def test_legacy_global_credentials_and_catcher(official_sandbox) -> None:
    lines = run(official_sandbox, "legacy_global_credentials.py").splitlines()
    code, message_id = lines[0].split()
    assert code == "202" and lines[1] == "queued"
    assert [m["message_id"] for m in official_sandbox.messages(KEY)] == [message_id]
