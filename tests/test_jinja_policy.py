"""The live-page error policy through Jinja: on_error="raise" | "omit"."""

from __future__ import annotations

import logging

import jinja2
import pytest

from cswidget import ValidationError, rules
from cswidget.jinja import WidgetDefaults, WidgetExtension

REJECTED = "<!-- cswidget: survey params rejected: customer.email -->"
PAGE = (
    "<p>{{ cswidget_embed('AKknWccEFf7', customer=customer) }}</p>"
    "<p>{{ cswidget_container('AKknWccEFf7', customer=customer) }}</p>"
    "<p>{{ cswidget_trigger('Feedback', href=href, tag='a') }}</p>"
)
BAD = {"customer": {"email": "not an email"}, "href": "https://acme.example/survey"}


def environment(on_error: str) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=[WidgetExtension])
    env.cswidget = WidgetDefaults(  # type: ignore[attr-defined]
        org="acme",
        script_src="/widget.js",
        on_error=on_error,  # type: ignore[arg-type]
    )
    return env


def test_raise_propagates_the_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        environment("raise").from_string(PAGE).render(**BAD)
    assert caught.value.fields == ("customer.email",)


def test_the_default_is_raise() -> None:
    assert WidgetDefaults(org="acme", script_src="/widget.js").on_error == "raise"


def test_omit_renders_only_the_comment_and_logs_once_per_render(
    caplog: pytest.LogCaptureFixture,
) -> None:
    template = environment("omit").from_string(PAGE)
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        html = template.render(**BAD)
    assert html == (
        f"<p>{REJECTED}</p><p>{REJECTED}</p>"
        '<p><a data-cswidget-toggle aria-haspopup="dialog" href="https://acme.example/survey">'
        "Feedback</a></p>"
    )
    assert "not an email" not in html
    [record] = caplog.records
    assert record.name == "cswidget"
    assert record.levelno == logging.ERROR
    assert record.cswidget_error == {  # type: ignore[attr-defined]
        "message": "Validation error",
        "errors": [
            {
                "resource": "survey_params",
                "field": "customer.email",
                "error": "invalid_format",
                "extra_info": {"valid_format": rules.EMAIL_PATTERN},
            }
        ],
    }
    assert "customer.email: invalid_format" in record.getMessage()

    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        template.render(**BAD)
    assert len(caplog.records) == 1  # a new render logs again


def test_omit_logs_each_distinct_error_of_a_render(caplog: pytest.LogCaptureFixture) -> None:
    template = environment("omit").from_string(
        "{{ cswidget_container('S', customer=customer) }}{{ cswidget_container('S', metadata=m) }}"
    )
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        html = template.render(customer={"email": "not an email"}, m={"x": float("nan")})
    assert html == f"{REJECTED}<!-- cswidget: survey params rejected: metadata.x -->"
    assert [record.cswidget_error["errors"][0]["field"] for record in caplog.records] == [  # type: ignore[attr-defined]
        "customer.email",
        "metadata.x",
    ]


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ("{{ cswidget_embed('not a survey code') }}", "survey"),
        ("{{ cswidget_trigger('Feedback', tag='a', href='javascript:alert(1)') }}", "attrs.href"),
        ("{{ cswidget_trigger('Feedback', tag='marquee') }}", "tag"),
    ],
)
def test_omit_never_hides_what_the_developer_wrote(source: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        environment("omit").from_string(source).render()
    assert caught.value.fields == (field,)


def test_omit_leaves_valid_tags_alone(caplog: pytest.LogCaptureFixture) -> None:
    template = environment("omit").from_string("{{ cswidget_container('AKknWccEFf7') }}")
    assert template.render() == (
        "<div data-customersure-survey-widget data-widget-params="
        '"{&#34;org&#34;:&#34;acme&#34;,&#34;survey&#34;:&#34;AKknWccEFf7&#34;}"></div>'
    )
    assert caplog.records == []


def test_omit_does_not_hide_programming_errors() -> None:
    template = environment("omit").from_string("{{ cswidget_embed('AKknWccEFf7', 1, 2) }}")
    with pytest.raises(TypeError):
        template.render()
