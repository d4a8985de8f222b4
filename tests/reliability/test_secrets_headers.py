"""Issue 8 item 13: a header-unsafe credential (a CRLF .env file) is refused, naming the
setting; no error text, log record, ledger, journal or CLI output ever carries a header value.

Everything runs against a real sandbox on 127.0.0.1; the CLI runs as a real subprocess.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from secrets_helpers import DEST, KEY, SECRET, Recorder, files_under, leaks, log_texts, one_sms

from message_media_messages import ConfigurationError, MessageMediaMessagesClient
from message_media_messages.configuration import Configuration
from message_media_messages.sandbox import SandboxServer

AUTH_MODES = {"basic": False, "hmac": True}
UNSAFE = {  # what a stray character looks like in the error, by character
    "\r": "carriage return (CR)",
    "\n": "line feed (LF)",
    "\x00": "NUL",
    "\t": "tab",
    "\x1b": "control character (U+001B)",
    "\x7f": "control character (U+007F)",
    "\x85": "control character (U+0085)",
    "\u20ac": "outside Latin-1",
}
SETTINGS = {
    "auth_user_name": KEY,
    "auth_password": SECRET,
    "account_id": "SUB-ACCOUNT-41",
    "user_agent": "my-app/1.0",
}


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        server.add_account(KEY, SECRET, ["SUB-ACCOUNT-41"])
        yield server


@pytest.mark.parametrize("char", list(UNSAFE), ids=[repr(c) for c in UNSAFE])
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_every_header_bound_setting_refuses_unsafe_characters(setting, char):
    value = SETTINGS[setting] + char
    settings = {**SETTINGS, setting: value}
    with pytest.raises(ConfigurationError) as caught:
        Configuration(**settings, base_uri="https://api.example.com")
    text = str(caught.value)
    assert setting in text and UNSAFE[char] in text
    assert leaks({SETTINGS[setting]}, [text, repr(caught.value)]) == []


def test_the_check_says_where_the_character_is_and_accepts_latin_1():
    from message_media_messages.configuration import check_header_value  # the one check

    cases = [("\rabc", "at its start"), ("ab\ncd", "inside it"), ("abc\r\n", "at its end")]
    for value, where in cases:
        with pytest.raises(ConfigurationError, match=where):
            check_header_value("account_header", value)
    with pytest.raises(ConfigurationError, match="must be text"):
        check_header_value("account_header", b"abc")
    check_header_value("user_agent", "caf\u00e9-app/1.0 (Linux; x86_64)")  # no error


def test_from_env_names_the_environment_variable():
    env = {"MESSAGEMEDIA_API_KEY": KEY + "\r", "MESSAGEMEDIA_API_SECRET": SECRET}
    with pytest.raises(ConfigurationError, match=r"MESSAGEMEDIA_API_KEY.*carriage return") as c:
        MessageMediaMessagesClient.from_env(env)
    assert leaks({KEY, SECRET}, [str(c.value)]) == []
    # A value given explicitly replaces the environment's, which then is not in the way.
    with MessageMediaMessagesClient.from_env(env, auth_user_name=KEY) as client:
        assert client.config.auth_user_name == KEY


@pytest.mark.parametrize("auth", list(AUTH_MODES))
def test_account_header_is_refused_at_the_call_before_sending(sandbox, auth):
    with MessageMediaMessagesClient(KEY, SECRET, AUTH_MODES[auth], base_uri=sandbox.url) as c:
        with pytest.raises(ConfigurationError, match=r"account_header.*return.*at its end"):
            c.messages.send_messages(one_sms(), account_header="SUB-ACCOUNT-41\r\n")
        assert sandbox.request_log() == []  # nothing left the client
        sent = c.messages.send_messages(one_sms(), account_header="SUB-ACCOUNT-41")
        assert sent.messages[0].message_id


@pytest.mark.parametrize("header", ["X-Gateway-Key", "Authorization"])
@pytest.mark.parametrize("auth", list(AUTH_MODES))
def test_no_header_value_reaches_errors_logs_rows_or_journal(
    sandbox, tmp_path, caplog, auth, header
):
    """Whatever header ends up unsafe at send time (here a user's call-back adds a gateway
    key read from a CRLF .env file, or spoils the signed Authorization), the request is
    refused before it leaves, naming the header, and its value is shown nowhere."""
    caplog.set_level(logging.DEBUG, logger="message_media_messages")
    extra = {"X-Gateway-Key": f"{KEY}\r"} if header == "X-Gateway-Key" else {}
    recorder = Recorder(extra=extra, taint=None if extra else "Authorization")
    client = MessageMediaMessagesClient(
        KEY, SECRET, AUTH_MODES[auth], base_uri=sandbox.url, http_call_back=recorder
    )
    journal = tmp_path / "batch.journal"
    rows = [{"content": f"row {i}", "destination_number": DEST} for i in range(3)]
    with client:
        with pytest.raises(ConfigurationError, match=f"the {header} header") as caught:
            client.messages.send_messages(one_sms())
        assert not caught.value.maybe_sent
        with client.messages.send_batch(rows, journal=str(journal)) as result:
            batch_rows = list(result.rows)
    assert result.counts == {"rejected": 3}  # provably not sent: never "unknown"
    assert all("carriage return" in (row.error or "") for row in batch_rows)
    assert sandbox.request_log() == []

    texts: list[str | bytes] = [str(caught.value), repr(caught.value), repr(caught.value.args)]
    texts += [repr(row) for row in batch_rows] + log_texts(caplog.records)
    texts += list(files_under(tmp_path).values())
    assert len(recorder.authorizations) == 1 + 1  # the send, and the batch's one chunk
    assert leaks(recorder.secrets(), texts) == []


def _cli(args: list[str], sandbox: SandboxServer, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}
    env.update(
        MESSAGEMEDIA_API_KEY=KEY + "\r", MESSAGEMEDIA_API_SECRET=SECRET,
        MESSAGEMEDIA_BASE_URL=sandbox.url,
    )  # fmt: skip
    command = [sys.executable, "-m", "message_media_messages", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("auth", list(AUTH_MODES))
def test_cli_with_a_crlf_key_fails_cleanly_and_shows_no_secret(sandbox, tmp_path, auth, debug):
    (tmp_path / "rows.csv").write_text(f"destination_number,content\n{DEST},hi\n{DEST},yo\n")
    flags = ["--json"] + (["--hmac"] if auth == "hmac" else []) + (["--debug"] if debug else [])
    batch = ["batch", "rows.csv", "--journal", "j.sqlite", "--ledger", "out.csv", "--no-progress"]
    outputs: list[str | bytes] = []
    for command in (batch, ["send", "--to", DEST, "--text", "hi"]):
        done = _cli([*flags, *command], sandbox, tmp_path)
        assert done.returncode == 2, done.stderr  # a usage error: nothing was sent
        assert "MESSAGEMEDIA_API_KEY" in done.stderr and "carriage return" in done.stderr
        assert ("Traceback" in done.stderr) is debug
        outputs += [done.stdout, done.stderr]
    assert sandbox.request_log() == []
    files = files_under(tmp_path)
    assert set(files) <= {str(tmp_path / n) for n in ("rows.csv", "j.sqlite", "out.csv")}
    assert leaks({KEY, SECRET}, [*outputs, *files.values()]) == []
