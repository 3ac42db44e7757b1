"""{% load cswidget %} through Django's real template engine and test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.template import engines
from django.test import Client, RequestFactory

from cswidget import ValidationError

WIDGET_PARAMS = (
    'data-widget-params="{&#34;org&#34;:&#34;acme&#34;,&#34;survey&#34;:&#34;AKknWccEFf7&#34;}"'
)
CONTAINER = f"<div data-customersure-survey-widget {WIDGET_PARAMS}></div>"
CONTAINER_KATE = (
    f"<div data-customersure-survey-widget {WIDGET_PARAMS} "
    'data-survey-params="{&#34;name&#34;:&#34;Kate&#34;,&#34;region&#34;:&#34;north&#34;,'
    '&#34;reference&#34;:&#34;INV-2090&#34;}"></div>'
)
NONCE = "cHJvdmVkLW5vbmNl"


def render(source: str, request: HttpRequest | None = None, **context: Any) -> str:
    template = engines["django"].from_string("{% load cswidget %}" + source)
    return template.render(context, request)


def test_embed_with_customer_segments_and_metadata() -> None:
    html = render(
        '{% cswidget_embed "AKknWccEFf7" customer=c segments=s metadata=m %}',
        c={"name": "Kate"},
        s={"region": "north"},
        m={"reference": "INV-2090"},
    )
    assert html == (
        '<script src="/widget.js"></script>\n'
        f"{CONTAINER_KATE}\n"
        "<script>CustomerSureSurveyWidget.init();</script>"
    )


def test_flat_params_are_classified_with_the_settings_segment_keys() -> None:
    html = render(
        '{% cswidget_container "AKknWccEFf7" params=p %}',
        p={"name": "Kate", "region": "north", "reference": "INV-2090"},
    )
    assert html == CONTAINER_KATE


def test_no_params_means_no_survey_params_attribute() -> None:
    assert render('{% cswidget_container "AKknWccEFf7" %}') == CONTAINER


def test_script_init_toggle_and_trigger() -> None:
    assert render("{% cswidget_script defer=True %}") == '<script src="/widget.js" defer></script>'
    assert render("{% cswidget_init %}") == "<script>CustomerSureSurveyWidget.init();</script>"
    assert render("{% cswidget_toggle_script %}").startswith(
        '<script>document.addEventListener("click",'
    )
    assert render(
        '{% cswidget_trigger "Feedback" class_="btn" aria_label=label %}', label="<Tell>"
    ) == (
        '<button type="button" data-cswidget-toggle aria-haspopup="dialog" class="btn" '
        'aria-label="&lt;Tell&gt;">Feedback</button>'
    )


def test_tags_can_be_stored_with_as() -> None:
    html = render('{% cswidget_container "AKknWccEFf7" as box %}[{{ box }}]')
    assert html == f"[{CONTAINER}]"


def test_the_nonce_defaults_to_request_csp_nonce() -> None:
    request = RequestFactory().get("/")
    request.csp_nonce = NONCE  # type: ignore[attr-defined]
    html = render('{% cswidget_embed "AKknWccEFf7" %}{% cswidget_toggle_script %}', request)
    assert html.startswith(
        f'<script src="/widget.js" nonce="{NONCE}"></script>\n'
        f"{CONTAINER}\n"
        f'<script nonce="{NONCE}">CustomerSureSurveyWidget.init();</script>'
        f'<script nonce="{NONCE}">document.addEventListener("click",'
    )
    assert render('{% cswidget_init nonce="YWJj" %}', request) == (
        '<script nonce="YWJj">CustomerSureSurveyWidget.init();</script>'
    )


def test_a_page_through_the_test_client_and_the_real_django_csp() -> None:
    response = Client().get("/", {"name": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    # django-csp 4 names the nonce in the header only because the tags read it.
    # (django-csp writes the directives in no fixed order.)
    directives = sorted(
        part.strip() for part in response.headers["Content-Security-Policy"].split(";")
    )
    match = re.fullmatch(
        r"default-src 'self'\|script-src 'self' 'nonce-([A-Za-z0-9+/]{22}==)'", "|".join(directives)
    )
    assert match is not None
    assert response.content.decode().replace(match.group(1), NONCE) == (
        "<!doctype html>\n<title>Order</title>\n<p>Thanks for your order.</p>\n"
        f'<script src="/widget.js" nonce="{NONCE}"></script>\n'
        f"<div data-customersure-survey-widget {WIDGET_PARAMS} data-survey-params="
        '"{&#34;name&#34;:&#34;\\&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;,'
        "&#34;email&#34;:&#34;kate@example.com&#34;,&#34;reference&#34;:&#34;INV-2090&#34;,"
        '&#34;total&#34;:42}"></div>\n'
        f'<script nonce="{NONCE}">CustomerSureSurveyWidget.init();</script>\n'
    )


def test_user_params_of_the_logged_in_user() -> None:
    request = RequestFactory().get("/")
    request.user = User(first_name="Kate", last_name="Bush", email="kate@example.com")
    html = render(
        "{% cswidget_user_params as user_params %}"
        '{% cswidget_container "AKknWccEFf7" params=user_params metadata=m %}',
        request,
        m={"reference": "INV-2090"},
    )
    assert html == (
        f"<div data-customersure-survey-widget {WIDGET_PARAMS} data-survey-params="
        '"{&#34;name&#34;:&#34;Kate Bush&#34;,&#34;email&#34;:&#34;kate@example.com&#34;,'
        '&#34;reference&#34;:&#34;INV-2090&#34;}"></div>'
    )


def test_user_params_of_an_anonymous_user_are_empty() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render(
        "{% cswidget_user_params as user_params %}"
        '{% cswidget_container "AKknWccEFf7" params=user_params %}',
        request,
    )
    assert html == (
        f'<div data-customersure-survey-widget {WIDGET_PARAMS} data-survey-params="{{}}"></div>'
    )


def shouting_user_params(user: object) -> dict[str, str]:
    return {"name": "KATE", "staff_code": "luke"}


def test_user_params_can_be_overridden_in_one_setting(settings: Any) -> None:
    settings.CSWIDGET = {**settings.CSWIDGET, "USER_PARAMS": f"{__name__}.shouting_user_params"}
    html = render(
        "{% cswidget_user_params as user_params %}"
        '{% cswidget_container "AKknWccEFf7" params=user_params %}',
        RequestFactory().get("/"),
    )
    assert html == (
        f"<div data-customersure-survey-widget {WIDGET_PARAMS} data-survey-params="
        '"{&#34;name&#34;:&#34;KATE&#34;,&#34;staff_code&#34;:&#34;luke&#34;}"></div>'
    )


def test_bad_params_raise_in_tests_by_default() -> None:
    with pytest.raises(ValidationError) as caught:
        render('{% cswidget_embed "AKknWccEFf7" customer=c %}', c={"email": "nope"})
    assert caught.value.fields == ("customer.email",)
