"""The sandbox command on a non-loopback interface: refused without --allow-remote, and then
the banner shows the real bind address and a warning names the unauthenticated control
endpoints (issue 8 item 18). Binds only 127.0.0.1 / 0.0.0.0; connects only to 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

SANDBOX = [sys.executable, "-m", "message_media_messages.sandbox", "--port", "0", "--manual"]
VIA_CLI = [sys.executable, "-m", "message_media_messages", "sandbox", "--port", "0", "--manual"]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("MESSAGEMEDIA_")}


@pytest.mark.parametrize("command", [SANDBOX, VIA_CLI], ids=["module", "messagemedia"])
def test_a_wildcard_bind_is_refused_without_allow_remote(command: list[str]) -> None:
    result = subprocess.run(
        [*command, "--host", "0.0.0.0"], capture_output=True, text=True, env=ENV, timeout=60
    )
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr and "/_sandbox/" in result.stderr
    assert "listening on" not in result.stdout  # it never served


@pytest.mark.parametrize("command", [SANDBOX, VIA_CLI], ids=["module", "messagemedia"])
def test_allow_remote_prints_the_real_address_and_warns(command: list[str]) -> None:
    process = subprocess.Popen(
        [*command, "--host", "0.0.0.0", "--allow-remote"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        bound = re.search(r"listening on 0\.0\.0\.0:(\d+) \(every interface\)", first)
        assert bound, first
        port = int(bound.group(1))
        assert f"http://127.0.0.1:{port}" in first  # how to reach it from here
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/messages", timeout=30) as r:
            assert json.load(r) == {"messages": []}
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0
    warning = next(line for line in err.splitlines() if "WARNING" in line)
    assert f"0.0.0.0:{port}" in warning
    assert "/_sandbox/*" in warning and "no authentication" in warning


def test_loopback_names_need_no_flag_and_show_their_address() -> None:
    process = subprocess.Popen(
        [*SANDBOX, "--host", "localhost"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert re.search(r"listening on http://(127\.0\.0\.1|\[::1\]):\d+$", first), first
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "WARNING" not in err
