"""A real headless Chromium for the page tests (Debian's chromium, driven by Playwright).

The browser is the system one: Playwright never downloads its own. Without a browser
the page tests are skipped, except on CI, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def _chromium() -> str | None:
    return os.environ.get("NETMAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    executable = _chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium on this CI machine: scripts/test.sh installs Debian's chromium")
        pytest.skip("no chromium installed (apt-get install chromium, or set NETMAP_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh profile every run
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1600, "height": 900},
        )
        yield context
        context.close()


class Page:
    """One opened map page, with everything it asked for and everything it said."""

    def __init__(self, context, path, viewport=None):
        self.requests: list[str] = []
        self.messages: list[tuple[str, str]] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        if viewport is not None:  # (width, height) of the window the map first opens in
            self.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.messages.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.messages.append(("pageerror", str(e))))

        def dismiss(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", dismiss)
        # The network is cut: any request that is not the file itself is refused.
        self.page.route(
            "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
        )
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-ready='1']", timeout=30_000)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def close(self):
        self.page.close()


@pytest.fixture
def open_page(browser_context):
    pages = []

    def opener(path, viewport=None):
        page = Page(browser_context, path, viewport)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()
