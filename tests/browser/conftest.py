"""Chromium through Playwright, for every browser test.

The browser comes from $CSWIDGET_CHROMIUM (set by `make test`, which finds or
installs one) or a chromium on PATH. No browser is a failure, never a skip:
browser tests run for real in CI.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ensure_chromium import on_path

# Chromium's background services try to reach Google, which this network
# refuses; these flags keep the browser quiet and deterministic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str:
    path = os.environ.get("CSWIDGET_CHROMIUM") or on_path()
    if not path:
        pytest.fail(
            "No Chromium: run the tests with `make test`, or set CSWIDGET_CHROMIUM", pytrace=False
        )
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright itself, for its device descriptors (`playwright.devices`)."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


# --- The demo site (demo_site/), served once per session. ---

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# Collects what a page reports: console errors, uncaught exceptions and CSP
# violations (the init script runs before any of the page's own scripts).
WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class PageWatch:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        page.add_init_script(WATCH_SCRIPT)
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations"))

    def problems(self) -> dict[str, list[str]]:
        """Everything that went wrong on the page so far; empty lists when all is well."""
        return {
            "console_errors": self.console_errors,
            "page_errors": self.page_errors,
            "dialogs": self.dialogs,
            "csp_violations": self.csp_violations(),
        }


@pytest.fixture(scope="session")
def demo_url() -> Iterator[str]:
    from demo_site.app import create_app

    from livesrv import serve

    with serve(create_app()) as base_url:
        yield base_url


@pytest.fixture
def watch(page: Page) -> PageWatch:
    return PageWatch(page)


@pytest.fixture
def browser_context_with_clipboard(browser: Browser, demo_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_url)
    yield context
    context.close()
