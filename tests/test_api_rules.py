"""cswidget.api_rules: the REST API's request rules, checked without a server."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from cswidget.api_rules import (
    EMAIL_PATTERN,
    ID_TEXT_PATTERN,
    MAX_ID,
    NONBLANK_TEXT_PATTERN,
    TEXT_PATTERN,
    TIMESTAMP_PATTERN,
    UnpermittedParameters,
    check_feedback_request,
    check_id,
    check_site,
    format_timestamp,
    parse_timestamp,
)
from cswidget.errors import ValidationError

R = "/feedback_requests/"
NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)

# The seed's own "Create a feedback request" example body.
SEED_EXAMPLE: dict[str, Any] = {
    "email": "john.smith@example.com",
    "send_at": "2023-08-20T18:00:00+0100",
    "survey_id": 1484,
    "email_template_id": 10,
    "first_name": "John",
    "surname": "Smith",
    "reference": "#1041",
    "machine_id": "8736245",
    "data": [
        {"key": "staff_code", "value": "luke"},
        {"key": "site_code", "value": "newcastle"},
        {"key": "category", "value": "api-support"},
        {"key": "ticket_date", "value": "20th Aug 2023"},
    ],
    "reminders": [
        {"email_template_id": 11, "send_at": "2023-08-27T18:00:00+0100"},
        {"email_template_id": 12, "send_at": "2023-09-01T18:00:00+0100"},
    ],
}


def errors_of(body: Any, *, now: datetime | None = NOW) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        check_feedback_request(body, now=now)
    return caught.value.to_dict()["errors"]


def test_seed_example_is_normalised_with_every_parameter_and_utc_times() -> None:
    assert check_feedback_request(SEED_EXAMPLE, now=NOW) == {
        "email": "john.smith@example.com",
        "send_at": "2023-08-20T17:00:00Z",
        "survey_id": 1484,
        "email_template_id": 10,
        "first_name": "John",
        "surname": "Smith",
        "reference": "#1041",
        "machine_id": "8736245",
        "external_link": False,
        "ignore_throttle": False,
        "data": SEED_EXAMPLE["data"],
        "sms": None,
        "reminders": [
            {
                "send_at": "2023-08-27T17:00:00Z",
                "email_template_id": 11,
                "text_message_template_id": None,
            },
            {
                "send_at": "2023-09-01T17:00:00Z",
                "email_template_id": 12,
                "text_message_template_id": None,
            },
        ],
    }


def test_every_error_at_once() -> None:
    assert errors_of({"reminders": [{}], "machine_id": "x" * 37, "data": [{"key": "k" * 31}]}) == [
        {"resource": R, "field": "email", "error": "required", "extra_info": {}},
        {"resource": R, "field": "send_at", "error": "required", "extra_info": {}},
        {"resource": R, "field": "survey_id", "error": "required", "extra_info": {}},
        {"resource": R, "field": "email_template_id", "error": "required", "extra_info": {}},
        {
            "resource": R,
            "field": "machine_id",
            "error": "wrong_length",
            "extra_info": {"maximum": 36},
        },
        {
            "resource": R,
            "field": "data[0].key",
            "error": "wrong_length",
            "extra_info": {"maximum": 30},
        },
        {"resource": R, "field": "reminders[0].send_at", "error": "required", "extra_info": {}},
        {
            "resource": R,
            "field": "reminders[0].email_template_id",
            "error": "required",
            "extra_info": {
                "message": "give either email_template_id or text_message_template_id, not both"
            },
        },
    ]


def test_sms_makes_email_and_email_template_optional() -> None:
    body = {
        "send_at": "2030-01-01T00:00Z",
        "survey_id": "1484",
        "sms": {"number": "+44 7700 900123", "text_message_template_id": 7},
        "reminders": [{"send_at": "2030-01-02T00:00Z", "text_message_template_id": "8"}],
    }
    result = check_feedback_request(body, now=NOW)
    assert (result["email"], result["email_template_id"], result["survey_id"]) == (None, None, 1484)
    assert result["sms"] == {"number": "+44 7700 900123", "text_message_template_id": 7}
    assert result["reminders"] == [
        {
            "send_at": "2030-01-02T00:00:00Z",
            "email_template_id": None,
            "text_message_template_id": 8,
        }
    ]


def test_sms_needs_both_attributes() -> None:
    body = {"send_at": "2030-01-01T00:00Z", "survey_id": 1, "sms": {"number": " "}}
    assert [(e["field"], e["error"]) for e in errors_of(body)] == [
        ("sms.number", "required"),
        ("sms.text_message_template_id", "required"),
    ]


def test_reminder_with_both_template_ids_is_refused() -> None:
    body = {
        **SEED_EXAMPLE,
        "reminders": [
            {"send_at": "2030-01-01T00:00Z", "email_template_id": 1, "text_message_template_id": 2}
        ],
    }
    assert [(e["field"], e["error"]) for e in errors_of(body)] == [
        ("reminders[0].email_template_id", "invalid_value")
    ]


def test_send_at_must_be_in_the_future_only_when_now_is_given() -> None:
    body = {**SEED_EXAMPLE, "send_at": "2023-08-19T16:30:14Z", "reminders": []}
    assert errors_of(body) == [
        {
            "resource": R,
            "field": "send_at",
            "error": "invalid_date",
            "extra_info": {
                "greater_than": "2023-08-19T16:30:14Z",
                "message": "must be in the future",
            },
        }
    ]
    assert check_feedback_request(body, now=None)["send_at"] == "2023-08-19T16:30:14Z"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not-an-email", "invalid_format"),
        ("email", 42, "invalid_value"),
        ("survey_id", True, "invalid_value"),
        ("survey_id", 0, "invalid_value"),
        ("survey_id", 10**400, "invalid_value"),
        ("survey_id", "12a", "invalid_value"),
        ("email_template_id", -1, "invalid_value"),
        ("first_name", "x" * 256, "wrong_length"),
        ("surname", "\ud800", "invalid_value"),
        ("reference", ["#1041"], "invalid_value"),
        ("external_link", "true", "invalid_value"),
        ("ignore_throttle", 1, "invalid_value"),
        ("send_at", "2023-02-30T00:00Z", "invalid_date"),
        ("send_at", "tomorrow", "invalid_date"),
        ("send_at", 1700000000, "invalid_date"),
        ("data", {"key": "a"}, "invalid_value"),
        ("data", [{"key": "a"}] * 101, "wrong_length"),
        ("reminders", "soon", "invalid_value"),
    ],
)
def test_hostile_values_name_their_field(field: str, value: object, error: str) -> None:
    assert [(e["field"], e["error"]) for e in errors_of({**SEED_EXAMPLE, field: value})] == [
        (field, error)
    ]


def test_data_values_are_at_most_100_characters() -> None:
    body = {**SEED_EXAMPLE, "data": [{"key": "note", "value": "v" * 101}]}
    assert errors_of(body) == [
        {
            "resource": R,
            "field": "data[0].value",
            "error": "wrong_length",
            "extra_info": {"maximum": 100},
        }
    ]


def test_unpermitted_parameters_are_named_before_any_field_check() -> None:
    body = {"colour": "red", "sms": {"sender": "x"}, "data": [{"key": "a", "extra": 1}]}
    with pytest.raises(UnpermittedParameters) as caught:
        check_feedback_request(body)
    assert caught.value.names == ("colour", "sms.sender", "data[0].extra")


def test_a_body_that_is_not_an_object_is_a_validation_error() -> None:
    assert [e["field"] for e in errors_of([1, 2])] == ["body"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-08-20T18:00:00+0100", "2023-08-20T17:00:00Z"),
        ("2023-08-20T18:00:00+01:00", "2023-08-20T17:00:00Z"),
        ("2023-08-20T18:00:00-05", "2023-08-20T23:00:00Z"),
        ("2015-01-01T00:00Z", "2015-01-01T00:00:00Z"),
        ("2015-01-31T23:59", "2015-01-31T23:59:00Z"),
        ("2015-01-31T23:59:59.999", "2015-01-31T23:59:59Z"),
        ("2015-01-31", "2015-01-31T00:00:00Z"),
    ],
)
def test_timestamps_in_any_zone_come_back_in_utc(text: str, expected: str) -> None:
    moment = parse_timestamp(text, resource="/nps", field="from_time")
    assert moment.tzinfo is UTC
    assert format_timestamp(moment) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2015", "2015-13-01", "0001-01-01T00:00+01:00", "2015-01-01T24:00Z", "2015-01-01\n",
     "\uff12\uff10\uff11\uff15-01-01", "2015-01-01T00:00+99:00", None, 20150101],
)  # fmt: skip
def test_bad_timestamps_are_invalid_date(text: object) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_timestamp(text, resource="/nps", field="from_time")
    assert caught.value.to_dict()["errors"][0]["error"] == "invalid_date"
    assert caught.value.fields == ("from_time",)


def test_site_create_requires_code_name_and_region() -> None:
    with pytest.raises(ValidationError) as caught:
        check_site({"city": "Newcastle", "name": " "}, resource="/sites/")
    assert caught.value.to_dict()["errors"] == [
        {"resource": "/sites/", "field": name, "error": "required", "extra_info": {}}
        for name in ("site_code", "name", "region")
    ]


def test_site_update_keeps_only_what_was_given() -> None:
    assert check_site({"name": "Main Office"}, resource="/sites/hq", partial=True) == {
        "name": "Main Office"
    }
    with pytest.raises(ValidationError) as caught:
        check_site({"name": None}, resource="/sites/hq", partial=True)
    assert caught.value.to_dict()["errors"][0]["resource"] == "/sites/hq"


def test_site_unpermitted_parameters() -> None:
    with pytest.raises(UnpermittedParameters) as caught:
        check_site({"id": "1", "site_code": "hq"}, resource="/sites/")
    assert caught.value.names == ("id",)


# --- the patterns the OpenAPI document states are the server's rules, exactly


def reference_accepts(text: str) -> bool:
    """What TIMESTAMP_PATTERN means, written the long way: an ISO 8601 time
    Python can read, a real date in the years 1000 to 9998, offsets of at
    most 23:59, a zone only after a time."""
    match = re.fullmatch(
        r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,9})?)?"
        r"(?:[Zz]|[+-](\d\d)(?::?(\d\d))?)?)?",
        text,
        re.ASCII,
    )
    if match is None:
        return False
    year, month, day, hour, minute, second, zone_hours, zone_minutes = (
        int(group or 0) for group in match.groups()
    )
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return 1000 <= year <= 9998 and zone_hours <= 23 and zone_minutes <= 59


# The parts of a timestamp, built once: a strategy built inside the composite
# is built and validated again on every draw (two thirds of the test's time).
TWO_DIGITS = st.integers(0, 99).map("{:02d}".format)
YEARS = st.integers(0, 9999) | st.sampled_from([999, 1000, 1900, 2000, 2024, 9998, 9999])
DATE_TIME_SEPARATORS = st.sampled_from("T ")
FRACTIONS = st.sampled_from(["", ".5", ".123456789", ".1234567890"])
ZONES = st.sampled_from(["", "Z", "z"]) | st.builds(
    lambda sign, h, sep, m: f"{sign}{h}{sep}{m}",
    st.sampled_from("+-"),
    TWO_DIGITS,
    st.sampled_from(["", ":"]),
    st.sampled_from(["", "00", "30", "59", "60", "99"]),
)


@st.composite
def timestamp_like(draw: st.DrawFn) -> str:
    two = TWO_DIGITS
    year = draw(YEARS)
    text = f"{year:04d}"
    text += f"-{draw(two)}-{draw(two)}"
    if draw(st.booleans()):
        text += draw(DATE_TIME_SEPARATORS) + f"{draw(two)}:{draw(two)}"
        if draw(st.booleans()):
            text += f":{draw(two)}" + draw(FRACTIONS)
        text += draw(ZONES)
    return text


@hypothesis.given(timestamp_like())
@hypothesis.settings(max_examples=3000, deadline=None, derandomize=True)
def test_the_timestamp_pattern_is_what_the_server_accepts(text: str) -> None:
    accepted = re.fullmatch(TIMESTAMP_PATTERN, text) is not None
    assert accepted == reference_accepts(text)
    try:
        moment = parse_timestamp(text, resource="/nps", field="from_time")
    except ValidationError:
        assert not accepted
    else:
        assert accepted
        assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("2024-02-29", True), ("2023-02-29", False), ("2000-02-29", True), ("1900-02-29", False),
     ("2023-04-31", False), ("2023-12-31T23:59:59Z", True), ("9998-12-31T23:59-23:59", True),
     ("1000-01-01T00:00+23:59", True), ("2023-08-20Z", False), ("2023-08-20T18:00+24:00", False)],
)  # fmt: skip
def test_timestamps_at_the_edges(text: str, accepted: bool) -> None:
    assert (
        (re.fullmatch(TIMESTAMP_PATTERN, text) is not None) == accepted == reference_accepts(text)
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1), ("1484", 1484), (MAX_ID, MAX_ID), (str(MAX_ID), MAX_ID), (0, None), ("0", None),
     ("01484", None), (MAX_ID + 1, None), (str(MAX_ID + 1), None), (True, None), ("1484\n", None),
     ("\uff11", None), (1.0, 1), (1484.0, 1484), (1.5, None), (0.0, None),
     (float(MAX_ID + 1), None), (float("inf"), None), (float("nan"), None)],
)  # fmt: skip
def test_ids_are_integers_from_1_or_their_digits(value: object, expected: int | None) -> None:
    errors: list[Any] = []
    assert check_id(value, resource=R, field="survey_id", errors=errors) == expected
    assert bool(errors) == (expected is None)
    assert (
        (re.fullmatch(ID_TEXT_PATTERN, value) is not None) == (expected is not None)
        if isinstance(value, str)
        else True
    )


@pytest.mark.parametrize("blank", ["", " ", "   ", "\t\n", "\u3000", "\xa0"])
def test_blank_optional_text_is_stored_as_null(blank: str) -> None:
    body = {**SEED_EXAMPLE, "first_name": blank, "reference": blank,
            "data": [{"key": "note", "value": blank}]}  # fmt: skip
    checked = check_feedback_request(body, now=NOW)
    assert (checked["first_name"], checked["reference"], checked["data"]) == (
        None, None, [{"key": "note", "value": None}]
    )  # fmt: skip
    assert check_site({"city": blank}, resource="/sites/hq", partial=True) == {"city": None}
    assert re.fullmatch(NONBLANK_TEXT_PATTERN, blank) is None


@pytest.mark.parametrize("field", ["first_name", "reference", "email"])
def test_text_never_holds_nul(field: str) -> None:
    errors = errors_of({**SEED_EXAMPLE, field: "kate\x00@example.com"})
    assert [(e["field"], e["error"]) for e in errors] == [(field, "invalid_format")]
    assert re.fullmatch(TEXT_PATTERN, "a\x00b") is None
    assert re.fullmatch(TEXT_PATTERN, "a b\nc") is not None


@hypothesis.given(st.text(max_size=8))
@hypothesis.settings(max_examples=2000, deadline=None, derandomize=True)
def test_the_nonblank_pattern_is_the_rules_required_text(text: str) -> None:
    hypothesis.assume("\x00" not in text)
    required = (
        check_site({"site_code": text, "name": "HQ", "region": "North"}, resource=R)
        if text.strip()
        else None
    )
    assert (re.fullmatch(NONBLANK_TEXT_PATTERN, text) is not None) == (required is not None)


@pytest.mark.parametrize(
    ("email", "accepted"),
    [("kate@example.com", True), ("a\x1cb@c.d", False), ("a\x85b@c.d", False),
     ("a\xa0b@c.d", False), ("a\u3000b@c.d", False), ("a\ufeffb@c.d", True)],
)  # fmt: skip
def test_email_space_is_what_str_isspace_calls_space(email: str, accepted: bool) -> None:
    # The document states EMAIL_PATTERN with that class spelled out, so an
    # ECMA-262 reader (tests/test_openapi_patterns.py) agrees with the server.
    body = {**SEED_EXAMPLE, "email": email}
    if accepted:
        assert check_feedback_request(body, now=NOW)["email"] == email
    else:
        assert [(e["field"], e["error"]) for e in errors_of(body)] == [("email", "invalid_format")]
    assert (re.fullmatch(EMAIL_PATTERN, email) is not None) == accepted
