"""The built site as a reader meets it: a real headless Chromium over a local HTTP server,
with every request outside 127.0.0.1 blocked (the site must need no CDN).

Run only by ``bash scripts/test-site.sh`` (it builds the site and sets
``KUBE_LAB_SITE_TESTS=1``); the main ``pytest`` run skips this module. Needs the built site
(``build/site``), the playwright package and Debian's chromium (never ``playwright install``).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import socket
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from functools import partial
from pathlib import Path

import pytest

if os.environ.get("KUBE_LAB_SITE_TESTS") != "1":
    pytest.skip(
        "browser tests of the docs site: bash scripts/test-site.sh", allow_module_level=True
    )

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def binder_repo() -> str:
    """``extra.binder_repo`` of site/mkdocs.yml (an ``!ENV [BINDER_REPO, default]``)."""
    text = (ROOT / "site" / "mkdocs.yml").read_text()
    m = re.search(r'binder_repo:\s*!ENV\s*\[\s*BINDER_REPO\s*,\s*"([^"]+)"\s*\]', text)
    if m:
        return os.environ.get("BINDER_REPO", m.group(1))
    m = re.search(r"binder_repo:\s*\"?([^\s\"]+)", text)
    assert m, "extra.binder_repo missing from site/mkdocs.yml"
    return m.group(1)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def base_url():
    assert (SITE / "index.html").exists(), "build the site first: mkdocs build -f site/mkdocs.yml"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), partial(_Quiet, directory=str(SITE))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="kube-lab-chromium-") as profile,
        sync_playwright() as p,
    ):
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        with contextlib.suppress(Exception):
            context.close()


LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("[0-9][0-9]-*.ipynb"))


def site_pages() -> list[str]:
    """Every page of the site, as a path relative to its root ("", "lessons/00-welcome/")."""
    pages = []
    for index in sorted(SITE.rglob("index.html")):
        rel = index.parent.relative_to(SITE).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


PAGES = site_pages()


class Visit:
    """A page opened in the browser, with what went wrong while it loaded."""

    def __init__(self, browser, url: str) -> None:
        self.problems: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.problems.append(f"external request: {url}")
            route.abort()

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text} ({msg.location})")

    def _failed(self, request) -> None:
        if request.url.startswith("http://127.0.0.1"):
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self) -> None:
        self.page.close()


_checked: dict[str, int] = {}


def status(url: str) -> int:
    url = urllib.parse.urldefrag(url)[0]
    if url not in _checked:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                _checked[url] = r.status
        except urllib.error.HTTPError as e:
            _checked[url] = e.code
    return _checked[url]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly(browser, base_url, path):
    visit = Visit(browser, base_url + path)
    try:
        page = visit.page
        assert page.title(), "page has no title"
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.currentSrc || e.src, e.complete, e.naturalWidth])"
        )
        for href in links:
            if href.startswith(base_url):
                code = status(href)
                if code != 200:
                    visit.problems.append(f"broken link: {href} ({code})")
        for src, complete, width in images:
            if not complete or width == 0:
                visit.problems.append(f"broken image: {src[:80]}")
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


def test_every_lesson_and_page_is_built():
    assert len(LESSONS) >= 12
    for lesson in LESSONS:
        assert f"lessons/{lesson}/" in PAGES
    for page in (
        "history/",
        "guide/",
        "reference/api/",
        "architecture/",
        "classroom/",
        "glossary/",
        "docs/simulation/",
        "docs/kinds/",
        "docs/history/",
        "lessons/",
    ):
        assert page in PAGES


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_page(browser, base_url, lesson):
    visit = Visit(browser, f"{base_url}lessons/{lesson}/")
    try:
        page = visit.page
        # diagrams and charts: data: images (Graphviz SVG, matplotlib PNG) or inline SVG
        pictures = page.eval_on_selector_all(
            ".jupyter-wrapper img[src^='data:image'], .jupyter-wrapper svg",
            """els => els.map(e => {
                 const r = e.getBoundingClientRect();
                 const ok = e.tagName.toLowerCase() === 'img'
                   ? e.naturalWidth > 0 && e.naturalHeight > 0
                   : e.childElementCount > 0;
                 return [e.tagName.toLowerCase(), ok && r.width > 0 && r.height > 0,
                         (e.getAttribute('src') || '').slice(0, 22)];
               })""",
        )
        shown = [p for p in pictures if p[1]]
        assert shown, f"{lesson}: no diagram or chart shown ({pictures[:5]})"
        # every SVG output of the notebook is on the page
        nb = json.loads((ROOT / "lessons" / f"{lesson}.ipynb").read_text())
        svgs = sum(
            "image/svg+xml" in out.get("data", {})
            for cell in nb["cells"]
            for out in cell.get("outputs", [])
        )
        svg_images = [p for p in shown if p[2].startswith("data:image/svg+xml")]
        assert len(svg_images) >= svgs, f"{lesson}: {len(svg_images)} SVG shown of {svgs}"

        binder = page.locator("a.kl-binder")
        assert binder.count() == 1 and binder.is_visible()
        expected = (
            f"https://mybinder.org/v2/gh/{binder_repo()}/HEAD"
            f"?urlpath=lab/tree/lessons/{lesson}.ipynb"
        )
        assert binder.get_attribute("href") == expected

        download = page.locator("a.kl-download")
        href = download.evaluate("e => e.href")
        with urllib.request.urlopen(href) as r:
            notebook = json.load(r)
        # the lesson's own notebook (widget state and all), not the site's copy
        assert notebook["nbformat"] == 4
        assert notebook["cells"][0]["source"] == nb["cells"][0]["source"]
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


def test_search_finds_replicaset(browser, base_url):
    visit = Visit(browser, base_url)
    try:
        page = visit.page
        box = page.locator("input.md-search__input")
        box.click()
        box.press_sequentially("ReplicaSet", delay=50)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=15000)
        assert results.count() > 0
        text = page.locator(".md-search-result").inner_text()
        assert "ReplicaSet" in text
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


def test_screenshots(browser, base_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in (("home", ""), ("lesson-07", "lessons/07-deployments-and-self-healing/")):
        visit = Visit(browser, base_url + path)
        try:
            out: Path = SCREENSHOTS / f"{name}.png"
            visit.page.screenshot(path=str(out))
            assert out.stat().st_size > 10_000
            if name.startswith("lesson"):  # and the lesson's first diagram, close up
                picture = visit.page.locator(".jupyter-wrapper img[src^='data:image']").first
                picture.scroll_into_view_if_needed()
                visit.page.screenshot(path=str(SCREENSHOTS / f"{name}-diagram.png"))
        finally:
            visit.close()
