"""Consent gating in Chromium, for each manager's convention, on the demo's
consent page (fakes of each manager's activation, written from its
documentation: demo_site/static/consent_managers.js).

Before consent: no request to the widget script, no init(). After: exactly
one request and exactly one init(), and the popover opens. Consent given on
an earlier visit works at load.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PageWatch

MANAGERS = ["cookiebot", "klaro", "onetrust", "event"]
SCRIPT_PATH = "/static/survey_widget.js"
INIT_CALLS = "window.__standInInitCalls"
# A function, not an expression: the page's policy has no 'unsafe-eval'.
ONE_INIT = "() => window.__standInInitCalls === 1"
CLEAN = {"console_errors": [], "page_errors": [], "dialogs": [], "csp_violations": []}


class ScriptRequests:
    """Every request the page makes for the widget script."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        page.on("request", self._seen)

    def _seen(self, request: object) -> None:
        url: str = request.url  # type: ignore[attr-defined]
        if url.split("?")[0].endswith(SCRIPT_PATH):
            self.urls.append(url)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def settle(page: Page) -> None:
    """One round trip through the page's event loop and the server: whatever
    the page was going to request or run by now has been."""
    page.evaluate("fetch('/static/favicon.svg').then(() => new Promise(requestAnimationFrame))")


def open_consent_page(
    context: BrowserContext, demo_url: str, manager: str
) -> tuple[Page, ScriptRequests, PageWatch]:
    page = context.new_page()
    requests = ScriptRequests(page)
    watch = PageWatch(page)
    page.goto(f"{demo_url}/consent?manager={manager}")
    return page, requests, watch


@pytest.mark.parametrize("manager", MANAGERS)
def test_nothing_loads_before_consent_and_one_init_after(
    context: BrowserContext, demo_url: str, manager: str
) -> None:
    page, requests, watch = open_consent_page(context, demo_url, manager)
    settle(page)
    assert requests.urls == []
    assert page.evaluate(f"typeof {INIT_CALLS}") == "undefined"
    assert page.locator("script[type='text/plain']").count() == 1

    page.get_by_role("button", name="Accept").click()
    page.wait_for_function(ONE_INIT)
    page.get_by_role("button", name="Feedback").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    settle(page)
    assert page.evaluate(INIT_CALLS) == 1
    assert len(requests.urls) == 1
    assert watch.problems() == CLEAN


# Declining is the same for every manager: nothing activates the tag.
@pytest.mark.parametrize("manager", ["klaro", "event"])
def test_declining_keeps_the_widget_out(
    context: BrowserContext, demo_url: str, manager: str
) -> None:
    page, requests, watch = open_consent_page(context, demo_url, manager)
    page.get_by_role("button", name="Decline").click()
    expect(page.locator("[data-consent-banner]")).to_be_hidden()
    page.reload()
    settle(page)
    assert requests.urls == []
    assert page.evaluate(f"typeof {INIT_CALLS}") == "undefined"
    assert page.locator("[data-customersure-survey-widget]").count() == 1
    assert watch.problems() == CLEAN


@pytest.mark.parametrize("manager", MANAGERS)
def test_consent_from_an_earlier_visit_works_at_load(
    context: BrowserContext, demo_url: str, manager: str
) -> None:
    first, _, _ = open_consent_page(context, demo_url, manager)
    first.get_by_role("button", name="Accept").click()
    first.wait_for_function(ONE_INIT)
    first.close()

    page, requests, watch = open_consent_page(context, demo_url, manager)
    page.wait_for_function(ONE_INIT)
    expect(page.locator("[data-consent-banner]")).to_be_hidden()
    page.get_by_role("button", name="Feedback").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    settle(page)
    assert page.evaluate(INIT_CALLS) == 1
    assert len(requests.urls) == 1
    assert watch.problems() == CLEAN


def test_the_event_gate_carries_the_nonce_under_a_nonce_only_policy(
    page: Page, demo_url: str
) -> None:
    """Without 'strict-dynamic' only nonced scripts run: the gate copies the
    nonce onto the script it activates."""
    from cswidget import Widget

    widget = Widget(org="acme", survey="AKknWccEFf7", script_src=SCRIPT_PATH)
    nonce = "dGVzdC1ub25jZQ"
    html = (
        "<!doctype html><html lang='en'><head><title>t</title></head><body>"
        + widget.embed({"reference": "N-1"}, consent="event:go", nonce=nonce)
        + "</body></html>"
    )
    policy = f"script-src 'nonce-{nonce}'; object-src 'none'"
    page.route(
        demo_url + "/nonce-only",
        lambda route: route.fulfill(
            body=html, content_type="text/html", headers={"Content-Security-Policy": policy}
        ),
    )
    watch = PageWatch(page)
    page.goto(demo_url + "/nonce-only")
    page.evaluate("document.dispatchEvent(new CustomEvent('go'))")
    page.wait_for_function(ONE_INIT)
    assert watch.problems() == CLEAN
