"""Code points HTML forbids, lone surrogates and the key cap, on every path.

The page must stay valid HTML whatever the params hold (the W3C Nu checker
holds the whole corpus to that in tests/test_nu_html.py); here the exact
bytes, and the refusals each rendering path gives in the API's language.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2
import pytest
from django.template import engines

import hostile
from cswidget import SurveyParams, ValidationError, Widget, trigger
from cswidget.codepoints import escape_json_text, html_forbidden, text_problem
from cswidget.jinja import WidgetDefaults, WidgetExtension
from cswidget.rules import MAX_PARAMS_KEYS
from cswidget.schemas import validate
from cswidget.widget import encode_json

WIDGET = Widget(org="acme", survey="s1", script_src="/w.js")


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("\x7f", '"\\u007f"'),
        ("\x80", '"\\u0080"'),
        ("\x85", '"\\u0085"'),
        ("\x9f", '"\\u009f"'),
        ("\ufdd0", '"\\ufdd0"'),
        ("\ufdef", '"\\ufdef"'),
        ("\ufffe", '"\\ufffe"'),
        ("\uffff", '"\\uffff"'),
        ("\U0001fffe", '"\\ud83f\\udffe"'),
        ("\U0001ffff", '"\\ud83f\\udfff"'),
        ("\U000efffe", '"\\udb7f\\udffe"'),
        ("\U0010ffff", '"\\udbff\\udfff"'),
        ("a\x7fb\ufffe", '"a\\u007fb\\ufffe"'),
        # Neighbours HTML allows stay as they are.
        (
            "\xa0\ufdcf\ufdf0\ufffd\U0001fffd\U00020000",
            '"\xa0\ufdcf\ufdf0\ufffd\U0001fffd\U00020000"',
        ),
        ("\\u007f", '"\\\\u007f"'),
        ("\x00\x1f", '"\\u0000\\u001f"'),
    ],
)
def test_encode_json_escapes_what_html_forbids(value: str, encoded: str) -> None:
    assert encode_json(value) == encoded
    assert json.loads(encoded) == value
    assert html_forbidden(encode_json({value: value})) == []


def test_the_issue_example_renders_escaped() -> None:
    assert str(WIDGET.container({"note": "a\x7fb\ufffe"})) == (
        '<div data-customersure-survey-widget data-widget-params="{&#34;org&#34;:&#34;acme&#34;,'
        '&#34;survey&#34;:&#34;s1&#34;}" data-survey-params="{&#34;note&#34;:'
        '&#34;a\\u007fb\\ufffe&#34;}"></div>'
    )


def test_forbidden_keys_and_widget_params_are_escaped_too() -> None:
    widget = Widget(org="acme", survey="s1", script_src="/w.js", extra_params={"\ufdd0": "\x85"})
    assert widget.attributes({"k\uffff": "v"}) == {
        "data-customersure-survey-widget": "",
        "data-widget-params": '{"org":"acme","survey":"s1","\\ufdd0":"\\u0085"}',
        "data-survey-params": '{"k\\uffff":"v"}',
    }


def test_escape_json_text_leaves_clean_text_alone() -> None:
    text = '{"name":"Zoë 😀","note":"\\u007f"}'
    assert escape_json_text(text) is text


def test_html_forbidden_names_each_code_point_once() -> None:
    assert html_forbidden("a\x85\x85\U0010fffe\ufdd0b") == ["U+0085", "U+10FFFE", "U+FDD0"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Feedback", None),
        ("tab\there\nand\x0c", None),
        ("a\r\nb", "must not contain CR (carriage return): HTML reads it as a line feed"),
        ("\x00", "must not contain NUL"),
        ("\x01", "must not contain U+0001: HTML forbids it in a document"),
        ("\x0b", "must not contain U+000B: HTML forbids it in a document"),
        ("a\x7f", "must not contain U+007F: HTML forbids it in a document"),
        ("\ufdd0", "must not contain U+FDD0: HTML forbids it in a document"),
        ("\U0010ffff", "must not contain U+10FFFF: HTML forbids it in a document"),
        ("\ud800", "text must not contain lone surrogates (it cannot be encoded as UTF-8)"),
    ],
)
def test_text_problem(text: str, problem: str | None) -> None:
    assert text_problem(text) == problem


def test_trigger_refuses_text_html_cannot_carry() -> None:
    with pytest.raises(ValidationError) as raised:
        trigger("Feedback\x85", title="\ud800")
    assert [error.to_dict() for error in raised.value.errors] == [
        {
            "resource": "trigger",
            "field": "label",
            "error": "invalid_value",
            "extra_info": {"message": "must not contain U+0085: HTML forbids it in a document"},
        },
        {
            "resource": "trigger",
            "field": "attrs.title",
            "error": "invalid_value",
            "extra_info": {
                "message": "text must not contain lone surrogates (it cannot be encoded as UTF-8)"
            },
        },
    ]


@pytest.mark.parametrize("src", ["https://acme.example/w\x85.js", "/w\ud800.js", "/\ufffe"])
def test_script_src_html_cannot_carry_is_refused(src: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Widget(org="acme", survey="s1", script_src=src)
    assert raised.value.fields == ("script_src",)


# -- every path refuses lone surrogates and oversized params -----------------

TOO_MANY = {f"key_{index}": "v" for index in range(MAX_PARAMS_KEYS + 1)}
KEY_CAP_ERROR = {
    "resource": "survey_params",
    "field": "params",
    "error": "wrong_length",
    "extra_info": {"maximum": MAX_PARAMS_KEYS, "message": f"at most {MAX_PARAMS_KEYS} keys"},
}


def _jinja() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=[WidgetExtension])
    env.cswidget = WidgetDefaults(org="acme", script_src="/w.js")  # type: ignore[attr-defined]
    return env


def _python(params: dict[str, Any]) -> object:
    return WIDGET.embed(params)


def _macros(params: dict[str, Any]) -> object:
    env = _jinja()
    return env.from_string('{% import "cswidget/macros.html" as cs %}{{ cs.embed(w, p) }}').render(
        w=WIDGET, p=params
    )


def _jinja_globals(params: dict[str, Any]) -> object:
    return _jinja().from_string("{{ cswidget_embed('s1', params=p) }}").render(p=params)


def _django_tags(params: dict[str, Any]) -> object:
    template = engines["django"].from_string(
        "{% load cswidget %}{% cswidget_embed 's1' params=p %}"
    )
    return template.render({"p": params})


PATHS = [_python, _macros, _jinja_globals, _django_tags]


@pytest.fixture
def django_account(settings: Any) -> None:
    settings.CSWIDGET = {"ORG": "acme", "SCRIPT_SRC": "/w.js", "ON_ERROR": "raise"}


@pytest.mark.usefixtures("django_account")
@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__.strip("_"))
@pytest.mark.parametrize(("value", "error"), hostile.INVALID_VALUES, ids=range(6))
def test_every_path_refuses_invalid_values(path: Any, value: str, error: str) -> None:
    with pytest.raises(ValidationError) as raised:
        path({"name": "Kate", "note": value})
    assert [(e.field, e.error) for e in raised.value.errors] == [("metadata.note", error)]


@pytest.mark.usefixtures("django_account")
@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__.strip("_"))
@pytest.mark.parametrize("key", ["\ud800", "a\udfffb"])
def test_every_path_refuses_lone_surrogate_keys(path: Any, key: str) -> None:
    with pytest.raises(ValidationError) as raised:
        path({key: "v"})
    assert [(e.field, e.error) for e in raised.value.errors] == [
        (f"metadata.{key}", "invalid_value")
    ]


@pytest.mark.usefixtures("django_account")
@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.__name__.strip("_"))
def test_every_path_refuses_more_keys_than_the_cap(path: Any) -> None:
    at_the_cap = dict(list(TOO_MANY.items())[:MAX_PARAMS_KEYS])
    assert "key_99" in str(path(at_the_cap))
    with pytest.raises(ValidationError) as raised:
        path(TOO_MANY)
    assert raised.value.to_dict() == {"message": "Validation error", "errors": [KEY_CAP_ERROR]}


def test_the_cap_counts_every_category_of_survey_params() -> None:
    half = MAX_PARAMS_KEYS // 2
    with pytest.raises(ValidationError) as raised:
        SurveyParams(
            segments={f"s{index}": "v" for index in range(half)},
            metadata={f"m{index}": "v" for index in range(half + 1)},
        )
    assert [error.to_dict() for error in raised.value.errors] == [KEY_CAP_ERROR]


def test_the_cap_counts_org_and_survey_in_widget_params() -> None:
    extra = {f"k{index}": 1 for index in range(MAX_PARAMS_KEYS - 1)}
    with pytest.raises(ValidationError) as raised:
        Widget(org="acme", survey="s1", script_src="/w.js", extra_params=extra)
    assert [(e.field, e.error) for e in raised.value.errors] == [("extra_params", "wrong_length")]
    del extra["k0"]
    assert (
        len(Widget(org="acme", survey="s1", script_src="/w.js", extra_params=extra).widget_params())
        == MAX_PARAMS_KEYS
    )


@pytest.mark.parametrize("name", ["survey-params", "widget-params"])
def test_the_schemas_state_the_same_cap(name: str) -> None:
    instance: dict[str, Any] = {"org": "acme", "survey": "s1"} if name == "widget-params" else {}
    instance.update({f"k{index}": 1 for index in range(MAX_PARAMS_KEYS - len(instance))})
    validate(name, instance)
    instance["one_more"] = 1
    with pytest.raises(ValidationError) as raised:
        validate(name, instance)
    assert [(e.field, e.error) for e in raised.value.errors] == [("(root)", "wrong_length")]


def test_errors_echo_at_most_100_characters_of_a_key() -> None:
    key = "k" * 1_000_000
    with pytest.raises(ValidationError) as raised:
        WIDGET.container({key: "v"})
    (error,) = raised.value.errors
    assert error.field == "metadata." + "k" * 100 + "…"
    assert len(str(raised.value)) < 200


def test_widget_defaults_check_segment_keys_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import cswidget.widget

    calls: list[object] = []
    checked = cswidget.widget._checked_segment_keys

    def counted(keys: Any) -> Any:
        calls.append(keys)
        return checked(keys)

    monkeypatch.setattr(cswidget.widget, "_checked_segment_keys", counted)
    defaults = WidgetDefaults(org="acme", script_src="/w.js", segment_keys=["region"])
    first, second = defaults.widget("s1"), defaults.widget("s2")
    for _ in range(3):
        defaults.container("s3", params={"region": "n"})
    assert len(calls) == 1
    assert (first.survey, second.survey) == ("s1", "s2")
    assert second.segment_keys == ("region",)
    assert str(second.container({"region": "n"})) == str(
        Widget(org="acme", survey="s2", script_src="/w.js", segment_keys=["region"]).container(
            {"region": "n"}
        )
    )
    with pytest.raises(ValidationError) as raised:
        defaults.widget("not a survey")
    assert raised.value.fields == ("survey",)


def test_django_checks_the_setting_once_not_per_render(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    import cswidget.widget

    calls: list[object] = []
    checked = cswidget.widget._checked_segment_keys

    def counted(keys: Any) -> Any:
        calls.append(keys)
        return checked(keys)

    monkeypatch.setattr(cswidget.widget, "_checked_segment_keys", counted)
    settings.CSWIDGET = {"ORG": "acme", "SCRIPT_SRC": "/w.js", "SEGMENT_KEYS": ["zone"]}
    template = engines["django"].from_string(
        "{% load cswidget %}{% cswidget_container 's1' params=p %}"
    )
    for _ in range(3):
        assert "zone" in template.render({"p": {"zone": "n"}})
    assert calls == [["zone"]]
    settings.CSWIDGET = {"ORG": "acme", "SCRIPT_SRC": "/w.js", "SEGMENT_KEYS": ["area"]}
    assert "area" in template.render({"p": {"area": "n"}})
    assert calls == [["zone"], ["area"]]
