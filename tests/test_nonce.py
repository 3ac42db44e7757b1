"""cswidget.nonce: every shape a real provider publishes, and every way it can be wrong."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from csp.middleware import CheckableLazyObject
from django.template import engines
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject, lazy

from cswidget.jinja import WidgetDefaults, configure
from cswidget.nonce import NonceError, resolve_nonce

NONCE = "bm9uY2U="


def returns_nonce() -> str:
    return NONCE


@pytest.mark.parametrize(
    "value",
    [
        NONCE,
        lazy(returns_nonce, str)(),  # Django's Promise
        SimpleLazyObject(returns_nonce),  # Django's LazyObject (Django 6's LazyNonce is one)
        CheckableLazyObject(returns_nonce),  # django-csp 4's request.csp_nonce
        returns_nonce,  # flask-talisman's csp_nonce template function
    ],
    ids=["str", "promise", "lazy-object", "django-csp", "function"],
)
def test_every_provider_shape_resolves_to_the_plain_nonce(value: object) -> None:
    resolved = resolve_nonce(value, provider="test")
    assert resolved == NONCE
    assert type(resolved) is str


def test_reading_django_csp_s_lazy_nonce_marks_it_used() -> None:
    nonce = CheckableLazyObject(returns_nonce)
    assert not nonce  # django-csp leaves it out of the header
    resolve_nonce(nonce, provider="django-csp")
    assert nonce  # now the header names it


def test_none_and_an_empty_function_result_mean_no_nonce() -> None:
    assert resolve_nonce(None, provider="x") is None
    assert resolve_nonce(lambda: "", provider="x", empty_is_none=True) is None
    assert resolve_nonce(lambda: None, provider="x") is None


def fails() -> str:
    raise RuntimeError("Working outside of request context.")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '"><script>',
            "cswidget: the CSP nonce from P is not a valid nonce (got str '\"><script>'",
        ),
        ("", "cswidget: the CSP nonce from P is not a valid nonce (got str ''"),
        ("a\nb", "cswidget: the CSP nonce from P is not a valid nonce (got str 'a\\\\x0ab'"),
        (4.5, "cswidget: the CSP nonce from P is not a valid nonce (got float '4.5'"),
        (
            fails,
            "cswidget: the CSP nonce function from P raised RuntimeError: "
            "Working outside of request context.",
        ),
        ("x!" * 500, "(+900 characters)"),
    ],
    ids=["markup", "empty", "newline", "float", "raises", "long"],
)
def test_a_bad_nonce_names_its_provider_and_the_fix(value: object, message: str) -> None:
    with pytest.raises(NonceError) as caught:
        resolve_nonce(value, provider="P")
    assert message in str(caught.value)
    assert str(caught.value).endswith(
        "Pass the nonce your Content-Security-Policy header allows (a base64 value), "
        "or check that the CSP middleware runs before the template is rendered."
    )
    assert caught.value.provider == "P"


def test_a_bad_nonce_raises_in_omit_mode_too_in_jinja() -> None:
    env = configure(
        jinja2.Environment(autoescape=True),
        WidgetDefaults(org="acme", script_src="/w.js"),
        on_error="omit",
    )
    with pytest.raises(NonceError, match="from the template variable 'csp_nonce'"):
        env.from_string('{{ cswidget_embed("S") }}').render(csp_nonce="not a nonce")
    with pytest.raises(NonceError, match="from the template function 'csp_nonce'"):
        env.from_string('{{ cswidget_embed("S") }}').render(csp_nonce=fails)


def test_a_bad_nonce_raises_in_omit_mode_too_in_django(settings: Any) -> None:
    settings.CSWIDGET = {**settings.CSWIDGET, "ON_ERROR": "omit"}
    request = RequestFactory().get("/")
    request.csp_nonce = CheckableLazyObject(lambda: "bad nonce")  # type: ignore[attr-defined]
    template = engines["django"].from_string('{% load cswidget %}{% cswidget_embed "S" %}')
    with pytest.raises(NonceError, match=r"from django-csp \(request\.csp_nonce\)"):
        template.render({}, request)


class State:
    pass


class StarletteLikeRequest:
    method = "GET"

    def __init__(self, nonce: str) -> None:
        self.state = State()
        self.state.csp_nonce = nonce  # type: ignore[attr-defined]


class RequestWithNonce:
    method = "GET"

    def __init__(self, nonce: object) -> None:
        self.csp_nonce = nonce


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({}, None),
        ({"csp_nonce": "Y29udGV4dA"}, "Y29udGV4dA"),
        ({"csp_nonce": lambda: "ZnVuY3Rpb24"}, "ZnVuY3Rpb24"),
        ({"csp_nonce": lambda: ""}, None),  # flask-talisman with nonces off
        ({"request": RequestWithNonce(SimpleLazyObject(lambda: "cmVxdWVzdA"))}, "cmVxdWVzdA"),
        ({"request": StarletteLikeRequest("c3RhdGU")}, "c3RhdGU"),
        ({"request": StarletteLikeRequest("c3RhdGU"), "csp_nonce": "d2lucw"}, "d2lucw"),
    ],
    ids=["none", "variable", "function", "talisman-off", "request", "state", "variable-first"],
)
def test_jinja_finds_the_nonce_by_itself(context: dict[str, Any], expected: str | None) -> None:
    env = configure(jinja2.Environment(autoescape=True), WidgetDefaults(org="a", script_src="/w"))
    html = env.from_string("{{ cswidget_init() }}").render(**context)
    nonce = "" if expected is None else f' nonce="{expected}"'
    assert html == f"<script{nonce}>CustomerSureSurveyWidget.init();</script>"


def test_an_explicit_nonce_wins_and_may_be_a_function() -> None:
    env = configure(jinja2.Environment(autoescape=True), WidgetDefaults(org="a", script_src="/w"))
    html = env.from_string("{{ cswidget_init(nonce=f) }}").render(
        f=lambda: "ZXhwbGljaXQ", csp_nonce="eA"
    )
    assert html == '<script nonce="ZXhwbGljaXQ">CustomerSureSurveyWidget.init();</script>'
