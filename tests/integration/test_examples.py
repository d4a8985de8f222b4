"""Every script in ``examples/`` runs (as a user would: a subprocess) against a live sandbox.

Each example gets its credentials from ``MESSAGEMEDIA_*`` variables pointing at a fresh
sandbox; the scripts that read delivery reports or replies find some pre-seeded. A new
example is picked up automatically and must at least exit 0 and print something; add an
entry to ``CHECKS`` to assert more.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
DESTINATION = "+61491570156"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MAX_LINES = 60
TIMEOUT = 30


def run_example(script: Path, sandbox: SandboxServer | None, *args: str, hmac: bool = True,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run ``script`` with ``sys.executable``, credentials for ``sandbox`` in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    if sandbox is not None:
        env["MESSAGEMEDIA_API_KEY"] = sandbox.api_key
        env["MESSAGEMEDIA_API_SECRET"] = sandbox.api_secret
        env["MESSAGEMEDIA_BASE_URL"] = sandbox.url
        env["MESSAGEMEDIA_HMAC"] = "1" if hmac else "0"
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=TIMEOUT, check=False)  # fmt: skip
    assert done.returncode == 0, f"{script.name} exited {done.returncode}:\n{done.stderr}"
    assert done.stdout.strip(), f"{script.name} printed nothing"
    return done


def seed(sandbox: SandboxServer) -> dict[str, Any]:
    """One delivered message with its delivery reports and a handset reply, all unconfirmed."""
    with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret,
                                    base_uri=sandbox.url) as client:  # fmt: skip
        body = {"messages": [{"content": "seed", "destination_number": DESTINATION,
                              "delivery_report": True}]}  # fmt: skip
        message_id = client.messages.send_messages(body).messages[0].message_id
    sandbox.advance(to_final=True)
    reply = sandbox.inject_reply(message_id, "Seeded reply")
    return {"message_id": message_id, "reply_id": reply["reply_id"]}


def only_message(sandbox: SandboxServer) -> dict[str, Any]:
    messages = sandbox.messages()
    assert len(messages) == 1, messages
    return messages[0]


# ------------------------------------------------------------------ per-script expectations


def check_send_sms(sandbox: SandboxServer, out: str, seeded: dict[str, Any]) -> None:
    message = only_message(sandbox)
    assert f"message_id={message['message_id']}" in out and DESTINATION in out
    assert message["delivery_report"] is True and message["status"] == "queued"
    assert {e["auth_scheme"] for e in sandbox.request_log()} == {"hmac"}  # MESSAGEMEDIA_HMAC=1


def check_send_mms(sandbox: SandboxServer, out: str, seeded: dict[str, Any]) -> None:
    message = only_message(sandbox)
    assert f"message_id={message['message_id']}" in out
    assert message["format"] == "MMS" and message["media"] and message["subject"]


def check_scheduled_and_cancel(sandbox: SandboxServer, out: str, seeded: dict[str, Any]) -> None:
    message = only_message(sandbox)
    assert f"message_id={message['message_id']}" in out
    assert "status before cancel: scheduled" in out and "status after cancel: cancelled" in out
    assert message["status"] == "cancelled"


def check_delivery_reports(sandbox: SandboxServer, out: str, seeded: dict[str, Any]) -> None:
    assert out.count(f"message_id={seeded['message_id']}") == 3
    assert "status=delivered" in out and "confirmed 3 delivery report(s)" in out
    assert sandbox.stats()["unconfirmed_delivery_reports"] == 0


def check_replies(sandbox: SandboxServer, out: str, seeded: dict[str, Any]) -> None:
    assert f"reply_id={seeded['reply_id']}" in out and "'Seeded reply'" in out
    assert "confirmed 1 reply(ies)" in out
    assert sandbox.stats()["unconfirmed_replies"] == 0


def check_credits(sandbox: SandboxServer, out: str, seeded: dict[str, Any]) -> None:
    assert re.search(r"remaining_credits=\d+", out), out


def check_quickstart(sandbox: SandboxServer, out: str, seeded: dict[str, Any]) -> None:
    assert re.search(rf"2\. sent message_id={UUID}", out), out
    assert "4. after advance: delivered" in out
    assert "6. confirmed 3 delivery report(s)" in out and "8. confirmed reply" in out
    assert sandbox.stats()["requests"] == 0  # it ran its own sandbox, not the test's


Check = Callable[[SandboxServer, str, dict[str, Any]], None]
CHECKS: dict[str, tuple[bool, Check]] = {  # script -> (needs seeded data, check)
    "send_sms.py": (False, check_send_sms),
    "send_mms.py": (False, check_send_mms),
    "send_scheduled_and_cancel.py": (False, check_scheduled_and_cancel),
    "check_delivery_reports.py": (True, check_delivery_reports),
    "check_replies.py": (True, check_replies),
    "check_credits.py": (False, check_credits),
    "sandbox_quickstart.py": (False, check_quickstart),
}


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_runs_against_the_sandbox(script: Path, sandbox: SandboxServer, tmp_path: Path):
    needs_seed, check = CHECKS.get(script.name, (False, None))
    seeded = seed(sandbox) if needs_seed else {}
    if needs_seed:  # the seeding itself must not count as the example's work
        assert sandbox.stats()["unconfirmed_delivery_reports"] == 3
    done = run_example(script, sandbox, cwd=tmp_path)
    if check is not None:
        check(sandbox, done.stdout, seeded)


def test_every_required_example_exists() -> None:
    assert set(CHECKS) <= {s.name for s in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_is_short_and_documented(script: Path) -> None:
    source = script.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_LINES, f"{script.name} is over {MAX_LINES} lines"
    assert ast.get_docstring(ast.parse(source)), f"{script.name} has no module docstring"


def test_send_sms_with_basic_auth_and_argv_destination(sandbox: SandboxServer) -> None:
    done = run_example(EXAMPLES / "send_sms.py", sandbox, "+61491570123", "Hi there", hmac=False)
    message = only_message(sandbox)
    assert message["destination_number"] == "+61491570123" and message["content"] == "Hi there"
    assert f"message_id={message['message_id']}" in done.stdout
    assert {e["auth_scheme"] for e in sandbox.request_log()} == {"basic"}


def test_example_without_credentials_fails_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    done = subprocess.run([sys.executable, str(EXAMPLES / "check_credits.py")],
                          capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=TIMEOUT, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
