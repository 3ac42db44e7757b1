"""lifecycle_script(): a constant body, a checked nonce, the same through the
macro, the Jinja global and the Django tag; and the docstring examples of the
modules issue 13 added."""

from __future__ import annotations

import doctest
import importlib

import jinja2
import pytest
from django.template import engines

import cswidget.jinja
from cswidget import ValidationError
from cswidget.jinja import WidgetDefaults
from cswidget.lifecycle import LIFECYCLE_BODY, lifecycle_script

NONCE = "cHJvdmVkLW5vbmNl"


def test_exact_output() -> None:
    assert lifecycle_script() == f"<script>{LIFECYCLE_BODY}</script>"
    assert lifecycle_script(nonce=NONCE) == f'<script nonce="{NONCE}">{LIFECYCLE_BODY}</script>'


def test_the_body_listens_for_what_the_docs_promise() -> None:
    for event in (
        '"turbo:load"',
        '"turbo:render"',
        '"turbo:before-cache"',
        '"htmx:load"',
        '"htmx:afterSettle"',
        '"htmx:beforeHistorySave"',
        "MutationObserver",
        "data-turbo-permanent",
        "data-turbo-preview",
        "data-cswidget-initialised",
    ):
        assert event in LIFECYCLE_BODY
    assert "</" not in LIFECYCLE_BODY


@pytest.mark.parametrize("nonce", ["", '"><script>', "a b", "x\n"])
def test_a_bad_nonce_is_refused(nonce: str) -> None:
    with pytest.raises(ValidationError) as raised:
        lifecycle_script(nonce=nonce)
    assert raised.value.fields == ("nonce",)


def test_macro_jinja_global_and_django_tag_render_the_same() -> None:
    env = cswidget.jinja.setup(jinja2.Environment(autoescape=True))
    macro = env.from_string(
        '{% import "cswidget/macros.html" as cs %}{{ cs.lifecycle_script(nonce=nonce) }}'
    ).render(nonce=NONCE)
    extended = jinja2.Environment(autoescape=True, extensions=[cswidget.jinja.widgets])
    extended.cswidget = WidgetDefaults(org="acme", script_src="/w.js")  # type: ignore[attr-defined]
    jinja_global = extended.from_string("{{ cswidget_lifecycle_script() }}").render(csp_nonce=NONCE)
    django_tag = (
        engines["django"]
        .from_string("{% load cswidget %}{% cswidget_lifecycle_script nonce=nonce %}")
        .render({"nonce": NONCE})
    )
    assert macro == jinja_global == django_tag == lifecycle_script(nonce=NONCE)


@pytest.mark.parametrize(
    "name", ["cswidget.consent", "cswidget.sampling", "cswidget.lifecycle", "cswidget.autoembed"]
)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0


@pytest.mark.parametrize("consent", [None, "cookiebot:statistics", "klaro:cs", "event:go"])
def test_cswidget_lint_accepts_lifecycle_and_gated_pages(consent: str | None) -> None:
    from cswidget import Widget
    from cswidget.cli.lint import lint_html

    widget = Widget(org="acme", survey="AKknWccEFf7", script_src="/static/survey_widget.js")
    if consent is None:
        head = widget.script_tag() + lifecycle_script()
        body = widget.container({"name": "Kate"})
    else:
        head, body = "", widget.embed({"name": "Kate"}, consent=consent)
    page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    assert lint_html(page) == []
