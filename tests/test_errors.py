"""Every validation error, in the API's own error language, exactly."""

from __future__ import annotations

import datetime
import math
import pickle
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

import hostile
from cswidget import FieldError, SurveyParams, ValidationError, Widget, init_script, toggle_script
from cswidget.rules import (
    EMAIL_PATTERN,
    NONCE_PATTERN,
    ORG_PATTERN,
    SCRIPT_SRC_PATTERN,
    SURVEY_PATTERN,
)

CUSTOMER = ["name", "email", "telephone_number", "company_name", "postcode"]
METADATA_DISALLOWED = [*CUSTOMER, "staff_code", "site_code"]
SEGMENT_DISALLOWED = [*CUSTOMER, "reference", "machine_id"]
PROTOTYPE = ["__proto__", "constructor", "prototype"]
TYPES = "must be str, int, float, bool, None, Decimal, date, datetime or UUID"
SAFE = {"greater_than": -(2**53), "less_than": 2**53}
CONTROL = {"message": "keys must not contain control or invisible formatting characters"}
DATE = {"message": "not a date and time between years 1 and 9999 in UTC"}
SURROGATE = {"message": "text must not contain lone surrogates (it cannot be encoded as UTF-8)"}


def widget(**overrides: Any) -> Widget:
    arguments = {"org": "acme", "survey": "AKknWccEFf7", "script_src": "/w.js", **overrides}
    return Widget(**arguments)


def sp(field: str, error: str, extra_info: dict[str, Any]) -> dict[str, Any]:
    return {"resource": "survey_params", "field": field, "error": error, "extra_info": extra_info}


def wd(field: str, error: str, extra_info: dict[str, Any]) -> dict[str, Any]:
    return {"resource": "widget", "field": field, "error": error, "extra_info": extra_info}


CASES: list[tuple[str, Callable[[], object], list[dict[str, Any]]]] = [
    (
        "unknown customer field",
        lambda: SurveyParams(customer={"first_name": "Kate"}),
        [sp("customer.first_name", "invalid_value", {"allowed_values": CUSTOMER})],
    ),
    (
        "bad email",
        lambda: SurveyParams(customer={"email": "kate at example"}),
        [sp("customer.email", "invalid_format", {"valid_format": EMAIL_PATTERN})],
    ),
    (
        "email with a trailing newline",
        lambda: SurveyParams.from_flat({"email": "kate@example.com\n"}),
        [sp("customer.email", "invalid_format", {"valid_format": EMAIL_PATTERN})],
    ),
    (
        "email that is not text",
        lambda: SurveyParams(customer={"email": 42}),
        [sp("customer.email", "invalid_format", {"valid_format": EMAIL_PATTERN})],
    ),
    (
        "key too long",
        lambda: SurveyParams(metadata={"k" * 31: "v"}),
        [sp("metadata." + "k" * 31, "wrong_length", {"maximum": 30})],
    ),
    (
        "value too long",
        lambda: SurveyParams(metadata={"note": "v" * 101}),
        [sp("metadata.note", "wrong_length", {"maximum": 100})],
    ),
    (
        "Decimal too long as text",
        lambda: SurveyParams(metadata={"amount": Decimal("1." + "0" * 100)}),
        [sp("metadata.amount", "wrong_length", {"maximum": 100})],
    ),
    (
        "empty key",
        lambda: SurveyParams(metadata={"": "v"}),
        [sp("metadata.", "wrong_length", {"minimum": 1})],
    ),
    (
        "control character in key",
        lambda: SurveyParams(metadata={"a\nb": "v"}),
        [sp("metadata.a\nb", "forbidden_value", CONTROL)],
    ),
    (
        "prototype keys",
        lambda: SurveyParams(metadata={"__proto__": 1, "constructor": 2, "prototype": 3}),
        [
            sp(f"metadata.{key}", "forbidden_value", {"disallowed_values": PROTOTYPE})
            for key in PROTOTYPE
        ],
    ),
    (
        "key that is not a string",
        lambda: SurveyParams(metadata={7: "v"}),
        [sp("metadata.7", "invalid_value", {"message": "keys must be strings"})],
    ),
    (
        "metadata named like a customer field",
        lambda: SurveyParams(metadata={"email": "kate@example.com"}),
        [sp("metadata.email", "forbidden_value", {"disallowed_values": METADATA_DISALLOWED})],
    ),
    (
        "metadata named like a built-in segment",
        lambda: SurveyParams(metadata={"staff_code": "luke"}),
        [sp("metadata.staff_code", "forbidden_value", {"disallowed_values": METADATA_DISALLOWED})],
    ),
    (
        "metadata named like a segment in the same params",
        lambda: SurveyParams(segments={"region": "n"}, metadata={"region": "s"}),
        [
            sp(
                "metadata.region",
                "forbidden_value",
                {"disallowed_values": [*METADATA_DISALLOWED, "region"]},
            )
        ],
    ),
    (
        "segment named like a customer field or link key",
        lambda: SurveyParams(segments={"email": "x", "reference": "R1"}),
        [
            sp("segments.email", "forbidden_value", {"disallowed_values": SEGMENT_DISALLOWED}),
            sp("segments.reference", "forbidden_value", {"disallowed_values": SEGMENT_DISALLOWED}),
        ],
    ),
    (
        "segment not declared",
        lambda: widget(segment_keys=["region"]).container(
            SurveyParams(segments={"regoin": "north"})
        ),
        [
            sp(
                "segments.regoin",
                "invalid_value",
                {"allowed_values": ["staff_code", "site_code", "region"]},
            )
        ],
    ),
    (
        "metadata named like a declared segment",
        lambda: widget(segment_keys=["region"]).container(SurveyParams(metadata={"region": "n"})),
        [
            sp(
                "metadata.region",
                "forbidden_value",
                {"disallowed_values": [*METADATA_DISALLOWED, "region"]},
            )
        ],
    ),
    (
        "nested list",
        lambda: SurveyParams(metadata={"items": [1, 2]}),
        [sp("metadata.items", "invalid_value", {"message": f"{TYPES}, not list"})],
    ),
    (
        "nested dict",
        lambda: SurveyParams(metadata={"order": {"id": 1}}),
        [sp("metadata.order", "invalid_value", {"message": f"{TYPES}, not dict"})],
    ),
    (
        "NaN and Infinity",
        lambda: SurveyParams(
            metadata={"a": math.nan, "b": math.inf, "c": Decimal("NaN"), "d": -math.inf}
        ),
        [
            sp(
                f"metadata.{key}",
                "invalid_value",
                {"message": "NaN and Infinity are not valid JSON"},
            )
            for key in "abcd"
        ],
    ),
    (
        "integers JSON.parse cannot hold exactly",
        lambda: SurveyParams(metadata={"big": 2**53, "small": -(2**53), "huge": 1e300}),
        [sp(f"metadata.{key}", "invalid_value", SAFE) for key in ("big", "small", "huge")],
    ),
    (
        "lone surrogate",
        lambda: SurveyParams(metadata={"note": "a\ud800b"}),
        [sp("metadata.note", "invalid_value", SURROGATE)],
    ),
    (
        "date out of range once in UTC",
        lambda: SurveyParams(
            metadata={
                "at": datetime.datetime(
                    1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
                )
            }
        ),
        [sp("metadata.at", "invalid_date", DATE)],
    ),
    (
        "params of the wrong type",
        lambda: widget().container(["name", "Kate"]),  # type: ignore[arg-type]
        [sp("params", "invalid_value", {"message": "must be a SurveyParams or a mapping"})],
    ),
    (
        "category of the wrong type",
        lambda: SurveyParams(customer=[("name", "Kate")]),  # type: ignore[arg-type]
        [sp("customer", "invalid_value", {"message": "must be a mapping"})],
    ),
    (
        "bad org and survey",
        lambda: widget(org="acme.evil", survey="a b"),
        [
            wd("org", "invalid_format", {"valid_format": ORG_PATTERN}),
            wd("survey", "invalid_format", {"valid_format": SURVEY_PATTERN}),
        ],
    ),
    (
        "org with a trailing newline",
        lambda: widget(org="acme\n"),
        [wd("org", "invalid_format", {"valid_format": ORG_PATTERN})],
    ),
    (
        "missing script_src",
        lambda: widget(script_src=""),
        [wd("script_src", "required", {})],
    ),
    (
        "missing org and survey",
        lambda: widget(org=None, survey=""),
        [wd("org", "required", {}), wd("survey", "required", {})],
    ),
    (
        "segment_keys that are not a list",
        lambda: widget(segment_keys=5),
        [wd("segment_keys", "invalid_value", {"message": "must be a list of strings"})],
    ),
    (
        "segment_keys that would be misfiled",
        lambda: widget(segment_keys=["region", "email", "reference", ""]),
        [
            wd(
                "segment_keys[1]",
                "forbidden_value",
                {"disallowed_values": [*CUSTOMER, "reference", "machine_id"]},
            ),
            wd(
                "segment_keys[2]",
                "forbidden_value",
                {"disallowed_values": [*CUSTOMER, "reference", "machine_id"]},
            ),
            wd("segment_keys[3]", "wrong_length", {"minimum": 1}),
        ],
    ),
    (
        "extra_params that override org, or are not JSON scalars",
        lambda: widget(extra_params={"org": "other", "theme": ["dark"]}),
        [
            wd("extra_params.org", "forbidden_value", {"disallowed_values": ["org", "survey"]}),
            wd("extra_params.theme", "invalid_value", {"message": f"{TYPES}, not list"}),
        ],
    ),
    (
        "bad nonce",
        lambda: widget().embed(nonce='abc" onload="x'),
        [
            {
                "resource": "script",
                "field": "nonce",
                "error": "invalid_format",
                "extra_info": {"valid_format": NONCE_PATTERN},
            }
        ],
    ),
    (
        "bad nonce on the helpers",
        lambda: (init_script(nonce=""), toggle_script(nonce="")),
        [
            {
                "resource": "script",
                "field": "nonce",
                "error": "invalid_format",
                "extra_info": {"valid_format": NONCE_PATTERN},
            }
        ],
    ),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validation_error(build: Callable[[], object], expected: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.to_dict() == {"message": "Validation error", "errors": expected}


@pytest.mark.parametrize(
    "script_src",
    [
        "javascript:alert(1)",
        "data:text/javascript,alert(1)",
        "http://cdn.example/w.js",
        "//cdn.example/w.js",
        "/\\cdn.example/w.js",
        "https://user:pass@cdn.example/w.js",
        "https://cdn.example/w .js",
        "https://cdn.example/w.js\n",
        "https://cdn.example/\tw.js",
        " https://cdn.example/w.js",
        "ftp://cdn.example/w.js",
        "w.js",
        "http://localhost.evil.example/w.js",
        "http://127.0.0.1.evil.example/w.js",
        "HTTPS://cdn.example/w.js",
    ],
)
def test_unsafe_script_src_is_refused(script_src: str) -> None:
    with pytest.raises(ValidationError) as caught:
        widget(script_src=script_src)
    assert caught.value.to_dict()["errors"] == [
        wd("script_src", "invalid_format", {"valid_format": SCRIPT_SRC_PATTERN})
    ]


@pytest.mark.parametrize(
    "script_src",
    [
        "https://acme.customersure.com/survey_widget.js",
        "https://cdn.example:8443/w.js?v=2#x",
        "/static/survey_widget.js",
        "/",
        "http://localhost:8000/static/survey_widget.js",
        "http://127.0.0.1/w.js",
        "http://[::1]:8000/w.js",
    ],
)
def test_safe_script_src_is_accepted(script_src: str) -> None:
    assert widget(script_src=script_src).script_src == script_src


def test_every_error_is_reported_at_once_in_snippet_order() -> None:
    with pytest.raises(ValidationError) as caught:
        SurveyParams.from_flat(
            {"reference": "x" * 101, "email": "nope", "staff_code": ["a"], "__proto__": 1}
        )
    assert caught.value.fields == (
        "customer.email",
        "segments.staff_code",
        "metadata.reference",
        "metadata.__proto__",
    )


def test_no_partial_snippet_when_params_are_bad() -> None:
    # embed() either returns the whole snippet or raises: nothing is half-built.
    with pytest.raises(ValidationError):
        widget().embed({"email": "nope"}, nonce="ok")


def test_message_names_every_field() -> None:
    error = ValidationError(
        [
            FieldError("survey_params", "customer.email", "invalid_format", {"valid_format": "x"}),
            FieldError("widget", "script_src", "required"),
        ]
    )
    assert str(error) == (
        "Validation error; customer.email: invalid_format (valid_format: 'x'); script_src: required"
    )


def test_validation_error_is_a_value_error_and_pickles() -> None:
    error = ValidationError([FieldError("widget", "org", "required")])
    assert isinstance(error, ValueError)
    assert pickle.loads(pickle.dumps(error)).to_dict() == error.to_dict()


@pytest.mark.parametrize(("key", "error"), hostile.INVALID_KEYS)
def test_hostile_invalid_keys_are_refused_in_every_category(key: str, error: str) -> None:
    for kind, params in [
        ("metadata", {"metadata": {key: "v"}}),
        ("segments", {"segments": {key: "v"}}),
    ]:
        with pytest.raises(ValidationError) as caught:
            SurveyParams(**params)  # type: ignore[arg-type]
        assert [(e.field, e.error) for e in caught.value.errors] == [(f"{kind}.{key}", error)]
    with pytest.raises(ValidationError):
        SurveyParams.from_flat({key: "v"})
    with pytest.raises(ValidationError):
        widget(segment_keys=[key])
