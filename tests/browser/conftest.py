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

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

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
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
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
