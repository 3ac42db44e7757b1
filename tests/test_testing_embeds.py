"""`find_embeds` and `assert_embed`: what a page's widget sends, read with the
linter's parser, and failures that name each difference with both values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from demo_site.app import create_app as create_demo
from django.http import HttpResponse, StreamingHttpResponse
from starlette.responses import HTMLResponse
from starlette.routing import Route

from cswidget import SurveyParams, Widget
from cswidget.embeds import Embed, Problem, find_embeds
from cswidget.testing import assert_embed

SCRIPT_SRC = "https://acme.example/survey_widget.js"
WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src=SCRIPT_SRC, segment_keys=["region"])
KATE = {
    "name": "Kate Jones",
    "email": "kate@example.com",
    "site_code": "leeds",
    "region": "north",
    "reference": "INV-2090",
}


def page(body: object) -> str:
    return f"<!doctype html>\n<title>Thanks</title>\n{body}\n"


# --- find_embeds ------------------------------------------------------------


def test_find_embeds_reads_what_the_widget_sends() -> None:
    [embed] = find_embeds(page(WIDGET.embed(KATE, nonce="n0nce")), segment_keys=["region"])
    assert embed == Embed(
        org="acme",
        survey="AKknWccEFf7",
        script_src=SCRIPT_SRC,
        params=SurveyParams(
            customer={"name": "Kate Jones", "email": "kate@example.com"},
            segments={"site_code": "leeds", "region": "north"},
            metadata={"reference": "INV-2090"},
        ),
        consent=None,
        nonce="n0nce",
        init_wired=True,
        findings=(),
        line=4,
        col=1,
    )


@pytest.mark.parametrize(
    "consent",
    ["cookiebot:statistics", "klaro:customersure", "onetrust:C0002", "event:survey-consent"],
)
def test_find_embeds_names_the_consent_gate(consent: str) -> None:
    [embed] = find_embeds(page(WIDGET.embed(KATE, consent=consent, nonce="n0nce")))
    assert (embed.consent, embed.script_src, embed.nonce, embed.init_wired, embed.findings) == (
        consent,
        SCRIPT_SRC,
        "n0nce",
        True,
        (),
    )


def test_a_gated_script_and_an_ungated_one_is_not_gated() -> None:
    html = page(WIDGET.embed(KATE, consent="cookiebot:statistics") + WIDGET.script_tag())
    [embed] = find_embeds(html)
    assert embed.consent is None


def test_find_embeds_without_init_or_with_params_the_widget_refuses() -> None:
    html = page(WIDGET.script_tag() + WIDGET.container())
    html += '<div data-customersure-survey-widget data-widget-params="{}" data-survey-params="[]">'
    first, second = find_embeds(html)
    assert (first.survey, first.params, first.init_wired) == ("AKknWccEFf7", SurveyParams(), False)
    assert [problem.code for problem in first.findings] == ["CSW010"]
    assert (second.org, second.survey, second.params) == (None, None, None)
    # Its own problems, and the page's (in page order).
    assert [str(problem) for problem in second.findings] == [
        "-:3:62: CSW010 CustomerSureSurveyWidget.init() is never called: the widget never starts",
        "-:4:1: CSW008 more than one widget container (the first is at 3:62); the widget uses one",
        '-:4:38: CSW005 data-widget-params has no "org": required',
        '-:4:38: CSW005 data-widget-params has no "survey": required',
        "-:4:62: CSW003 data-survey-params must be a JSON object, not an array",
    ]


def test_no_widget_no_embeds() -> None:
    assert find_embeds("<p>Hello</p>") == []


# --- assert_embed's failures ---------------------------------------------------


def failure(html: str, **expected: Any) -> str:
    with pytest.raises(AssertionError) as failed:
        assert_embed(html, **expected)
    return str(failed.value)


HEADER = "the page's widget embed is not what the test expects:\n"


def test_a_wrong_segment_names_the_key_and_both_values() -> None:
    html = page(WIDGET.embed({**KATE, "site_code": "newcastle"}))
    expected = {"site_code": "leeds", "region": "north"}
    assert failure(html, segments=expected, segment_keys=["region"]) == (
        HEADER + "  segments['site_code']: expected 'leeds', found 'newcastle'"
    )


def test_a_missing_customer_field_and_an_unexpected_one() -> None:
    html = page(WIDGET.embed({"name": "Kate Jones", "telephone_number": "01234 567 890"}))
    assert failure(html, customer={"name": "Kate Jones", "email": "kate@example.com"}) == (
        HEADER + "  customer['email']: expected 'kate@example.com', missing\n"
        "  customer['telephone_number']: not expected, found '01234 567 890'"
    )


def test_a_widget_outside_its_consent_gate() -> None:
    html = page(WIDGET.embed(KATE))
    assert failure(html, consent="cookiebot:statistics") == (
        HEADER + "  consent: expected 'cookiebot:statistics', found None "
        "(the widget script loads without waiting for consent)"
    )
    gated = page(WIDGET.embed(KATE, consent="klaro:customersure"))
    assert failure(gated, consent="cookiebot:statistics") == (
        HEADER + "  consent: expected 'cookiebot:statistics', found 'klaro:customersure'"
    )
    assert failure(gated, consent=False) == (
        HEADER + "  consent: expected none, found 'klaro:customersure' "
        "(the widget script waits for consent)"
    )


def test_an_undeclared_segment_is_metadata_and_the_failure_says_so() -> None:
    html = page(WIDGET.embed({"site_code": "leeds", "region": "north"}))
    assert failure(html, segments={"site_code": "leeds", "region": "north"}) == (
        HEADER + "  segments['region']: expected 'north', missing (it is in metadata: 'north'; "
        "pass segment_keys=['region'] if it is one of your segments)"
    )


def test_values_compare_as_json_does() -> None:
    html = page(WIDGET.embed({"reference": "INV-2090", "gift": True, "items": 1}))
    assert failure(html, metadata={"reference": "INV-2090", "gift": 1, "items": "1"}) == (
        HEADER + "  metadata['gift']: expected 1, found True\n"
        "  metadata['items']: expected '1', found 1"
    )


def test_the_wrong_survey_and_the_wrong_count() -> None:
    assert failure(page(WIDGET.embed()), survey="Chk0ut2166x") == (
        HEADER + "  survey: expected 'Chk0ut2166x', found 'AKknWccEFf7'"
    )
    assert failure(page("<p>No widget</p>")) == (
        HEADER + "  expected 1 widget on the page, found none"
    )
    two = page(WIDGET.embed() + WIDGET.container())
    assert failure(two, lint=False) == (
        HEADER + "  expected 1 widget on the page, found 2: survey 'AKknWccEFf7' at line 4, "
        "survey 'AKknWccEFf7' at line 5"
    )


def test_what_the_linter_finds_fails_unless_lint_is_off() -> None:
    html = page(WIDGET.container(KATE) + WIDGET.script_tag())
    assert failure(html) == (
        HEADER + "  lint: CSW010 CustomerSureSurveyWidget.init() is never called: the widget "
        "never starts (line 3, col 1)"
    )
    assert len(assert_embed(html, lint=False)) == 1


def test_long_and_hostile_values_are_shown_escaped_and_short() -> None:
    html = page(WIDGET.embed({"note": "\u202e" + "x" * 99}))
    message = failure(html, metadata={"note": "y"})
    assert "\u202e" not in message
    found = "'\\u202e" + "x" * 93 + "...(+7 characters)"
    assert message == HEADER + "  metadata['note']: expected 'y', found " + found


# --- what assert_embed reads ----------------------------------------------------


KATE_PAGE = page(WIDGET.embed(KATE, nonce="n0nce"))


def flask_response() -> Any:
    import flask

    app = flask.Flask(__name__)
    app.add_url_rule("/", "thanks", lambda: KATE_PAGE)
    return app.test_client().get("/")


def starlette_response() -> Any:
    # What Starlette's TestClient returns: an httpx response from the app.
    from starlette.applications import Starlette

    async def thanks(request: Any) -> HTMLResponse:
        return HTMLResponse(KATE_PAGE)

    app = Starlette(routes=[Route("/", thanks)])
    with httpx.Client(transport=_sync(app), base_url="http://shop.test") as client:
        return client.get("/")


@pytest.mark.parametrize(
    "make",
    [
        lambda: KATE_PAGE,
        lambda: KATE_PAGE.encode(),
        lambda: HttpResponse(KATE_PAGE),
        lambda: HttpResponse(KATE_PAGE.encode("latin-1", "replace"), charset="latin-1"),
        lambda: StreamingHttpResponse(iter([KATE_PAGE[:50].encode(), KATE_PAGE[50:].encode()])),
        flask_response,
        starlette_response,
        lambda: HTMLResponse(KATE_PAGE),
        lambda: httpx.Response(200, html=KATE_PAGE),
    ],
    ids=[
        "str",
        "bytes",
        "django",
        "django-latin-1",
        "django-streaming",
        "flask",
        "starlette",
        "starlette-response",
        "httpx",
    ],
)
def test_assert_embed_reads_strings_and_test_client_responses(make: Any) -> None:
    [embed] = assert_embed(
        make(), survey="AKknWccEFf7", customer={"name": "Kate Jones", "email": "kate@example.com"}
    )
    assert embed.nonce == "n0nce"


def test_assert_embed_refuses_what_is_not_a_page() -> None:
    with pytest.raises(TypeError, match="reads a str, bytes or a test client's response, not int"):
        assert_embed(42)


# --- every demo page ---------------------------------------------------------------

NONE: dict[str, Any] = {}
REFERENCE = {"customer": NONE, "segments": NONE}
# Each page of the demo site, and the widget it embeds (count=0: none).
DEMO_PAGES: dict[str, dict[str, Any]] = {
    "/": {"count": 0},
    "/prebuilt": {"survey": "AKknWccEFf7", "metadata": NONE, **REFERENCE, "consent": False},
    "/native": {"survey": "AKknWccEFf7", "metadata": NONE, **REFERENCE, "consent": False},
    "/scripted": {
        "survey": "Chk0ut2166x",
        "customer": {"email": "kate@example.com"},
        "segments": NONE,
        "metadata": {"reference": "ORDER-1042"},
    },
    "/deferred": {"survey": "AKknWccEFf7", "metadata": {"reference": "DEFER-1"}, **REFERENCE},
    "/csp": {"survey": "AKknWccEFf7", "metadata": {"reference": "CSP-7"}, **REFERENCE},
    "/logged-in": {
        "survey": "AKknWccEFf7",
        "customer": {
            "name": "Kate Jones",
            "email": "kate@example.com",
            "telephone_number": "01234 567 890",
            "company_name": "Acme Ltd",
            "postcode": "AB1 2CD",
        },
        "segments": {"staff_code": "leia", "site_code": "leeds", "account_type": "business"},
        "metadata": {
            "reference": "INV-2090",
            "machine_id": "a87ee488-645c-432a-817f-6690152da8c9",
            "basket_total": "42.50",
            "delivery": "next-day",
        },
        "segment_keys": ["account_type"],
    },
    # The gallery spreads the hostile corpus over six containers on purpose;
    # the widget itself uses one (CSW008).
    "/hostile": {"survey": "AKknWccEFf7", "count": 6, "lint": False},
    "/builder": {"count": 0},
    **{
        f"/consent?manager={manager}": {
            "survey": "AKknWccEFf7",
            "metadata": {"reference": "CONSENT-1"},
            "consent": consent,
        }
        for manager, consent in (
            ("event", "event:survey-consent"),
            ("cookiebot", "cookiebot:statistics"),
            ("klaro", "klaro:customersure"),
            ("onetrust", "onetrust:C0002"),
        )
    },
    **{
        path: {"survey": "AKknWccEFf7", "metadata": {"reference": "TURBO-1"}, "consent": False}
        for path in ("/turbo", "/turbo/two", "/turbo/form", "/turbo/permanent")
    },
    **{
        path: {"survey": "AKknWccEFf7", "metadata": {"reference": "HTMX-1"}}
        for path in ("/htmx", "/htmx/two")
    },
    # A fragment htmx swaps into a page that already loads the script.
    "/htmx/fragment?n=3": {"metadata": {"reference": "HTMX-3"}, "lint": False},
    "/auto-embed": {"survey": "AKknWccEFf7", "metadata": {"reference": "AUTO-7"}},
    "/sandbox/acme/AKknWccEFf7": {"count": 0},
}


@pytest.fixture(scope="module")
def demo() -> Iterator[httpx.Client]:
    app = create_demo(base_url="http://demo.test")
    with httpx.Client(transport=_sync(app), base_url="http://demo.test") as client:
        yield client


def _sync(app: Any) -> httpx.BaseTransport:
    from cswidget.testing.transports import SandboxTransport

    # The testing kit's own in-process transport serves any ASGI app.
    return SandboxTransport(app)


def test_every_demo_page_is_in_the_table() -> None:
    app = create_demo(base_url="http://demo.test")
    api = {"/openapi.json", "/r/{token}"} | {
        route.path for route in app.routes if isinstance(route, Route) and "{id}" in route.path
    }
    pages = {
        route.path
        for route in app.routes
        if isinstance(route, Route)
        and "GET" in (route.methods or ())
        and route.path not in api
        and not route.path.startswith(("/vendor/", "/feedback_", "/sites", "/staff", "/surveys"))
        and route.path not in ("/favicon.ico", "/nps", "/csat", "/response_rate")
        and not route.path.endswith("_templates")
    }
    tabled = {path.split("?")[0] for path in DEMO_PAGES}
    assert pages - tabled == {"/turbo/permanent/{page:str}", "/sandbox/{org}/{survey}"}
    assert "/sandbox/acme/AKknWccEFf7" in DEMO_PAGES


@pytest.mark.parametrize("path", sorted(DEMO_PAGES))
def test_assert_embed_passes_on_every_demo_page(demo: httpx.Client, path: str) -> None:
    response = demo.get(path)
    assert response.status_code == 200
    expected = DEMO_PAGES[path]
    embeds = assert_embed(response, **expected)
    assert len(embeds) == expected.get("count", 1)
    for embed in embeds:
        assert embed.script_src in (None, "/static/survey_widget.js")


def test_the_demo_pages_fail_as_they_should(demo: httpx.Client) -> None:
    logged_in = demo.get("/logged-in")
    with pytest.raises(AssertionError, match=r"segments\['site_code'\]: expected 'york'"):
        assert_embed(logged_in, segments={"site_code": "york"}, segment_keys=["account_type"])
    prebuilt = demo.get("/prebuilt")
    with pytest.raises(AssertionError, match=r"consent: expected 'cookiebot:\w+', found None"):
        assert_embed(prebuilt, consent="cookiebot:statistics")


def test_problem_and_embed_are_the_linters() -> None:
    from cswidget.cli import lint

    assert lint.Problem is Problem
    assert lint.lint_html.__module__ == "cswidget.embeds"
