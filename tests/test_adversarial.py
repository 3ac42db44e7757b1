"""Hostile Python objects: subclasses and odd values may not bend the rules.

Each case comes from a hostile-input review of the library's own output.
"""

from __future__ import annotations

import copy
import datetime
import pickle
import uuid
from decimal import Decimal

import pytest

import cswidget.schemas
from cswidget import SurveyParams, ValidationError, Widget, trigger

WIDGET = Widget(org="acme", survey="S1", script_src="/w.js")


class LiarKey(str):
    """Equal to nothing: would dodge `key in (...)` checks if they trusted it."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = str.__hash__


class SneakyTag(str):
    def __eq__(self, other: object) -> bool:
        return other == "button"

    def __hash__(self) -> int:
        return hash("button")


class ScriptNumber(int):
    def __str__(self) -> str:
        return "javascript:window.__pwned=1"


class WeirdOffset(datetime.tzinfo):
    def utcoffset(self, moment: datetime.datetime | None) -> datetime.timedelta:
        return datetime.timedelta(hours=30)


class LongUUID(uuid.UUID):
    def __str__(self) -> str:
        return "\ud800" + "y" * 300


class IntDecimal(Decimal):
    def __str__(self) -> str:
        return 5  # type: ignore[return-value]


def test_str_subclass_keys_are_classified_by_their_characters() -> None:
    with pytest.raises(ValidationError) as caught:
        WIDGET.container({"email": "kate@example.com", LiarKey("email"): "not an email"})
    assert caught.value.fields == ("customer.email",)


@pytest.mark.parametrize(
    ("build", "field", "error"),
    [
        (
            lambda: SurveyParams(metadata={LiarKey("__proto__"): "x"}),
            "metadata.__proto__",
            "forbidden_value",
        ),
        (
            lambda: SurveyParams(metadata={LiarKey("email"): "x"}),
            "metadata.email",
            "forbidden_value",
        ),
        (
            lambda: Widget(
                org="a", survey="s", script_src="/w.js", extra_params={LiarKey("org"): "x"}
            ),
            "extra_params.org",
            "forbidden_value",
        ),
        (
            lambda: Widget(
                org="a", survey="s", script_src="/w.js", segment_keys=[LiarKey("email")]
            ),
            "segment_keys[0]",
            "forbidden_value",
        ),
    ],
)
def test_str_subclass_keys_cannot_dodge_checks(build, field: str, error: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        build()
    assert [(e.field, e.error) for e in caught.value.errors] == [(field, error)]


def test_a_tag_that_claims_to_be_button_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        trigger("x", tag=SneakyTag("button onclick=window.__pwned=1 x"))
    assert caught.value.fields == ("tag",)


def test_number_subclass_href_is_written_as_the_number() -> None:
    html = trigger("Feedback", tag="a", href=ScriptNumber(1))
    assert 'href="1"' in html
    assert "javascript" not in html


def test_href_spelt_with_an_underscore_counts() -> None:
    assert 'href="/s"' in trigger("Feedback", tag="a", href_="/s")


def test_carriage_returns_are_refused_in_labels_and_attributes() -> None:
    # A parser reads a raw CR as LF, and &#13; is a parse error (the W3C Nu
    # checker reports it): HTML text cannot hold a CR exactly.
    with pytest.raises(ValidationError) as caught:
        trigger("a\rb", title="c\rd")
    assert caught.value.fields == ("label", "attrs.title")


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2020, 1, 1, tzinfo=WeirdOffset()),
        datetime.datetime.max.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=-1))),
    ],
)
def test_dates_that_cannot_be_utc_are_invalid_dates(value: datetime.datetime) -> None:
    with pytest.raises(ValidationError) as caught:
        SurveyParams(metadata={"at": value})
    assert [(e.field, e.error) for e in caught.value.errors] == [("metadata.at", "invalid_date")]


def test_uuid_subclass_is_written_canonically() -> None:
    value = LongUUID(int=1)
    assert SurveyParams(metadata={"id": value}).to_dict() == {
        "id": "00000000-0000-0000-0000-000000000001"
    }


def test_decimal_subclass_is_written_by_decimal_itself() -> None:
    assert SurveyParams(metadata={"n": IntDecimal("1.50")}).to_dict() == {"n": "1.50"}


@pytest.mark.parametrize("mapping", [None, ["email"], "email=x"])
def test_from_flat_needs_a_mapping(mapping: object) -> None:
    with pytest.raises(ValidationError) as caught:
        SurveyParams.from_flat(mapping)  # type: ignore[arg-type]
    assert caught.value.fields == ("params",)


def test_a_lone_segment_key_string_is_one_key() -> None:
    params = SurveyParams.from_flat({"region": "north", "r": "x"}, segment_keys="region")
    assert dict(params.segments) == {"region": "north"}
    with pytest.raises(ValidationError) as caught:
        SurveyParams(segments={"regoin": "n"}).check_segment_keys("region")
    assert caught.value.errors[0].extra_info == {
        "allowed_values": ["staff_code", "site_code", "region"]
    }


def test_non_string_keys_are_named_without_running_their_code() -> None:
    class Loud:
        def __format__(self, spec: str) -> str:
            raise RuntimeError("ran")

    with pytest.raises(ValidationError) as caught:
        SurveyParams(metadata={Loud(): "x", 7: "y"})  # type: ignore[dict-item]
    assert caught.value.fields == ("metadata.<Loud>", "metadata.7")


def test_widgets_and_params_pickle_and_copy() -> None:
    widget = Widget(
        org="acme", survey="S1", script_src="/w.js", segment_keys=["region"], extra_params={"t": 1}
    )
    params = SurveyParams(customer={"name": "Kate"}, segments={"region": "n"}, metadata={"x": 1})
    for copied in (pickle.loads(pickle.dumps(widget)), copy.deepcopy(widget), copy.copy(widget)):
        assert copied == widget
        assert copied.embed(params) == widget.embed(params)
    for copied_params in (pickle.loads(pickle.dumps(params)), copy.deepcopy(params)):
        assert copied_params == params


def test_the_schemas_module_is_reachable_as_documented() -> None:
    with pytest.raises(ValidationError) as caught:
        cswidget.schemas.validate("survey-params", {"a": "\ud800"})
    assert caught.value.errors[0].resource == "survey_params"
    with pytest.raises(ValueError, match="must be one of"):
        cswidget.schemas.validate("nope", {})
