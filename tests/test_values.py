"""How Python values become JSON in data-survey-params."""

from __future__ import annotations

import datetime
import enum
import uuid
from decimal import Decimal

import pytest
from markupsafe import Markup

from cswidget import SurveyParams

UTC = datetime.UTC
PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


class Colour(enum.IntEnum):
    RED = 1


class Shouty(str):
    def __str__(self) -> str:
        return "SHOUT"

    def __html__(self) -> str:
        return "<b>trusted?</b>"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text", "text"),
        ("", ""),
        (0, 0),
        (-(2**53) + 1, -(2**53) + 1),
        (2**53 - 1, 2**53 - 1),
        (1.5, 1.5),
        (-0.0, -0.0),
        (True, True),
        (False, False),
        (None, None),
        (Decimal("19.90"), "19.90"),
        (Decimal("1E+3"), "1E+3"),
        (uuid.UUID("a87ee488-645c-432a-817f-6690152da8c9"), "a87ee488-645c-432a-817f-6690152da8c9"),
        (datetime.date(2023, 8, 20), "2023-08-20T00:00:00Z"),
        (datetime.datetime(2023, 8, 20, 18, 0, 5, 999999), "2023-08-20T18:00:05Z"),
        (datetime.datetime(2023, 8, 20, 18, 0, tzinfo=PLUS_TWO), "2023-08-20T16:00:00Z"),
        (datetime.datetime(2023, 8, 20, 18, 0, tzinfo=UTC), "2023-08-20T18:00:00Z"),
        (datetime.datetime(999, 1, 2, 3, 4, 5), "0999-01-02T03:04:05Z"),
        (Markup("<b>bold</b>"), "<b>bold</b>"),
        (Shouty("<i>"), "<i>"),
        (Colour.RED, 1),
    ],
)
def test_value_normalisation(value: object, expected: object) -> None:
    normalised = SurveyParams(metadata={"value": value}).to_dict()["value"]
    assert normalised == expected
    assert type(normalised) is type(expected)


def test_markup_values_are_escaped_like_any_text() -> None:
    from cswidget import Widget

    widget = Widget(org="acme", survey="s1", script_src="/w.js")
    assert widget.attributes({"note": Markup("<b>")})["data-survey-params"] == '{"note":"<b>"}'
    assert "&lt;b&gt;" in widget.container({"note": Markup("<b>")})


def test_str_subclass_keys_become_plain_str() -> None:
    params = SurveyParams(metadata={Shouty("colour"): "red"})
    (key,) = params.metadata
    assert type(key) is str
    assert key == "colour"


def test_from_flat_classifies_by_the_documented_rules() -> None:
    params = SurveyParams.from_flat(
        {
            "name": "Kate",
            "reference": "INV-2090",
            "staff_code": "luke",
            "region": "north",
            "email": "kate@example.com",
            "machine_id": "a87ee488",
            "site_code": "hq",
        },
        segment_keys=["region"],
    )
    assert dict(params.customer) == {"name": "Kate", "email": "kate@example.com"}
    assert dict(params.segments) == {"staff_code": "luke", "region": "north", "site_code": "hq"}
    assert dict(params.metadata) == {"reference": "INV-2090", "machine_id": "a87ee488"}


def test_undeclared_custom_segments_are_metadata_when_flat() -> None:
    assert dict(SurveyParams.from_flat({"region": "north"}).metadata) == {"region": "north"}


def test_null_values_are_kept_as_the_api_does() -> None:
    assert SurveyParams(customer={"email": None}).to_dict() == {"email": None}
