"""Every Python example of the documentation site runs, page by page, against the sandbox."""

import re
import shutil
from pathlib import Path

import pytest
from test_readme import VECTOR_BODY, VECTOR_HEADERS, VECTOR_KEY

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.configuration import Configuration

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(
    p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "_build" not in p.parts
)


def blocks(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(encoding="utf-8"), re.S)


def run_page(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Run a page's blocks in order, in one namespace, as a reader would paste them."""
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "recipients.csv", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)  # the batch guide opens examples/recipients.csv
    with SandboxServer() as sandbox:
        sandbox.add_account("API_KEY", "API_SECRET", sub_accounts=["SUB-ACCOUNT"])
        # Pages that leave the host to the default reach the sandbox the legacy way.
        monkeypatch.setattr(Configuration, "base_uri", sandbox.url)
        namespace: dict[str, object] = {
            "__name__": "docs_example",  # a script of its own (Flask(__name__) needs one)
            "client": MessageMediaMessagesClient("API_KEY", "API_SECRET"),  # Getting started's
            "raw_body": VECTOR_BODY,
            "request_headers": VECTOR_HEADERS,
            "PUBLIC_KEY_B64": VECTOR_KEY,
        }
        for block in blocks(page):
            exec(compile(block, str(DOCS / page), "exec"), namespace)
        namespace["stored"] = sandbox.messages()
    return namespace


def test_the_site_has_its_pages_and_examples():
    assert {"index.md", "getting-started.md", "troubleshooting.md", "changelog.md"} <= set(PAGES)
    assert sum(len(blocks(p)) for p in PAGES) >= 12


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p)])
def test_every_example_of_the_page_runs_against_the_sandbox(page, tmp_path, monkeypatch):
    namespace = run_page(page, tmp_path, monkeypatch)
    assert namespace  # reaching here means every block ran without raising


def test_getting_started_sends_and_reads_back(tmp_path, monkeypatch, capsys):
    run_page("getting-started.md", tmp_path, monkeypatch)
    out = capsys.readouterr().out
    assert "queued" in out and "delivered" in out and "'accepted': 250" in out


def test_the_flask_and_django_recipes_answer_as_the_wsgi_app_does(tmp_path, monkeypatch, capsys):
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["testserver"], DEFAULT_CHARSET="utf-8")
        django.setup()
    from django.test import RequestFactory

    namespace = run_page("guides/webhooks.md", tmp_path, monkeypatch)
    flask = namespace["flask_app"].test_client()  # type: ignore[attr-defined]
    view = namespace["messagemedia_webhook"]
    factory = RequestFactory()
    tampered = VECTOR_BODY.replace(b"Hi", b"Ho")
    for body, status in ((VECTOR_BODY, 204), (tampered, 401)):
        assert flask.post("/webhooks/mm", data=body, headers=VECTOR_HEADERS).status_code == status
        request = factory.post("/webhooks/mm", data=body, content_type="application/json",
                               headers=VECTOR_HEADERS)  # fmt: skip
        assert view(request).status_code == status  # type: ignore[operator]
    assert capsys.readouterr().out.count("Reply ") == 2  # handled once per recipe, never tampered
