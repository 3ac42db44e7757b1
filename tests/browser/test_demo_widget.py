"""The widget stand-in's contract, through the demo pages: trigger, popover,
focus, Escape, toggleWidget(), read-once params, clear errors, responsiveness."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from conftest import PageWatch
from cswidget import Widget, init_script

FOCUS_IN_DIALOG = "document.querySelector('[role=dialog]').contains(document.activeElement)"
STAND_IN = "/static/survey_widget.js"
NOT_FOUND = (
    "CustomerSureSurveyWidget: init() found no [data-customersure-survey-widget] element. "
    "Call init() after the container, or after DOMContentLoaded."
)


def survey_params_sent(page: Page) -> dict[str, object]:
    """The survey params the popover's iframe was given."""
    src = page.locator("iframe.csw-frame").get_attribute("src")
    assert src is not None
    return json.loads(parse_qs(urlsplit(src).query)["survey_params"][0])


def serve_html(page: Page, url: str, html: str) -> None:
    """Answer `url` with `html`, on the demo's origin, so the stand-in loads."""
    page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))


def test_prebuilt_trigger_opens_a_modal_dialog_and_escape_restores_focus(
    demo_url: str, page: Page
) -> None:
    page.goto(demo_url + "/prebuilt")
    trigger = page.get_by_role("button", name="Feedback")
    expect(trigger).to_have_attribute("aria-expanded", "false")
    dialog = page.get_by_role("dialog", name="Tell us what you think")
    expect(dialog).to_be_hidden()

    trigger.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(trigger).to_have_attribute("aria-expanded", "true")
    assert page.evaluate(FOCUS_IN_DIALOG)

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()
    expect(trigger).to_have_attribute("aria-expanded", "false")


def test_close_button_and_escape_inside_the_survey_close_it(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/prebuilt")
    trigger = page.get_by_role("button", name="Feedback")
    dialog = page.get_by_role("dialog")
    trigger.click()
    page.get_by_role("button", name="Close survey").click()
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()

    trigger.click()
    survey = page.frame_locator("iframe.csw-frame")
    survey.get_by_label("Is there anything else you'd like to tell us?").focus()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()


def test_the_rest_of_the_page_is_inert_while_the_dialog_is_open(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/prebuilt")
    page.get_by_role("button", name="Feedback").click()
    assert page.evaluate("document.querySelector('main').inert") is True
    page.keyboard.press("Escape")
    assert page.evaluate("document.querySelector('main').inert") is False


def test_native_trigger_replaces_the_prebuilt_one(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/native")
    native = page.get_by_role("button", name="Tell us how we did")
    assert page.locator(".csw-trigger").count() == 0
    native.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(native).to_be_focused()


def test_toggle_widget_from_script_shows_and_hides(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/native")
    dialog = page.get_by_role("dialog")
    page.evaluate("CustomerSureSurveyWidget.toggleWidget()")
    expect(dialog).to_be_visible()
    page.evaluate("CustomerSureSurveyWidget.toggleWidget()")
    expect(dialog).to_be_hidden()


def test_scripted_page_opens_the_survey_when_checkout_completes(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/scripted")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Order ORDER-1042 confirmed. Thank you!")
    assert survey_params_sent(page) == {"email": "kate@example.com", "reference": "ORDER-1042"}


def test_scripted_page_opens_the_survey_after_its_delay(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/scripted?delay_ms=200")
    expect(page.get_by_role("dialog")).to_be_visible()


def test_deferred_page_initialises_after_domcontentloaded(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/deferred")
    page.get_by_role("button", name="Feedback").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert survey_params_sent(page) == {"reference": "DEFER-1"}


def test_strict_csp_page_works_with_both_triggers(
    demo_url: str, page: Page, watch: PageWatch
) -> None:
    response = page.goto(demo_url + "/csp")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'self'; script-src 'nonce-")
    dialog = page.get_by_role("dialog")
    page.get_by_role("button", name="Rate this page").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Feedback").click()
    expect(dialog).to_be_visible()
    assert watch.csp_violations() == []
    assert watch.console_errors == []


def test_init_twice_adds_nothing(demo_url: str, page: Page, watch: PageWatch) -> None:
    page.goto(demo_url + "/prebuilt")
    page.evaluate("CustomerSureSurveyWidget.init(); CustomerSureSurveyWidget.init()")
    assert page.locator(".csw-trigger").count() == 1
    assert page.locator("[role=dialog]").count() == 1
    assert watch.console_errors == []


def test_survey_params_mutated_after_init_are_not_reparsed(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/logged-in")
    page.evaluate(
        """document.querySelector("[data-customersure-survey-widget]")
             .setAttribute("data-survey-params", '{"name": "Mallory"}')"""
    )
    page.get_by_role("button", name="Feedback").click()
    sent = survey_params_sent(page)
    assert sent["name"] == "Kate Jones"
    survey = page.frame_locator("iframe.csw-frame")
    expect(survey.get_by_label("Name")).to_have_value("Kate Jones")


def test_init_before_the_container_is_reported_and_recoverable(
    demo_url: str, page: Page, watch: PageWatch
) -> None:
    widget = Widget(org="acme", survey="AKknWccEFf7", script_src=STAND_IN)
    # The wrong order: init() runs before the container exists.
    serve_html(
        page,
        demo_url + "/too-early",
        f"<!doctype html><html lang=en><title>t</title><main>{widget.script_tag()}"
        f"{init_script()}{widget.container()}</main></html>",
    )
    page.goto(demo_url + "/too-early")
    assert watch.console_errors == [NOT_FOUND]
    assert page.locator(".csw-trigger").count() == 0
    assert watch.page_errors == []
    # Not broken for good: a later init() finds the container.
    page.evaluate("CustomerSureSurveyWidget.init()")
    expect(page.get_by_role("button", name="Feedback")).to_be_visible()


@pytest.mark.parametrize(
    ("container", "message"),
    [
        (
            "<div data-customersure-survey-widget></div>",
            "CustomerSureSurveyWidget: the container has no data-widget-params; "
            "the widget was not initialised.",
        ),
        (
            '<div data-customersure-survey-widget data-widget-params=\'{"org": "acme"}\'></div>',
            'CustomerSureSurveyWidget: data-widget-params needs a non-empty "survey" string; '
            "the widget was not initialised.",
        ),
        (
            '<div data-customersure-survey-widget data-widget-params=\'{"org": "acme", '
            '"survey": "AKknWccEFf7"}\' data-survey-params=\'[1]\'></div>',
            "CustomerSureSurveyWidget: data-survey-params must be a JSON object; "
            "the widget was not initialised.",
        ),
    ],
)
def test_bad_params_are_reported_without_breaking_the_page(
    demo_url: str, page: Page, watch: PageWatch, container: str, message: str
) -> None:
    serve_html(
        page,
        demo_url + "/bad",
        f"<!doctype html><html lang=en><title>t</title><script src='{STAND_IN}'></script>"
        f"{container}{init_script()}<p id=after>still here</p></html>",
    )
    page.goto(demo_url + "/bad")
    assert watch.console_errors == [message]
    assert watch.page_errors == []
    expect(page.locator("#after")).to_have_text("still here")
    assert page.locator(".csw-trigger").count() == 0


def test_invalid_json_is_reported_without_breaking_the_page(
    demo_url: str, page: Page, watch: PageWatch
) -> None:
    serve_html(
        page,
        demo_url + "/bad-json",
        f"<!doctype html><html lang=en><title>t</title><script src='{STAND_IN}'></script>"
        "<div data-customersure-survey-widget data-widget-params='{oops'></div>"
        f"{init_script()}</html>",
    )
    page.goto(demo_url + "/bad-json")
    assert len(watch.console_errors) == 1
    assert watch.console_errors[0].startswith(
        "CustomerSureSurveyWidget: data-widget-params is not valid JSON ("
    )
    assert watch.console_errors[0].endswith("); the widget was not initialised.")
    assert watch.page_errors == []
    # toggleWidget() without a successful init() says so too.
    page.evaluate("CustomerSureSurveyWidget.toggleWidget()")
    assert watch.console_errors[1:] == [
        "CustomerSureSurveyWidget: toggleWidget() was called before a successful init()."
    ]


def test_popover_is_a_centred_card_on_desktop(demo_url: str, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(demo_url + "/logged-in")
    page.get_by_role("button", name="Feedback").click()
    survey = page.frame_locator("iframe.csw-frame")
    expect(survey.get_by_label("Name")).to_have_value("Kate Jones")
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None
    assert box["width"] == 640
    assert box["x"] == (1280 - 640) / 2
    assert box["y"] == (800 - box["height"]) / 2
    # (Phones: tests/browser/test_demo_layout.py, in real device emulation.)


def test_escape_after_checkout_returns_focus_to_the_checkout_not_body(
    demo_url: str, page: Page
) -> None:
    # "Place order" disables itself, so focus cannot go back to it.
    page.goto(demo_url + "/scripted")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name="Place order")).to_be_disabled()
    expect(page.locator("#checkout")).to_be_focused()


def test_focus_goes_to_the_trigger_when_the_opener_is_gone(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/prebuilt")
    page.evaluate(
        """() => {
          const opener = document.createElement("button");
          opener.id = "opener";
          opener.textContent = "Open";
          opener.addEventListener("click", () => {
            CustomerSureSurveyWidget.toggleWidget();
            opener.remove();
          });
          document.querySelector("main").append(opener);
        }"""
    )
    page.locator("#opener").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Feedback")).to_be_focused()


def test_focus_with_no_trigger_and_no_focusable_opener_is_never_body(
    demo_url: str, page: Page
) -> None:
    page.goto(demo_url + "/native")
    page.evaluate("document.activeElement.blur(); CustomerSureSurveyWidget.toggleWidget()")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_thank_you_view_closes_the_survey_and_returns_focus(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/prebuilt")
    trigger = page.get_by_role("button", name="Feedback")
    trigger.click()
    survey = page.frame_locator("iframe.csw-frame")
    survey.get_by_role("button", name="Send feedback").click()
    expect(survey.get_by_role("heading", level=1)).to_have_text("Thank you")
    survey.get_by_role("button", name="Close").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(trigger).to_be_focused()


CONTRAST = """([fg, bg]) => {
  const rgb = (text) => text.match(/[0-9.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(rgb(fg)), lum(rgb(bg))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""
# Every background the demo's controls sit on: the page, the paper of
# headers and snippets, and the lines between rows.
BACKGROUNDS = ["rgb(255, 255, 255)", "rgb(246, 247, 249)", "rgb(216, 221, 227)"]


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        ("/prebuilt", ".csw-trigger"),
        ("/builder", "#org"),
        ("/", "a.brand"),
        ("/logged-in", "details.snippet summary"),
    ],
)
def test_focus_ring_is_three_to_one_against_every_background(
    demo_url: str, page: Page, path: str, selector: str
) -> None:
    page.goto(demo_url + path)
    page.locator(selector).first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, s.boxShadow]; })()"
    )
    assert ring[0] == "solid"
    assert ring[1] >= 2
    # A white halo under the ring: it is what the ring is always seen against.
    assert ring[3].startswith("rgb(255, 255, 255) 0px 0px 0px 2px")
    for background in BACKGROUNDS:
        assert page.evaluate(CONTRAST, [ring[2], background]) >= 3, background


def test_chips_are_three_to_one_against_their_background(demo_url: str, page: Page) -> None:
    params = '{"site_code":"leeds","reference":"INV-1","colour":"blue"}'
    page.goto(f"{demo_url}/sandbox/acme/AKknWccEFf7?survey_params={params}")
    chips = page.locator(".tag")
    assert chips.count() == 3
    for index in range(chips.count()):
        border, background = chips.nth(index).evaluate(
            "(el) => [getComputedStyle(el).borderTopColor, "
            "getComputedStyle(el.closest('body')).backgroundColor]"
        )
        for around in [background, *BACKGROUNDS[:2]]:
            assert page.evaluate(CONTRAST, [border, around]) >= 3


@pytest.mark.parametrize(("width", "rows"), [(320, 2), (390, 1), (1280, 1)])
def test_survey_targets_are_24px_and_the_scale_is_one_row_or_a_grid(
    demo_url: str, page: Page, width: int, rows: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(demo_url + "/sandbox/acme/AKknWccEFf7")
    scale = page.locator(".choices.rating label")
    assert scale.count() == 11
    boxes = [scale.nth(i).bounding_box() for i in range(11)]
    assert all(box is not None and box["width"] >= 24 and box["height"] >= 24 for box in boxes)
    tops = sorted({round(box["y"]) for box in boxes if box is not None})
    assert len(tops) == rows
    if rows == 2:  # a grid: 0 to 5 over 6 to 10, in columns
        lefts = [round(box["x"]) for box in boxes if box is not None]
        assert lefts[6:] == lefts[:5]
    for target in page.locator(".choices label, button, summary").all():
        box = target.bounding_box()
        assert box is not None
        assert box["width"] >= 24
        assert box["height"] >= 24
