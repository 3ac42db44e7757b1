"""System checks for CSWIDGET, asserted by their stable ids."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks

from cswidget.django.checks import check_settings

GOOD = {"ORG": "acme", "SCRIPT_SRC": "https://acme.example/survey_widget.js"}


def ids(settings: Any, value: object) -> list[str]:
    settings.CSWIDGET = value
    return [message.id for message in check_settings()]


def test_good_settings_pass(settings: Any) -> None:
    full = {**GOOD, "SEGMENT_KEYS": ["region"], "ON_ERROR": "omit", "USER_PARAMS": "builtins.dict"}
    assert ids(settings, full) == []


def test_the_check_is_registered_with_django(settings: Any) -> None:
    settings.CSWIDGET = {"SCRIPT_SRC": "/widget.js"}
    assert [message.id for message in run_checks() if message.id.startswith("cswidget.")] == [
        "cswidget.E001"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"SCRIPT_SRC": "/w.js"}, ["cswidget.E001"]),
        ({**GOOD, "ORG": "acme.example.com"}, ["cswidget.E001"]),
        ({**GOOD, "ORG": None}, ["cswidget.E001"]),
        ({"ORG": "acme"}, ["cswidget.E002"]),
        ({**GOOD, "SCRIPT_SRC": "http://acme.example/w.js"}, ["cswidget.E002"]),
        ({**GOOD, "SCRIPT_SRC": "//evil.example/w.js"}, ["cswidget.E002"]),
        ({**GOOD, "SEGMENT_KEYS": ["email"]}, ["cswidget.E003"]),
        ({**GOOD, "SEGMENT_KEYS": ["ok", "__proto__", ""]}, ["cswidget.E003"] * 2),
        ({**GOOD, "SEGMENT_KEYS": 3}, ["cswidget.E003"]),
        ({**GOOD, "ON_ERROR": "ignore"}, ["cswidget.E004"]),
        ({**GOOD, "ON_ERROR": True}, ["cswidget.E004"]),
        ({**GOOD, "USER_PARAMS": "no.such.module"}, ["cswidget.E005"]),
        ({**GOOD, "USER_PARAMS": "cswidget.vocabulary.CUSTOMER_FIELDS"}, ["cswidget.E005"]),
        ({**GOOD, "USER_PARAMS": 42}, ["cswidget.E005"]),
        (["acme"], ["cswidget.E006"]),
        ({**GOOD, "SEGMENT_KEY": ["region"]}, ["cswidget.W001"]),
        ({}, ["cswidget.E001", "cswidget.E002"]),
    ],
)
def test_each_problem_has_its_id(settings: Any, value: object, expected: list[str]) -> None:
    assert ids(settings, value) == expected


def test_a_missing_setting_is_reported_as_missing_keys(settings: Any) -> None:
    del settings.CSWIDGET
    assert [message.id for message in check_settings()] == ["cswidget.E001", "cswidget.E002"]


def test_messages_are_the_core_human_sentences(settings: Any) -> None:
    settings.CSWIDGET = {"SCRIPT_SRC": "/w.js", "ON_ERROR": "never"}
    messages = [str(message.msg) for message in check_settings()]
    assert messages == [
        "CSWIDGET['ORG']: org is required.",
        "CSWIDGET['ON_ERROR']: ON_ERROR must be one of: raise, omit.",
    ]
    settings.CSWIDGET = {**GOOD, "SEGMENT_KEYS": ["reference"]}
    [message] = check_settings()
    assert message.msg == (
        "CSWIDGET['SEGMENT_KEYS']: segment_keys[0] must not be any of: "
        "name, email, telephone_number, company_name, postcode, reference, machine_id."
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {**GOOD, "SCRIPT_SRC": "http://acme.example/w.js"},
            "CSWIDGET['SCRIPT_SRC']: script_src must be an https:// URL, a root-relative path, "
            "or http://localhost.",
        ),
        (
            {**GOOD, "ORG": "acme.example.com"},
            "CSWIDGET['ORG']: org must be your CustomerSure account name "
            "(letters, digits and hyphens).",
        ),
        (
            {**GOOD, "INTERNAL_IPS": ["10.0.0.0/8", "intranet"]},
            "CSWIDGET['INTERNAL_IPS']: internal_ips: must be a list of IP addresses or networks: "
            "INTERNAL_IPS: 'intranet' is not an IP address or network.",
        ),
        (
            {**GOOD, "ENABLED": "yes"},
            "CSWIDGET['ENABLED']: yes doesn't look like a module path",
        ),
        (
            {**GOOD, "TRUSTED_PROXIES": -1},
            "CSWIDGET['TRUSTED_PROXIES']: trusted_proxies: must be a whole number of proxies, "
            "0 or more.",
        ),
    ],
)
def test_a_person_reads_a_sentence_never_a_regex(
    settings: Any, values: dict[str, Any], expected: str
) -> None:
    settings.CSWIDGET = values
    assert [str(message.msg) for message in check_settings()] == [expected]
