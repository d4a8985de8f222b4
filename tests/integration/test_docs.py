"""Every Python example of the documentation site runs, page by page, against the sandbox."""

from pathlib import Path

import pytest
from doc_examples import (
    ROOT,
    VECTOR_BODY,
    VECTOR_HEADERS,
    post_the_vector,
    python_blocks,
    run_blocks,
)

from message_media_messages.models.reply import Reply

DOCS = ROOT / "docs"
PAGES = sorted(
    p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "_build" not in p.parts
)


def run_page(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    return run_blocks(DOCS / page, tmp_path, monkeypatch)


def test_the_site_has_its_pages_and_examples():
    assert {"index.md", "getting-started.md", "troubleshooting.md", "changelog.md"} <= set(PAGES)
    assert sum(len(python_blocks(DOCS / p)) for p in PAGES) >= 15


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(DOCS / p)])
def test_every_example_of_the_page_runs_against_the_sandbox(page, tmp_path, monkeypatch):
    assert run_page(page, tmp_path, monkeypatch)  # reaching here: every block ran


def test_getting_started_sends_and_reads_back(tmp_path, monkeypatch, capsys):
    run_page("getting-started.md", tmp_path, monkeypatch)
    out = capsys.readouterr().out
    assert "queued" in out and "delivered" in out and "'accepted': 250" in out


def test_the_client_guide_does_what_it_says(tmp_path, monkeypatch):
    namespace = run_page("guides/client.md", tmp_path, monkeypatch)
    assert namespace["sub_client"].config.account_id == "SUB-ACCOUNT"  # type: ignore[attr-defined]
    assert namespace["status"].status == "scheduled"  # type: ignore[attr-defined]
    assert [m["content"] for m in namespace["stored"]][:2] == ["Your code is 1234", "A picture"]  # type: ignore[index]


def test_the_batch_guide_sends_the_example_file(tmp_path, monkeypatch):
    result = run_page("guides/batch.md", tmp_path, monkeypatch)["result"]
    assert result.counts["accepted"] > 250 and result.counts["invalid"] > 0  # type: ignore[attr-defined]


def test_the_sandbox_guide_runs_on_its_own_sandbox(tmp_path, monkeypatch, capsys):
    client = run_page("guides/sandbox.md", tmp_path, monkeypatch)["client"]
    assert client.config.base_uri.startswith("http://127.0.0.1:")  # type: ignore[attr-defined]
    assert "'status':" in capsys.readouterr().out


def test_the_webhook_guide_verifies_and_its_apps_answer(tmp_path, monkeypatch, capsys):
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["testserver"], DEFAULT_CHARSET="utf-8")
        django.setup()
    from django.test import RequestFactory

    namespace = run_page("guides/webhooks.md", tmp_path, monkeypatch)
    assert isinstance(namespace["event"], Reply) and callable(namespace["app"])
    flask = namespace["flask_app"].test_client()  # type: ignore[attr-defined]
    view = namespace["messagemedia_webhook"]
    factory = RequestFactory()
    tampered = VECTOR_BODY.replace(b"Hi", b"Ho")
    for body, status in ((VECTOR_BODY, 204), (tampered, 401)):
        assert flask.post("/webhooks/mm", data=body, headers=VECTOR_HEADERS).status_code == status
        request = factory.post("/webhooks/mm", data=body, content_type="application/json",
                               headers=VECTOR_HEADERS)  # fmt: skip
        assert view(request).status_code == status  # type: ignore[operator]
    assert capsys.readouterr().out.count("Reply ") == 2  # once per recipe, never tampered
    for asgi in ("asgi_app", "fastapi_app"):  # Starlette's Mount, FastAPI's mount
        assert post_the_vector(namespace[asgi]) == (200, b'{"ok": true}')
    assert capsys.readouterr().out.count("received Reply") == 2


def test_the_async_guide_s_pytest_example_passes_under_anyio(tmp_path):
    import re
    import subprocess
    import sys

    text = (DOCS / "guides" / "async.md").read_text(encoding="utf-8")
    (example,) = [b for b in re.findall(r"```py\n(.*?)```", text, re.S) if "def test_" in b]
    (tmp_path / "test_example.py").write_text(example, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path / "test_example.py")], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, check=False)  # fmt: skip
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
