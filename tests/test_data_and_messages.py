"""Real users' data keeps the widget; errors read as sentences; echoed text is safe."""

from __future__ import annotations

import logging
from typing import Any

import jinja2
import pytest
from django.contrib.auth.models import User
from django.template import engines
from django.test import RequestFactory

from cswidget import ValidationError, Widget
from cswidget.errors import FieldError
from cswidget.jinja import WidgetDefaults, configure
from cswidget.messages import human_message
from cswidget.policy import rejected_comment
from cswidget.safetext import shown
from cswidget.vocabulary import (
    CUSTOM,
    FORBIDDEN_VALUE,
    INVALID_DATE,
    INVALID_FORMAT,
    INVALID_VALUE,
    REQUIRED,
    WRONG_LENGTH,
)


def test_a_real_django_user_keeps_the_widget(caplog: pytest.LogCaptureFixture) -> None:
    # Django allows 150 + 150 character names and emails like user@localhost.
    user = User(first_name="K" * 150, last_name="B" * 150, email="kate@localhost")
    request = RequestFactory().get("/")
    request.user = user
    template = engines["django"].from_string(
        "{% load cswidget %}{% cswidget_user_params as p %}{% cswidget_container 'S' params=p %}"
        "{% cswidget_user_params as again %}"
    )
    with caplog.at_level(logging.WARNING, logger="cswidget"):
        html = template.render({}, request)
    name = "K" * 100
    assert f"{{&#34;name&#34;:&#34;{name}&#34;}}" in html
    assert [record.getMessage() for record in caplog.records] == [
        "cswidget: user params adjusted to the API's limits: "
        "customer.name shortened to 100 characters; customer.email dropped (invalid_format)"
    ]  # once per request, though the tag ran twice


@pytest.mark.parametrize(
    ("error", "extra_info", "sentence"),
    [
        (REQUIRED, {}, "f is required"),
        (
            INVALID_FORMAT,
            {"valid_format": "^[A-Za-z0-9_-]{1,64}$(?!\\n)"},
            "f must be a survey code of 1 to 64 letters, digits, _ or -",
        ),
        (INVALID_FORMAT, {"valid_format": "[a-z]"}, "f is not in the expected format"),
        (WRONG_LENGTH, {"maximum": 30}, "f must be at most 30 characters long"),
        (WRONG_LENGTH, {"minimum": 1}, "f must not be empty"),
        (WRONG_LENGTH, {"exactly": 4}, "f must be exactly 4 characters long"),
        (INVALID_VALUE, {"allowed_values": ["a", "b"]}, "f must be one of: a, b"),
        (
            INVALID_VALUE,
            {"greater_than": -1, "less_than": 1},
            "f must be a number greater than -1 and less than 1 (JavaScript's safe integers)",
        ),
        (INVALID_VALUE, {"message": "keys must be strings"}, "f: keys must be strings"),
        (FORBIDDEN_VALUE, {"disallowed_values": ["__proto__"]}, "f must not be any of: __proto__"),
        (INVALID_DATE, {"message": "not a date"}, "f: not a date"),
        (CUSTOM, {"message": "ask support"}, "f: ask support"),
        ("unheard_of", {}, "f: unheard_of"),
    ],
)
def test_every_error_code_has_a_sentence(
    error: str, extra_info: dict[str, Any], sentence: str
) -> None:
    assert human_message(field="f", error=error, extra_info=extra_info) == sentence


def test_to_dict_keeps_the_machine_fields() -> None:
    with pytest.raises(ValidationError) as caught:
        Widget(org="acme", survey="S", script_src="javascript:alert(1)")
    [error] = caught.value.errors
    assert (
        error.message
        == "script_src must be an https:// URL, a root-relative path, or http://localhost"
    )
    assert set(error.to_dict()) == {"resource", "field", "error", "extra_info"}
    assert set(error.to_dict()["extra_info"]) == {"valid_format"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("line\nforged: yes", "line\\x0aforged: yes"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("bidi\u202eevil", "bidi\\u202eevil"),
        ("lone\ud800", "lone\\ud800"),
        ("k" * 101, "k" * 100 + "...(+1 characters)"),
    ],
)
def test_shown_escapes_and_caps(text: str, expected: str) -> None:
    assert shown(text) == expected


def test_error_texts_and_logs_escape_and_cap_keys(caplog: pytest.LogCaptureFixture) -> None:
    key = "evil\nERROR forged line" + "x" * (1 << 20)
    env = configure(
        jinja2.Environment(autoescape=True),
        WidgetDefaults(org="acme", script_src="/w.js"),
        on_error="omit",
    )
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        html = env.from_string("{{ cswidget_container('S', metadata=m) }}").render(m={key: 1})
    [record] = caplog.records
    message = record.getMessage()
    assert "\n" not in message
    assert len(message) < 1000  # an error about a 1 MiB key
    assert "metadata.evil\\x0aERROR forged line" in message
    assert "\n" not in html
    assert html.startswith("<!-- cswidget: survey params rejected: metadata.evil\\x0aERROR forged")
    # The field names at most 100 characters of the key (then "…"), and the
    # comment shows at most 100 characters of the field.
    assert html.endswith("xxx...(+10 characters) -->")


def test_the_omit_comment_cannot_end_early() -> None:
    error = ValidationError([FieldError("survey_params", "metadata.--><script>", "x")])
    assert str(rejected_comment(error)) == (
        "<!-- cswidget: survey params rejected: metadata.--\\x3e\\x3cscript\\x3e -->"
    )
