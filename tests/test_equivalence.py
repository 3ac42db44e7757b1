"""Every rendering path gives byte-identical output for the same inputs.

One table of inputs (the hostile corpus included) rendered through the Python
API, the Jinja macros, the Jinja globals and the Django tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
import pytest
from django.template import engines

import hostile
from cswidget import SurveyParams, Widget
from cswidget.jinja import WidgetDefaults, WidgetExtension

ORG = "acme"
SCRIPT_SRC = "https://acme.example/survey_widget.js?v=1&x=<2>"
SEGMENT_KEYS = ["region"]
SEPARATOR = "\n----\n"


@dataclass(frozen=True)
class Case:
    survey: str = "AKknWccEFf7"
    customer: dict[str, Any] | None = None
    segments: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    defer: bool = False
    nonce: str | None = None

    def params(self) -> SurveyParams | None:
        if self.customer is None and self.segments is None and self.metadata is None:
            return None
        return SurveyParams(customer=self.customer, segments=self.segments, metadata=self.metadata)

    def context(self) -> dict[str, Any]:
        return {**self.__dict__, "survey_params": self.params()}


CASES = [
    Case(),
    Case(survey="x", defer=True),
    Case(nonce="bm9uY2U="),
    Case(nonce="a+b/c_d-e==", defer=True),
    Case(customer={"name": "Kate", "email": "kate@example.com"}),
    Case(segments={"site_code": "hq", "staff_code": "luke", "region": "north"}),
    Case(metadata={"reference": "INV-2090", "total": 42.5, "paid": True, "note": None}),
    Case(customer={}, segments={}, metadata={}),
    *(
        Case(customer={"name": value}, segments={"region": value}, metadata={"note": value})
        for value in hostile.VALUES
    ),
    *(Case(metadata={key: key}) for key in hostile.KEYS),
    Case(metadata=dict.fromkeys(hostile.KEYS, "v")),
]

JINJA_MACROS = (
    '{% import "cswidget/macros.html" as cs %}'
    "{{ cs.embed(widget, survey_params, defer=defer, nonce=nonce) }}"
    + SEPARATOR
    + "{{ cs.container(widget, survey_params) }}"
    + SEPARATOR
    + "{{ cs.script(widget, defer=defer, nonce=nonce) }}"
)
JINJA_GLOBALS = (
    "{{ cswidget_embed(survey, customer=customer, segments=segments, metadata=metadata,"
    " defer=defer, nonce=nonce) }}"
    + SEPARATOR
    + "{{ cswidget_container(survey, customer=customer, segments=segments, metadata=metadata) }}"
    + SEPARATOR
    + "{{ cswidget_script(defer=defer, nonce=nonce) }}"
)
DJANGO_TAGS = (
    "{% load cswidget %}"
    "{% cswidget_embed survey customer=customer segments=segments metadata=metadata"
    " defer=defer nonce=nonce %}"
    + SEPARATOR
    + "{% cswidget_container survey customer=customer segments=segments metadata=metadata %}"
    + SEPARATOR
    + "{% cswidget_script defer=defer nonce=nonce %}"
)


def python_api(case: Case) -> str:
    widget = Widget(org=ORG, survey=case.survey, script_src=SCRIPT_SRC, segment_keys=SEGMENT_KEYS)
    params = case.params()
    return SEPARATOR.join(
        [
            widget.embed(params, defer=case.defer, nonce=case.nonce),
            widget.container(params),
            widget.script_tag(defer=case.defer, nonce=case.nonce),
        ]
    )


@pytest.fixture(scope="module")
def jinja_env() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=[WidgetExtension])
    env.cswidget = WidgetDefaults(  # type: ignore[attr-defined]
        org=ORG, script_src=SCRIPT_SRC, segment_keys=SEGMENT_KEYS
    )
    return env


@pytest.fixture
def django_account(settings: Any) -> None:
    settings.CSWIDGET = {"ORG": ORG, "SCRIPT_SRC": SCRIPT_SRC, "SEGMENT_KEYS": SEGMENT_KEYS}


@pytest.mark.usefixtures("django_account")
@pytest.mark.parametrize("case", CASES)
def test_every_path_renders_the_same_bytes(case: Case, jinja_env: jinja2.Environment) -> None:
    expected = python_api(case)
    widget = Widget(org=ORG, survey=case.survey, script_src=SCRIPT_SRC, segment_keys=SEGMENT_KEYS)
    context = case.context()
    macros = jinja_env.from_string(JINJA_MACROS).render(widget=widget, **context)
    globals_ = jinja_env.from_string(JINJA_GLOBALS).render(context)
    django = engines["django"].from_string(DJANGO_TAGS).render(context)
    assert macros == expected
    assert globals_ == expected
    assert django == expected


@pytest.mark.usefixtures("django_account")
@pytest.mark.parametrize("case", [case for case in CASES if case.params() is not None])
def test_flat_params_render_the_same_bytes(case: Case, jinja_env: jinja2.Environment) -> None:
    flat = case.params().to_dict()  # type: ignore[union-attr]
    widget = Widget(org=ORG, survey=case.survey, script_src=SCRIPT_SRC, segment_keys=SEGMENT_KEYS)
    expected = str(widget.container(flat))
    jinja = jinja_env.from_string("{{ cswidget_container(survey, params=flat) }}")
    django = engines["django"].from_string(
        "{% load cswidget %}{% cswidget_container survey params=flat %}"
    )
    assert jinja.render(survey=case.survey, flat=flat) == expected
    assert django.render({"survey": case.survey, "flat": flat}) == expected


def test_the_table_covers_the_hostile_corpus() -> None:
    assert len(CASES) == 8 + len(hostile.VALUES) + len(hostile.KEYS) + 1
