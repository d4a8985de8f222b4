"""Installing this package over the official SDK 2.1.3 in ONE venv, as users migrate.

The official wheel and ours install the same package, ``message_media_messages``. Ours
provides every module path the official one installs (issue 9 items 1 and 8), so
``pip install`` overwrites all of its files and none is left in charge; every endpoint
then works against the sandbox. ``pip uninstall messagemedia-messages-sdk`` afterwards
deletes the files the two share (pip removes what the official RECORD lists), and the
documented repair, ``pip install --force-reinstall --no-deps``, brings ours back.

No package index in the test phase: the wheels (the official SDK, its dependencies, and
the build backend for ours) are downloaded once into ``.overlay-wheelhouse/`` (self-
ignored by git; override with ``OVERLAY_WHEELHOUSE``), by CI's install phase.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_official_sdk import REPO_ROOT, SPEC, _clean_env, _locked, _run, _venv_python

from message_media_messages.sandbox import SandboxServer

HOME = Path(os.environ.get("OVERLAY_WHEELHOUSE") or REPO_ROOT / ".overlay-wheelhouse")
WHEELS = HOME / f"py{sys.version_info[0]}.{sys.version_info[1]}"
# The official SDK and its deps; then our build backend (apart: the official SDK pins an
# older setuptools, so one resolution cannot hold both).
DOWNLOADS = [[SPEC], ["setuptools>=77", "wheel"]]
OBSERVER = Path(__file__).resolve().parent / "official" / "observe_returns.py"
SOURCES = ["pyproject.toml", "MANIFEST.in", "README.md", "LICENSE", "message_media_messages"]
OFFICIAL_DIST = "messagemedia_messages_sdk-2.1.3.dist-info"

pytestmark = pytest.mark.slow  # ~1 min of pip: run by CI's main pass, not by tox


def ensure_wheelhouse() -> dict[str, Any]:
    """The wheel directory for this Python, downloading it first if needed.

    Returns:
        ``wheels`` (the directory) and ``reused``; or only ``failure`` (pip's output).
    """
    with _locked(HOME):
        (HOME / ".gitignore").write_text("*\n")
        ready = WHEELS / "ready.json"
        if ready.exists() and json.loads(ready.read_text()).get("download") == DOWNLOADS:
            return {"wheels": str(WHEELS), "reused": True}
        shutil.rmtree(WHEELS, ignore_errors=True)
        for download in DOWNLOADS:
            cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                   "--no-input", "--retries", "2", "--timeout", "30", "-d", str(WHEELS),
                   *download]  # fmt: skip
            done = _run(cmd, timeout=600)
            if done.returncode != 0:
                why = f"{done.stdout}{done.stderr}"
                head = f"pip download {download} failed (it needs PyPI, in CI's install phase)"
                return {"failure": f"{head}; this test is not skipped without it:\n{why}"}
        ready.write_text(json.dumps({"download": DOWNLOADS}))
        return {"wheels": str(WHEELS), "reused": False}


class Venv:
    """One throw-away virtualenv, driven by subprocesses, installing only from WHEELS."""

    def __init__(self, root: Path, wheels: str) -> None:
        self.dir, self.wheels = root / "env", wheels
        made = _run([sys.executable, "-m", "venv", str(self.dir)], timeout=180)
        assert made.returncode == 0, made.stderr
        self.python = str(_venv_python(self.dir))

    def pip(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [self.python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
        if args[0] == "install":
            cmd += ["--no-index", "--find-links", self.wheels]
        done = _run(cmd, timeout=600)
        assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
        return done

    def imports(self) -> bool:
        """Whether creating a client works, with the venv's package (not the worktree's)."""
        code = ("import message_media_messages.message_media_messages_client as m, "
                "message_media_messages.http.auth as a; m.MessageMediaMessagesClient('k', 's'); "
                "print(m.__file__, a.__file__)")  # fmt: skip
        done = subprocess.run([self.python, "-c", code], capture_output=True, text=True,
                              timeout=60, env=_clean_env(), cwd=self.dir, check=False)  # fmt: skip
        if done.returncode != 0:
            print(done.stderr)  # shown when the test fails
            return False
        files = [Path(word) for word in done.stdout.split()]
        assert files and all(f.is_relative_to(self.dir) for f in files), done.stdout
        return True

    def site_packages(self) -> Path:
        code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        return Path(_run([self.python, "-c", code], timeout=60).stdout.strip())


def source_copy(root: Path) -> Path:
    """What `pip install .` reads, copied out of the worktree (so no build/ lands in it)."""
    target = root / "src"
    for name in SOURCES:
        origin = REPO_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / name)
    return target


def official_files(site: Path) -> list[str]:
    """The package files the official RECORD lists (what its uninstall deletes)."""
    record = (site / OFFICIAL_DIST / "RECORD").read_text().splitlines()
    paths = [line.split(",")[0] for line in record]
    return [p for p in paths if p.startswith("message_media_messages/") and p.endswith(".py")]


def every_endpoint(venv: Venv, hmac: bool) -> dict[str, Any]:
    """Run every endpoint through the venv's package against a fresh sandbox."""
    with SandboxServer() as sandbox:
        steps: dict[str, Any] = {}
        for phase in ("send", "feed"):
            cmd = [venv.python, str(OBSERVER), phase, "--base-uri", sandbox.url,
                   "--api-key", sandbox.api_key, "--api-secret", sandbox.api_secret,
                   *(["--hmac"] if hmac else [])]  # fmt: skip
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                                  env=_clean_env(), cwd=OBSERVER.parent, check=False)  # fmt: skip
            assert done.returncode == 0, done.stderr[-3000:]
            report = json.loads(done.stdout.strip().splitlines()[-1])
            assert Path(report["sdk_file"]).is_relative_to(venv.dir)
            steps.update(report["steps"])
            if phase == "send":
                sandbox.advance(to_final=True)
                sandbox.inject_reply(report["message_id"], "Yes")
        stats = sandbox.stats()
        assert stats["auth_failures"] == 0 and stats["legacy_put_signatures"] == 0
        assert [e["status"] for e in sandbox.request_log() if e["status"] >= 400] == []
    return steps


def assert_all_worked(steps: dict[str, Any]) -> None:
    assert not [name for name, step in steps.items() if "raised" in step], steps
    assert steps["send"]["messages.0.status"]["value"] == "queued"
    assert steps["status"]["status"]["value"] == "queued"
    assert steps["cancel"]["status"]["value"] == "cancelled"
    assert steps["credits"]["kind"] == "dict"
    assert steps["check_drs"]["delivery_reports"]["len"] == 3
    assert steps["check_replies"]["replies"]["len"] == 1
    assert steps["confirm_drs"]["eq_empty_text"] and steps["confirm_replies"]["eq_empty_text"]
    assert steps["recheck_drs"]["delivery_reports"]["len"] == 0
    assert steps["recheck_replies"]["replies"]["len"] == 0


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_install_over_the_official_sdk_then_uninstall_it_and_repair(tmp_path: Path) -> None:
    house = ensure_wheelhouse()
    if "failure" in house:
        pytest.fail(house["failure"], pytrace=False)
    venv = Venv(tmp_path, house["wheels"])
    venv.pip("install", SPEC)
    site = venv.site_packages()
    theirs = official_files(site)
    assert len(theirs) == 43 and "message_media_messages/http/auth/auth_manager.py" in theirs

    src = source_copy(tmp_path)
    venv.pip("install", str(src))  # `pip install message-media-messages`, from this tree
    assert venv.imports()  # 2.x's http/auth/ package no longer shadows ours
    # Nothing of the official SDK is left in charge: each file it installed is now ours.
    for name in theirs:
        assert sha(site / name) == sha(REPO_ROOT / name), name
    assert_all_worked(every_endpoint(venv, hmac=False))
    assert_all_worked(every_endpoint(venv, hmac=True))

    venv.pip("uninstall", "-y", "messagemedia-messages-sdk")
    # pip deleted the files both distributions list: this is why the repair is documented.
    assert not (site / "message_media_messages" / "message_media_messages_client.py").exists()
    assert not venv.imports()

    venv.pip("install", "--force-reinstall", "--no-deps", str(src))  # the documented repair
    assert venv.imports()
    assert_all_worked(every_endpoint(venv, hmac=False))
    listed = venv.pip("list", "--format=json").stdout
    names = {p["name"].lower() for p in json.loads(listed)}
    assert "message-media-messages" in names and "messagemedia-messages-sdk" not in names
