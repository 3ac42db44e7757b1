"""The fast checks accept exactly what the published JSON Schemas accept.

jsonschema is the reference; the hot path never calls it. Hypothesis
generates flat params and widget params biased towards the edges (limits,
reserved names, control characters, numbers near 2**53) and the two
implementations must agree on every one.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cswidget import SurveyParams, ValidationError, Widget, schema
from cswidget.schemas import validate
from cswidget.vocabulary import BUILTIN_SEGMENT_KEYS, CUSTOMER_FIELDS, SPECIAL_METADATA_KEYS

SURVEY_SCHEMA = jsonschema.Draft202012Validator(schema("survey-params"))
WIDGET_SCHEMA = jsonschema.Draft202012Validator(schema("widget-params"))
LIMIT = 2**53

interesting_keys = st.sampled_from(
    [
        *CUSTOMER_FIELDS,
        *BUILTIN_SEGMENT_KEYS,
        *SPECIAL_METADATA_KEYS,
        "__proto__",
        "constructor",
        "prototype",
        "",
        "k" * 30,
        "k" * 31,
        "a\x00",
        "\x1f",
        "\x7f",
        "\x9f",
        "\xa0",
        "key\n",
        "😀" * 30,
        "email\u200b",
        "\u202eliame",
        "\ufeff",
        "\udc00",
        "\U000e0041",
    ]
)
keys = st.one_of(interesting_keys, st.text(max_size=32))

emails = st.one_of(
    st.emails().map(str),
    st.sampled_from(["a@b.co", "a@b", "@b.co", "a b@c.de", "a@b.co\n", "a@@b.co", ""]),
    st.text(max_size=20),
)
numbers = st.one_of(
    st.integers(min_value=-LIMIT - 2, max_value=LIMIT + 2),
    st.sampled_from([LIMIT - 1, LIMIT, -LIMIT + 1, -LIMIT, 2**64]),
    st.floats(allow_nan=False),
    st.sampled_from([float(LIMIT - 1), float(LIMIT), 1e300, -0.0]),
)
scalars = st.one_of(
    st.text(max_size=105),
    st.sampled_from(["x" * 100, "x" * 101, "😀" * 100, "😀" * 101, "a\ud800", "\udfff"]),
    numbers,
    st.booleans(),
    st.none(),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=2),
    st.dictionaries(st.text(max_size=3), scalars, max_size=2),
)


# Strategies are built once, here: one built inside a composite is built and
# validated again on every draw.
flat_dicts = st.dictionaries(keys, values, max_size=6)
email_values = st.one_of(emails, scalars)


@st.composite
def flat_params(draw: st.DrawFn) -> dict[str, Any]:
    params = draw(flat_dicts)
    if draw(st.booleans()):
        params["email"] = draw(email_values)
    return params


def fast_accepts_survey_params(params: dict[str, Any]) -> bool:
    try:
        normalised = SurveyParams.from_flat(params)
    except ValidationError:
        return False
    # JSON input is already normal: nothing may change on the way through.
    assert json.dumps(normalised.to_dict(), sort_keys=True) == json.dumps(params, sort_keys=True)
    return True


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(flat_params())
def test_survey_params_fast_checks_equal_the_schema(params: dict[str, Any]) -> None:
    expected = SURVEY_SCHEMA.is_valid(params)
    event("valid" if expected else "invalid")
    assert fast_accepts_survey_params(params) is expected


codes = st.one_of(
    st.from_regex(r"[A-Za-z0-9-]{1,64}", fullmatch=True),
    st.sampled_from(["acme", "a", "-acme", "acme-", "a" * 63, "a" * 64, "acme\n", "AKknWccEFf7"]),
    st.text(max_size=10),
    numbers,
    st.none(),
)
extra_widget_dicts = st.dictionaries(keys, values, max_size=3)


@st.composite
def widget_params(draw: st.DrawFn) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if draw(st.integers(0, 9)):
        params["org"] = draw(codes)
    if draw(st.integers(0, 9)):
        params["survey"] = draw(codes)
    params.update(draw(extra_widget_dicts))
    return params


def fast_accepts_widget_params(params: dict[str, Any]) -> bool:
    extra = {k: v for k, v in params.items() if k not in ("org", "survey")}
    try:
        widget = Widget(
            org=params.get("org"),  # type: ignore[arg-type]
            survey=params.get("survey"),  # type: ignore[arg-type]
            script_src="/w.js",
            extra_params=extra,
        )
    except ValidationError:
        return False
    assert widget.widget_params() == params
    return True


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(widget_params())
def test_widget_params_fast_checks_equal_the_schema(params: dict[str, Any]) -> None:
    expected = WIDGET_SCHEMA.is_valid(params)
    event("valid" if expected else "invalid")
    assert fast_accepts_widget_params(params) is expected


@pytest.mark.parametrize(
    ("params", "valid"),
    [
        ({"name": "Kate", "email": "kate@example.com", "reference": "R1", "n": 1.5}, True),
        ({"email": None, "flag": False, "nothing": None}, True),
        ({"x": "y" * 100}, True),
        ({"x": "y" * 101}, False),
        ({"k" * 31: 1}, False),
        ({"__proto__": 1}, False),
        ({"email": "nope"}, False),
        ({"list": [1]}, False),
        ({"big": LIMIT}, False),
    ],
)
def test_known_examples_agree(params: dict[str, Any], valid: bool) -> None:
    assert SURVEY_SCHEMA.is_valid(params) is valid
    assert fast_accepts_survey_params(params) is valid


def test_schemas_are_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(schema("survey-params"))
    jsonschema.Draft202012Validator.check_schema(schema("widget-params"))


def test_schema_returns_a_fresh_copy() -> None:
    schema("survey-params")["type"] = "array"
    assert schema("survey-params")["type"] == "object"


def test_unknown_schema_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="must be one of: survey-params, widget-params"):
        schema("params")


def test_validate_reports_in_the_api_error_shape() -> None:
    with pytest.raises(ValidationError) as caught:
        validate("widget-params", {"org": "acme"})
    assert caught.value.to_dict() == {
        "message": "Validation error",
        "errors": [
            {
                "resource": "widget",
                "field": "(root)",
                "error": "required",
                "extra_info": {"message": "'survey' is a required property"},
            }
        ],
    }


RENDERER = Widget(org="acme", survey="s1", script_src="/w.js", segment_keys=["region"])


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(flat_params())
def test_the_dict_fast_path_renders_what_from_flat_renders(params: dict[str, Any]) -> None:
    # widget.container(dict) skips building a SurveyParams when it can; it
    # must accept, refuse and render exactly as the general path does.
    def render(build: Any) -> object:
        try:
            return build()
        except ValidationError as error:
            return error.to_dict()

    general = render(
        lambda: RENDERER.container(SurveyParams.from_flat(params, segment_keys=["region"]))
    )
    assert render(lambda: RENDERER.container(params)) == general
