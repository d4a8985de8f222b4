"""The official SDK 2.1.3, in its own virtualenv and process, against our sandbox.

``messagemedia-messages-sdk`` installs a package named ``message_media_messages``, like ours,
so it lives in a dedicated virtualenv, built once and cached in ``.official-sdk-venv/`` at
the repository root (self-ignored by git; override with ``OFFICIAL_SDK_VENV``). Building it
needs the package index: without it these tests FAIL, they never skip. The driver script
(``official/official_sdk_driver.py``) uses the official client exactly as 2.x users do.

What this pins down: the sandbox accepts everything the official SDK sends, in Basic and
HMAC modes; the official HMAC cancel, which signs its PUT as POST (API.md 3.5.1), passes
only through the sandbox's tolerance (counted in ``legacy_put_signatures``) and gets 401
from a strict sandbox; and the official send crashes on a response echoing ``scheduled``
(API.md 6.7) AFTER the message was stored.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

try:
    import fcntl
except ImportError:  # Windows: no cross-process lock, builds are then not serialized
    fcntl = None  # type: ignore[assignment]

SPEC = "messagemedia-messages-sdk==2.1.3"
REPO_ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "official" / "official_sdk_driver.py"
VENV_HOME = Path(os.environ.get("OFFICIAL_SDK_VENV") or REPO_ROOT / ".official-sdk-venv")
SPEC_110 = "messagemedia-messages-sdk==1.1.0"  # for the return-value comparison (issue 9)
VENV_HOME_110 = Path(os.environ.get("OFFICIAL_SDK_110_VENV") or REPO_ROOT / ".official-1.1.0-venv")
NETWORK_SIGNS = (
    "Failed to establish a new connection", "Max retries exceeded", "Name or service not known",
    "Temporary failure in name resolution", "ProxyError", "SSLError", "ConnectTimeout",
    "Network is unreachable", "Connection refused", "ReadTimeoutError",
)  # fmt: skip
NOT_FOUND = "(from versions: none)"  # the index answered nothing for the SDK itself
VERIFY = (
    "import importlib.metadata as m, platform\n"
    "import message_media_messages.message_media_messages_client\n"
    "print(m.version('messagemedia-messages-sdk'), platform.python_version())\n"
)
DRIVER_TIMEOUT = 120


# --------------------------------------------------------------------------- the virtualenv


def _venv_python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _clean_env() -> dict[str, str]:
    """The environment for child processes: nothing that could leak our package in."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _candidates() -> list[str]:
    """The running interpreter first, then a Python 3.11 (pyenv or PATH) as the fallback."""
    found = [sys.executable]
    if shutil.which("pyenv"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(["pyenv", "which", "python3.11"], capture_output=True,
                                 text=True, timeout=20, check=False)  # fmt: skip
            if out.returncode == 0 and out.stdout.strip():
                found.append(out.stdout.strip())
    roots = {os.environ.get("PYENV_ROOT", ""), os.path.expanduser("~/.pyenv"), "/root/.pyenv"}
    for root in sorted(r for r in roots if r):
        found.extend(sorted(glob.glob(os.path.join(root, "versions", "3.11*", "bin", "python"))))
    found.extend(p for p in [shutil.which("python3.11")] if p)
    unique: dict[str, str] = {}
    for path in found:
        with contextlib.suppress(OSError):
            unique.setdefault(os.path.realpath(path), path)
    return list(unique.values())


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=_clean_env(), check=False)  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        out = f"{exc.stdout or ''}{exc.stderr or ''}"
        return subprocess.CompletedProcess(cmd, -1, "", f"timed out after {timeout} s\n{out}")


def _verify(env_dir: Path, spec: str = SPEC) -> str | None:
    """``"<version> <python>"`` if the venv imports the official SDK ``spec``, else None."""
    python = _venv_python(env_dir)
    if not python.exists():
        return None
    done = _run([str(python), "-c", VERIFY], timeout=60)
    words = done.stdout.split()
    version = spec.rpartition("==")[2]
    return done.stdout.strip() if done.returncode == 0 and words[:1] == [version] else None


def _build(interpreter: str, env_dir: Path, spec: str = SPEC) -> tuple[bool, str]:
    """Create the venv with ``interpreter`` and pip-install the official SDK into it."""
    shutil.rmtree(env_dir, ignore_errors=True)
    made = _run([interpreter, "-m", "venv", str(env_dir)], timeout=180)
    if made.returncode != 0:
        return False, f"venv creation failed:\n{made.stdout}{made.stderr}"
    pip = [str(_venv_python(env_dir)), "-m", "pip", "install", "--disable-pip-version-check",
           "--no-input", "--retries", "2", "--timeout", "30", spec]  # fmt: skip
    installed = _run(pip, timeout=900)
    if installed.returncode != 0:
        return False, f"pip install {spec} failed:\n{installed.stdout}{installed.stderr}"
    if _verify(env_dir, spec) is None:
        return False, "installed, but `import message_media_messages` fails in the new venv"
    return True, ""


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Serialize builds across processes (pytest-xdist workers, parallel CI jobs)."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure_official_venv(home: Path = VENV_HOME, spec: str = SPEC) -> dict[str, Any]:
    """Return the cached venv's description, building it first if needed.

    Args:
        home: the cache directory.
        spec: what to install (``SPEC``, or ``SPEC_110`` into ``VENV_HOME_110``).

    Returns:
        ``python``, ``interpreter``, ``version``, ``build_seconds``, ``reused``; or, when no
        candidate interpreter could install the official SDK, only ``failure`` (a message
        that says whether the package index looked unreachable).
    """
    with _locked(home):
        (home / ".gitignore").write_text("*\n")  # the cache never shows up in git status
        env_dir, ready = home / "env", home / "ready.json"
        if ready.exists():
            info = json.loads(ready.read_text())
            if info.get("spec") == spec and _verify(env_dir, spec):
                return {**info, "reused": True}
        candidates, failures = _candidates(), []
        for interpreter in candidates:
            started = time.monotonic()
            ok, why = _build(interpreter, env_dir, spec)
            if ok:
                info = {"spec": spec, "python": str(_venv_python(env_dir)),
                        "interpreter": interpreter, "version": _verify(env_dir, spec),
                        "build_seconds": round(time.monotonic() - started, 1),
                        "failed_attempts": failures}  # fmt: skip
                ready.write_text(json.dumps(info, indent=2))
                return {**info, "reused": False}
            failures.append(f"--- with {interpreter}:\n{why[-3000:]}")
            if any(sign in why for sign in NETWORK_SIGNS):
                break  # the index is the problem, not the interpreter
        shutil.rmtree(env_dir, ignore_errors=True)
        joined = "\n".join(failures)
        headline = (
            f"cannot reach the package index (PyPI) to install {spec}: this test needs "
            "network access to it (it is not skipped without)"
            if any(sign in joined for sign in (*NETWORK_SIGNS, NOT_FOUND))
            else f"could not install {spec} in a fresh virtualenv with any of {candidates}"
        )
        return {"failure": f"{headline}\n{joined}"}


@pytest.fixture(scope="session")
def official_venv() -> dict[str, Any]:
    """The official SDK's venv (built on first use, then reused), or why it could not be."""
    info = ensure_official_venv()
    if "failure" not in info:
        state = "reused" if info["reused"] else f"built in {info['build_seconds']} s"
        print(f"\nofficial SDK venv ({state}): {info['version']} via {info['interpreter']}")
    return info


def official_python(venv: dict[str, Any]) -> str:
    """The venv's Python; FAILS the calling test (never skips it) when there is none."""
    if "failure" in venv:
        pytest.fail(venv["failure"], pytrace=False)
    return str(venv["python"])


# --------------------------------------------------------------------------- the driver


def drive(python: str, sandbox: SandboxServer, phase: str, hmac: bool, *extra: str) -> Any:
    """Run one driver phase in the official venv; return its parsed JSON report."""
    cmd = [python, str(DRIVER), phase, "--base-uri", sandbox.url, "--api-key", sandbox.api_key,
           "--api-secret", sandbox.api_secret, *(["--hmac"] if hmac else []), *extra]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=DRIVER_TIMEOUT,
                          env=_clean_env(), cwd=DRIVER.parent, check=False)  # fmt: skip
    assert done.returncode == 0, f"driver {phase} failed:\n{done.stderr}\n{done.stdout}"
    report = json.loads(done.stdout)
    assert report["sdk_version"] == "2.1.3"
    env_dir = Path(python).parent.parent  # .../env/bin/python -> .../env
    assert Path(report["sdk_file"]).is_relative_to(env_dir), report["sdk_file"]  # not ours
    return report


def statuses(sandbox: SandboxServer) -> list[tuple[str, str, int]]:
    return [(e["method"], e["path"], e["status"]) for e in sandbox.request_log()]


def stored(sandbox: SandboxServer, message_id: str) -> dict[str, Any]:
    return next(m for m in sandbox.messages() if m["message_id"] == message_id)


def assert_scheduled_send_crashed_after_storing(step: dict[str, Any], sandbox: SandboxServer):
    """The official bug (API.md 6.7): 202 received, message stored, then the SDK crashes."""
    assert step["crashed"] is True, step
    assert step["error"] == "AttributeError" and "isoformat" in step["reason"], step
    assert step["http_status"] == 202
    assert json.loads(step["raw_body"])["messages"][0]["scheduled"]
    assert stored(sandbox, step["message_id"])["content"] == "official 2.1.3: scheduled"


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("mode", ["basic", "hmac"])
def test_official_sdk_full_flow_is_accepted(official_venv: dict[str, Any], mode: str) -> None:
    python, hmac = official_python(official_venv), mode == "hmac"
    with SandboxServer() as sandbox:
        sent = drive(python, sandbox, "send", hmac)
        steps = sent["steps"]
        assert_scheduled_send_crashed_after_storing(steps["scheduled_send"], sandbox)
        assert steps["cancel"] == {"ok": True, "status": "cancelled", "http_status": 200}
        assert stored(sandbox, steps["scheduled_send"]["message_id"])["status"] == "cancelled"
        assert steps["send"]["ok"] and steps["send"]["status"] == "queued", steps["send"]
        plain_id = steps["send"]["message_id"]
        assert steps["status"] == {"ok": True, "status": "queued"}
        assert isinstance(steps["credits"]["result"]["remaining_credits"], int), steps["credits"]

        sandbox.advance(to_final=True)
        reply = sandbox.inject_reply(plain_id, "Yes please")
        later = drive(python, sandbox, "reports", hmac, "--message-id", plain_id)["steps"]

        assert later["status"] == {"ok": True, "status": "delivered"}
        reports = later["check_delivery_reports"]["items"]
        assert [r["status"] for r in reports] == ["enroute", "submitted", "delivered"]
        assert {r["message_id"] for r in reports} == {plain_id}
        assert later["confirm_delivery_reports"]["ok"]
        assert later["recheck_delivery_reports"] == {"ok": True, "items": []}
        assert later["check_replies"]["items"] == [
            {"reply_id": reply["reply_id"], "content": "Yes please", "message_id": plain_id}
        ]
        assert later["confirm_replies"]["ok"]
        assert later["recheck_replies"] == {"ok": True, "items": []}

        log = sandbox.request_log()
        assert len(log) == 12
        assert [(m, s) for m, _, s in statuses(sandbox) if s >= 400] == []
        assert {e["auth_scheme"] for e in log} == {mode}
        assert [e["method"] for e in log if e["path"].startswith("/v1/messages/")].count("PUT") == 1
        stats = sandbox.stats()
        assert stats["auth_failures"] == 0
        # The official HMAC cancel signs "POST": accepted only through the tolerance.
        assert stats["legacy_put_signatures"] == (1 if hmac else 0)


def test_strict_sandbox_rejects_the_official_hmac_cancel(official_venv: dict[str, Any]) -> None:
    python = official_python(official_venv)
    with SandboxServer(tolerate_put_signed_as_post=False) as sandbox:
        steps = drive(python, sandbox, "send", True)["steps"]
        scheduled_id = steps["scheduled_send"]["message_id"]
        assert_scheduled_send_crashed_after_storing(steps["scheduled_send"], sandbox)
        cancel = steps["cancel"]
        assert cancel["ok"] is False and cancel["response_code"] == 401, cancel
        assert "signature does not match" in cancel["body"]
        assert stored(sandbox, scheduled_id)["status"] == "scheduled"
        assert [(m, s) for m, _, s in statuses(sandbox) if s >= 400] == [("PUT", 401)]
        assert all(steps[name]["ok"] for name in ("send", "status", "credits"))
        assert sandbox.stats()["legacy_put_signatures"] == 0
        assert sandbox.stats()["auth_failures"] == 1

        # Control: our SDK signs the real method, so the strict sandbox accepts its cancel.
        with MessageMediaMessagesClient(sandbox.api_key, sandbox.api_secret, True,
                                        base_uri=sandbox.url) as client:  # fmt: skip
            result = client.messages.cancel_scheduled_message(scheduled_id)
        assert result["status"] == "cancelled"
        assert stored(sandbox, scheduled_id)["status"] == "cancelled"
        assert sandbox.stats()["legacy_put_signatures"] == 0


def test_strict_sandbox_still_accepts_the_official_basic_cancel(
    official_venv: dict[str, Any],
) -> None:
    python = official_python(official_venv)
    with SandboxServer(tolerate_put_signed_as_post=False) as sandbox:
        steps = drive(python, sandbox, "send", False)["steps"]
        assert steps["cancel"] == {"ok": True, "status": "cancelled", "http_status": 200}
        assert [s for _, _, s in statuses(sandbox) if s >= 400] == []
