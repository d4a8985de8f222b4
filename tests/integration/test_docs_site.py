"""The documentation site as a reader sees it: built, served, opened in headless Chromium."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "docs" / "_build"
CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by .ci/run; never downloaded
PAGES = {  # page -> words its title holds
    "index.html": "message_media_messages",
    "guides/batch.html": "Batch sending",
    "reference/cli.html": "messagemedia",
}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # no request lines in the test output
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """Build the site with warnings as errors, serve it on 127.0.0.1, yield its URL."""
    html = BUILD / "html"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
               str(ROOT / "docs"), str(html)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_renders_with_navigation_code_and_no_console_errors(site, browser, page):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    tab.on("requestfailed", lambda r: failed.append(r.url))
    assert tab.goto(site + page).status == 200
    assert PAGES[page] in tab.title()
    assert tab.locator(".sidebar-tree a").count() >= 10  # the navigation, every section
    assert tab.locator("div.highlight pre").count() >= 1  # a code block, highlighted
    assert tab.locator("h1").first.is_visible()
    shots = BUILD / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(shots / (page.replace("/", "-").removesuffix(".html") + ".png")))
    assert errors == [] and failed == []
    tab.close()


def test_every_internal_link_resolves(site, browser):
    """Every link from a page of the site to another leads to a page that exists, and its anchor."""
    tab = browser.new_page()
    ids: dict[str, set[str]] = {}  # page URL -> the ids on it
    todo: list[str] = [site]
    links: list[tuple[str, str, str]] = []  # (from, to, anchor)
    while todo:
        url = todo.pop()
        if url in ids:
            continue
        assert tab.goto(url).status == 200, url
        ids[url] = set(tab.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        for href in tab.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target, anchor = urldefrag(urljoin(url, href))
            if urlsplit(target).netloc == urlsplit(site).netloc and target.endswith(".html"):
                links.append((url, target, anchor))
                todo.append(target)
    broken = [link for link in links if link[2] and link[2] not in ids[link[1]]]
    assert len(ids) >= 20 and broken == []
    tab.close()
