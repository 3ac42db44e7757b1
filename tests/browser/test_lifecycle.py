"""The lifecycle script under the real Turbo (@hotwired/turbo) and htmx
(htmx.org 2.x), installed from package-lock.json and served by the demo:
each new container is initialised exactly once, and the popover opens after
every navigation and swap.
"""

from __future__ import annotations

import pytest
from axecheck import axe_violations
from playwright.sync_api import Page, expect

from conftest import PageWatch

INIT_CALLS = "window.__standInInitCalls"
CLEAN = {"console_errors": [], "page_errors": [], "dialogs": [], "csp_violations": []}
# One marker per window: a full page load would lose it.
SAME_DOCUMENT = "window.__sameDocument === true"


def init_calls(page: Page, expected: int) -> None:
    """Waits until init() has been called `expected` times, then checks that
    one more round trip to the server adds no further call."""
    # A function, not an expression: Playwright evaluates a bare expression
    # with eval, which the page's CSP (no 'unsafe-eval') refuses.
    page.wait_for_function(f"() => {INIT_CALLS} === {expected}")
    page.evaluate("fetch('/static/favicon.svg').then(() => new Promise(requestAnimationFrame))")
    assert page.evaluate(INIT_CALLS) == expected


def popover_opens(page: Page) -> None:
    trigger = page.get_by_role("button", name="Feedback")
    expect(trigger).to_have_count(1)
    trigger.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def mark_document(page: Page) -> None:
    page.evaluate("window.__sameDocument = true")


def test_turbo_navigation_back_and_forth(demo_url: str, page: Page, watch: PageWatch) -> None:
    page.goto(demo_url + "/turbo")
    mark_document(page)
    init_calls(page, 1)
    popover_opens(page)

    page.get_by_role("link", name="Page two").click()
    expect(page.get_by_role("heading", name="Page two")).to_be_visible()
    init_calls(page, 2)
    popover_opens(page)

    page.go_back()
    expect(page.get_by_role("heading", name="Page one")).to_be_visible()
    init_calls(page, 3)
    popover_opens(page)

    page.go_forward()
    expect(page.get_by_role("heading", name="Page two")).to_be_visible()
    init_calls(page, 4)
    popover_opens(page)

    # A visit to a cached page shows a preview first: not initialised.
    page.get_by_role("link", name="Page one").click()
    expect(page.get_by_role("heading", name="Page one")).to_be_visible()
    init_calls(page, 5)
    popover_opens(page)
    assert page.evaluate(SAME_DOCUMENT)
    assert page.locator("[data-customersure-survey-widget]").count() == 1
    assert watch.problems() == CLEAN


def test_turbo_form_rerendered_with_422(demo_url: str, page: Page, watch: PageWatch) -> None:
    page.goto(demo_url + "/turbo/form")
    mark_document(page)
    init_calls(page, 1)
    with page.expect_response(lambda response: response.status == 422):
        page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Please write a comment.")).to_be_visible()
    init_calls(page, 2)
    popover_opens(page)

    page.get_by_label("Comment").fill("Lovely")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Page two")).to_be_visible()
    init_calls(page, 3)
    popover_opens(page)
    assert page.evaluate(SAME_DOCUMENT)
    assert watch.problems()["page_errors"] == []


def test_turbo_permanent_container_is_initialised_once(
    demo_url: str, page: Page, watch: PageWatch
) -> None:
    page.goto(demo_url + "/turbo/permanent")
    mark_document(page)
    init_calls(page, 1)
    container = page.locator("[data-customersure-survey-widget]")
    container.evaluate("element => { element.__kept = true; }")

    page.get_by_role("link", name="Page two").click()
    expect(page.get_by_role("heading", name="Page two")).to_be_visible()
    init_calls(page, 1)
    assert container.evaluate("element => element.__kept === true")
    popover_opens(page)

    page.go_back()
    expect(page.get_by_role("heading", name="Page one")).to_be_visible()
    init_calls(page, 1)
    popover_opens(page)
    assert page.evaluate(SAME_DOCUMENT)
    assert watch.problems() == CLEAN


def test_htmx_fragment_swaps_boosted_links_and_history(
    demo_url: str, page: Page, watch: PageWatch
) -> None:
    page.goto(demo_url + "/htmx")
    mark_document(page)
    init_calls(page, 1)
    popover_opens(page)

    page.get_by_role("button", name="Swap in another survey").click()
    expect(page.get_by_text("Survey fragment 2")).to_be_visible()
    init_calls(page, 2)
    popover_opens(page)

    page.get_by_role("link", name="Page two").click()
    expect(page.get_by_role("heading", name="Page two")).to_be_visible()
    init_calls(page, 3)
    popover_opens(page)

    page.go_back()
    expect(page.get_by_role("heading", name="Page one")).to_be_visible()
    init_calls(page, 4)
    popover_opens(page)
    assert page.evaluate(SAME_DOCUMENT)
    assert page.locator("[data-customersure-survey-widget]").count() == 1
    assert watch.problems() == CLEAN


def test_a_container_inserted_by_other_means(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/htmx")
    init_calls(page, 1)
    page.evaluate(
        """() => {
          const old = document.querySelector('[data-customersure-survey-widget]');
          const copy = document.createElement('div');
          for (const name of ['data-customersure-survey-widget', 'data-widget-params']) {
            copy.setAttribute(name, old.getAttribute(name));
          }
          old.remove();
          document.querySelector('main').append(copy);
        }"""
    )
    init_calls(page, 2)
    popover_opens(page)


# /turbo/form has everything /turbo has, and the form.
DEMO_PAGES = ["/consent?manager=klaro", "/turbo/form", "/htmx", "/auto-embed"]


@pytest.mark.parametrize("path", DEMO_PAGES)
def test_demo_pages_load_cleanly_and_pass_axe(
    demo_url: str, page: Page, watch: PageWatch, path: str
) -> None:
    response = page.goto(demo_url + path)
    assert response is not None
    assert response.status == 200
    assert watch.problems() == CLEAN
    assert axe_violations(page) == []


def test_the_auto_embed_page_gets_its_widget_from_the_middleware(
    demo_url: str, page: Page, watch: PageWatch
) -> None:
    page.goto(demo_url + "/auto-embed")
    init_calls(page, 1)
    popover_opens(page)
    assert watch.problems() == CLEAN
