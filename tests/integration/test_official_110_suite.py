"""The official 1.1.0 test suite, run unchanged against THIS package and the sandbox.

The 1.1.0 wheel ships its controller tests (a top-level ``tests`` package). They create
``MessageMediaMessagesClient()`` with no credentials, then set
``Configuration.basic_auth_user_name`` / ``basic_auth_password`` from the environment, set
``controller.http_call_back`` to a response catcher, build bodies with
``APIHelper.json_deserialize`` and assert on ``status_code``, ``headers`` and ``raw_body``
(API.md 6.9, 9). They are copied out of the 1.1.0 venv (built by ``test_official_sdk``)
and run with our Python; the only change is the base URI, set the official way (and, on
Python 3.12+, which removed it, the ``assertEquals`` alias those tests use).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_official_sdk import SPEC_110, VENV_HOME_110, _clean_env, ensure_official_venv

from message_media_messages.sandbox import SandboxServer

RUNNER = (
    "import sys, unittest\n"
    "if not hasattr(unittest.TestCase, 'assertEquals'):  # removed by Python 3.12, used in 2017\n"
    "    unittest.TestCase.assertEquals = unittest.TestCase.assertEqual\n"
    "from message_media_messages.configuration import Configuration\n"
    "Configuration.base_uri = sys.argv[1]  # the one change: the API root\n"
    "unittest.main(module=None, argv=['1.1.0', 'discover', '-s', 'tests', '-t', '.', '-v'])\n"
)


@pytest.fixture(scope="module")
def official_110_tests() -> Path:
    info: dict[str, Any] = ensure_official_venv(VENV_HOME_110, SPEC_110)
    if "failure" in info:
        pytest.fail(info["failure"], pytrace=False)
    found = sorted(Path(info["python"]).parent.parent.glob("lib/python*/site-packages/tests"))
    assert found, "the 1.1.0 wheel ships its tests package"
    return found[0]


def test_the_official_1_1_0_suite_passes(official_110_tests: Path, tmp_path: Path) -> None:
    shutil.copytree(official_110_tests, tmp_path / "tests",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    with SandboxServer() as sandbox:
        env = {**_clean_env(), "MessageMediaApiTestsKey": sandbox.api_key,
               "MessageMediaApiTestsSecret": sandbox.api_secret}  # fmt: skip
        env.pop("MESSAGEMEDIA_API_KEY", None)
        env.pop("MESSAGEMEDIA_API_SECRET", None)
        done = subprocess.run([sys.executable, "-c", RUNNER, sandbox.url], capture_output=True,
                              text=True, timeout=120, env=env, cwd=tmp_path,
                              check=False)  # fmt: skip
        log = sandbox.request_log()
    report = done.stderr  # unittest reports on stderr
    assert done.returncode == 0, report[-4000:]
    assert "Ran 5 tests" in report and report.rstrip().endswith("OK"), report[-2000:]
    assert "test_confirm_replies_as_received_1" in report
    # Every test reached the sandbox, signed with the credentials set on the class.
    assert len(log) == 5 and {e["account"] for e in log} == {sandbox.api_key}
    assert sorted(e["status"] for e in log) == [200, 200, 202, 202, 202]
