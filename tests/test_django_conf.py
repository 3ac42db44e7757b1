"""cswidget.django.conf, the default error policy, and Django staying optional."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from cswidget.django.conf import conf
from cswidget.django.users import user_params


def test_settings_are_read_through_conf(settings: Any) -> None:
    settings.CSWIDGET = {
        "ORG": "acme",
        "SCRIPT_SRC": "https://acme.example/survey_widget.js",
        "SEGMENT_KEYS": ["region", "team"],
    }
    assert conf.org == "acme"
    assert conf.script_src == "https://acme.example/survey_widget.js"
    assert conf.segment_keys == ("region", "team")
    assert conf.user_params is user_params


def test_bad_settings_are_improperly_configured_with_the_core_message(settings: Any) -> None:
    settings.CSWIDGET = {"ORG": "acme", "SCRIPT_SRC": "ftp://acme.example/w.js"}
    with pytest.raises(ImproperlyConfigured, match=r"^CSWIDGET: Validation error; script_src"):
        conf.widget_defaults  # noqa: B018
    settings.CSWIDGET = {"ON_ERROR": "sometimes"}
    with pytest.raises(ImproperlyConfigured, match=r"ON_ERROR: invalid_value"):
        conf.on_error  # noqa: B018


def test_on_error_defaults_to_raise_in_tests_and_with_debug(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = False
    assert conf.on_error == "raise"  # the test environment is set up
    monkeypatch.delattr(mail, "outbox")  # as in production
    assert conf.on_error == "omit"
    settings.DEBUG = True
    assert conf.on_error == "raise"
    settings.CSWIDGET = {**settings.CSWIDGET, "ON_ERROR": "omit"}
    assert conf.on_error == "omit"


def test_user_params_use_full_name_and_email() -> None:
    assert user_params(User(first_name="Kate", last_name="Bush", email="kate@example.com")) == {
        "name": "Kate Bush",
        "email": "kate@example.com",
    }
    assert user_params(User(username="kate")) == {}
    assert user_params(AnonymousUser()) == {}
    assert user_params(None) == {}


def test_import_cswidget_does_not_import_django() -> None:
    code = (
        "import sys, cswidget, cswidget.jinja, cswidget.policy, cswidget.defaults\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"
