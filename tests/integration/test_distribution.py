"""The distribution a maintainer publishes: built offline, checked, installed, used.

`python -m build` makes the sdist (package, tests, examples, docs sources, benchmarks,
CHANGELOG, RELEASING, tox.ini) and, from it, the wheel (the package alone); `twine check
--strict` passes; the metadata is PEP 639's; the wheel installed into a fresh venv, from
the local wheelhouse only, runs a smoke script against the sandbox.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from test_install_over_official import Venv, ensure_wheelhouse
from test_official_sdk import REPO_ROOT, _clean_env

from message_media_messages import __version__
from message_media_messages.sandbox import SandboxServer

pytestmark = pytest.mark.slow  # builds and installs: run by CI's main pass, not by tox

SMOKE = """
import sys
import message_media_messages as m
client = m.MessageMediaMessagesClient(sys.argv[2], sys.argv[3], True, base_uri=sys.argv[1])
sent = client.messages.send_messages(
    {"messages": [{"content": "smoke", "destination_number": "+61491570156"}]})
status = client.messages.get_message_status(sent.messages[0].message_id)
print(m.__file__, m.__version__, status.status)
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built with the build backend from the local wheelhouse."""
    wheels = ensure_wheelhouse()
    assert "failure" not in wheels, wheels.get("failure")
    out = tmp_path_factory.mktemp("dist")
    env = {**_clean_env(), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": wheels["wheels"]}
    command = [sys.executable, "-m", "build", "--outdir", str(out), str(REPO_ROOT)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel, "wheels": Path(wheels["wheels"])}


def test_twine_check_strict_passes(dist):
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                           str(dist["sdist"]), str(dist["wheel"])],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_the_wheel_holds_the_package_alone(dist):
    names = zipfile.ZipFile(dist["wheel"]).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"message_media_messages", f"message_media_messages-{__version__}.dist-info"}
    assert "message_media_messages/py.typed" in names
    assert "message_media_messages/sandbox/_server.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_sdist_holds_what_a_packager_needs(dist):
    root = f"message_media_messages-{__version__}"
    with tarfile.open(dist["sdist"]) as sdist:
        names = {name.removeprefix(root + "/") for name in sdist.getnames()}
    for needed in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "RELEASING.md",
                   "tox.ini", "docs/conf.py", "docs/index.md", "examples/send_sms.py",
                   "tests/conftest.py", "tests/integration/test_docs.py",
                   "benchmarks/bench_client.py", "message_media_messages/py.typed"):  # fmt: skip
        assert needed in names, needed
    assert not [n for n in names if n.startswith("docs/_build") or "__pycache__" in n]
    assert not [n for n in names if n.startswith((".ci-venv", ".official", ".overlay"))]


def test_the_metadata_is_pep_639_with_user_extras_only(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        text = wheel.read(f"message_media_messages-{__version__}.dist-info/METADATA").decode()
    meta = email.message_from_string(text)
    assert meta["Name"] == "message-media-messages" and meta["Version"] == __version__
    assert meta["License-Expression"] == "Apache-2.0" and meta["License-File"] == "LICENSE"
    assert meta["License"] is None  # the legacy field is gone
    classifiers = meta.get_all("Classifier") or []
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert [c for c in classifiers if c.startswith("Development Status ::")]
    assert not [c for c in classifiers if c.startswith("License ::")]  # PEP 639 forbids both
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {"webhooks", "cli"} <= extras and not extras & {"test", "lint", "docs"}
    assert meta["Requires-Python"] == ">=3.10"


def test_the_wheel_installs_into_a_fresh_venv_and_works(dist, tmp_path):
    venv = Venv(tmp_path, str(dist["wheels"]))
    venv.pip("install", str(dist["wheel"]))
    with SandboxServer() as sandbox:
        done = subprocess.run([venv.python, "-c", SMOKE, sandbox.url, sandbox.api_key,
                               sandbox.api_secret], capture_output=True, text=True, timeout=120,
                              env=_clean_env(), cwd=tmp_path, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        stored = sandbox.messages()
    where, version, status = done.stdout.split()
    assert Path(where).is_relative_to(venv.dir) and version == __version__
    assert status == "queued" and [m["content"] for m in stored] == ["smoke"]
    assert os.path.exists(venv.dir / "bin" / "messagemedia")
