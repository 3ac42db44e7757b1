"""End to end through the demo: a logged-in customer's response reaches the
REST API; the hostile gallery runs nothing and reads back exactly; the
snippet builder copies what it built."""

from __future__ import annotations

import re

import httpx
from demo_site import gallery
from playwright.sync_api import BrowserContext, Page, expect

import hostile
from conftest import PageWatch
from cswidget import Widget
from cswidget.sandbox import DEFAULT_TOKEN as DEMO_API_TOKEN
from cswidget.vocabulary import API_MEDIA_TYPE as MEDIA_TYPE

API_HEADERS = {
    "Accept": MEDIA_TYPE,
    "User-Agent": "Acme Ltd",
    "Authorization": f'Token token="{DEMO_API_TOKEN}"',
}
READ_BACK = """Array.from(document.querySelectorAll("[data-customersure-survey-widget]"),
  (el) => ({widget: JSON.parse(el.getAttribute("data-widget-params")),
            survey: JSON.parse(el.getAttribute("data-survey-params"))}))"""


def test_logged_in_response_reaches_the_rest_api(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/logged-in")
    page.get_by_role("button", name="Feedback").click()
    survey = page.frame_locator("iframe.csw-frame")
    # Visible customer fields are prefilled and editable.
    expect(survey.get_by_label("Email")).to_have_value("kate@example.com")
    survey.get_by_label("Name").fill("Kate J.")
    # Segment questions are preselected from staff_code and account_type.
    expect(survey.get_by_role("radio", name="leia")).to_be_checked()
    expect(survey.get_by_label("What kind of account do you have?")).to_have_value("business")
    survey.get_by_role("radio", name="9").check()
    survey.get_by_role("checkbox", name="Delivery").check()
    survey.get_by_role("checkbox", name="Website").check()
    survey.get_by_label("Is there anything else you'd like to tell us?").fill("Quick delivery.")
    survey.get_by_role("button", name="Send feedback").click()
    expect(survey.get_by_role("status")).to_contain_text("Your feedback was saved as response")
    response_id = int(survey.locator("#response-id").inner_text())

    listed = httpx.get(demo_url + "/feedback_responses", headers=API_HEADERS)
    assert listed.status_code == 200
    newest = listed.json()[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", newest["submitted_at"])
    assert newest.pop("updated_at") == newest.pop("submitted_at")
    assert newest == {
        "id": response_id,
        "reference": "INV-2090",
        "machine_id": "a87ee488-645c-432a-817f-6690152da8c9",
        "fields": {
            "name": "Kate J.",
            "email": "kate@example.com",
            "telephone_number": "01234 567 890",
            "company_name": "Acme Ltd",
            "postcode": "AB1 2CD",
            "site_code": "leeds",
            "staff_code": "leia",
            "account_type": "business",
            "basket_total": "42.50",
            "delivery": "next-day",
        },
        "answers": [
            {
                "question_id": 12345,
                "question": "How likely are you to recommend us to a friend?",
                "answer": "9",
                "type": "Rating",
            },
            {
                "question_id": 12346,
                "question": "Who helped you today?",
                "answer": "leia",
                "type": "Radio",
            },
            {
                "question_id": 12347,
                "question": "What kind of account do you have?",
                "answer": "business",
                "type": "Dropdown",
            },
            {
                "question_id": 12348,
                "question": "What could we do better?",
                "answer": "Delivery, Website",
                "type": "Checkbox",
            },
            {
                "question_id": 12349,
                "question": "Is there anything else you'd like to tell us?",
                "answer": "Quick delivery.",
                "type": "Text",
            },
        ],
        "feedback_request": None,
        "survey": {"id": 277, "name": "Post purchase survey"},
    }


def test_hostile_gallery_runs_nothing_and_reads_back_exactly(
    demo_url: str, page: Page, watch: PageWatch
) -> None:
    expected = gallery.batches(hostile.VALUES, hostile.KEYS)
    page.goto(demo_url + "/hostile")
    seen = page.evaluate(READ_BACK)
    widget_params = Widget(org="acme", survey="AKknWccEFf7", script_src="/").widget_params()
    assert seen == [{"widget": widget_params, "survey": batch} for batch in expected]
    # (Key order is not compared: JavaScript objects list integer-like keys
    # such as "0" first, whatever order the JSON had.)
    assert sum(len(batch) for batch in expected) == len(hostile.VALUES) + len(hostile.KEYS)

    # The survey sandbox renders the first batch, and nothing runs there either.
    page.get_by_role("button", name="Feedback").click()
    survey = page.frame_locator("iframe.csw-frame")
    expect(survey.get_by_role("button", name="Send feedback")).to_be_visible()
    frame = page.frames[1]
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watch.problems() == {
        "console_errors": [],
        "page_errors": [],
        "dialogs": [],
        "csp_violations": [],
    }


def fill_widget_fields(page: Page, org: str = "acme") -> None:
    page.get_by_label("Account subdomain (org)").fill(org)
    page.get_by_label("Survey URL code").fill("AKknWccEFf7")
    page.get_by_label("Widget script URL").fill("https://acme.example/survey_widget.js")


def test_builder_shows_errors_per_field_and_no_snippet(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/builder")
    fill_widget_fields(page, org="not a subdomain")
    page.get_by_label("Key 1").fill("email")
    page.get_by_label("Value 1").fill("not-an-email")
    page.get_by_label("Category 1").select_option("customer")
    page.get_by_role("button", name="Build snippet").click()
    summary = page.get_by_role("region", name="No snippet: 2 problems to fix")
    expect(summary).to_be_focused()
    org = page.get_by_label("Account subdomain (org)")
    expect(org).to_have_attribute("aria-invalid", "true")
    expect(org).to_have_accessible_description(
        re.compile("org must be your CustomerSure account name")
    )
    expect(page.locator("#org-errors")).to_contain_text("org: invalid_format")
    # The value is wrong, not the key: the error sits on the value.
    expect(page.get_by_label("Value 1")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Key 1")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#row-0-value-errors")).to_have_text(
        "customer.email must be an email address such as name@example.com "
        "customer.email: invalid_format"
    )
    # Each summary line leads to its control.
    summary.get_by_role("link", name="Value 1").click()
    expect(page.get_by_label("Value 1")).to_be_focused()
    assert page.locator("#snippet").count() == 0


def test_enter_in_any_field_builds_the_snippet(demo_url: str, page: Page) -> None:
    page.goto(demo_url + "/builder")
    fill_widget_fields(page)
    page.get_by_label("Key 1").fill("reference")
    page.get_by_label("Value 1").fill("INV-2090")
    page.get_by_label("Value 1").press("Enter")
    expect(page.get_by_role("heading", name="Your snippet")).to_be_visible()
    expect(page.get_by_label("Key 5")).to_have_count(0)
    rows = page.locator("table.params tbody tr").evaluate_all(
        "(rows) => rows.map((row) => Array.from(row.cells, (cell) => cell.textContent))"
    )
    assert rows == [
        ["Widget", "org", '"acme"'],
        ["Widget", "survey", '"AKknWccEFf7"'],
        ["Unique metadata (link field)", "reference", '"INV-2090"'],
    ]


def test_builder_snippet_is_the_library_output_and_copies(
    demo_url: str, page: Page, browser_context_with_clipboard: BrowserContext
) -> None:
    page = browser_context_with_clipboard.new_page()
    page.goto(demo_url + "/builder")
    fill_widget_fields(page)
    page.get_by_label("Key 1").fill("reference")
    page.get_by_label("Value 1").fill('INV-2090 "quoted"')
    page.get_by_role("button", name="Build snippet").click()
    expected = Widget(
        org="acme", survey="AKknWccEFf7", script_src="https://acme.example/survey_widget.js"
    ).embed({"reference": 'INV-2090 "quoted"'})
    expect(page.locator("#snippet")).to_have_text(str(expected))
    page.get_by_role("button", name="Copy snippet").click()
    expect(page.get_by_role("status")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == str(expected)
