"""The live-page error policy through Django: CSWIDGET["ON_ERROR"]."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.template import engines
from django.test import RequestFactory

from cswidget import ValidationError

REJECTED = "<!-- cswidget: survey params rejected: customer.email -->"
PAGE = (
    "{% load cswidget %}"
    '<p>{% cswidget_embed "AKknWccEFf7" customer=customer %}</p>'
    '<p>{% cswidget_container "AKknWccEFf7" customer=customer %}</p>'
    '{% include "snippet.html" %}'
)
SNIPPET = '<p>{% load cswidget %}{% cswidget_container "AKknWccEFf7" customer=customer %}</p>'
BAD = {"customer": {"email": "not an email"}}


@pytest.fixture
def page(settings: Any) -> Any:
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {"snippet.html": SNIPPET})]
            },
        }
    ]
    return engines["django"].from_string(PAGE)


def test_raise_propagates_the_validation_error(settings: Any, page: Any) -> None:
    settings.CSWIDGET = {**settings.CSWIDGET, "ON_ERROR": "raise"}
    with pytest.raises(ValidationError) as caught:
        page.render(BAD, RequestFactory().get("/"))
    assert caught.value.fields == ("customer.email",)


def test_omit_renders_the_comment_and_logs_once_per_request(
    settings: Any, page: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CSWIDGET = {**settings.CSWIDGET, "ON_ERROR": "omit"}
    request = RequestFactory().get("/")
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        html = page.render(BAD, request)
        again = page.render(BAD, request)  # e.g. a second template in the same response
    assert html == f"<p>{REJECTED}</p><p>{REJECTED}</p><p>{REJECTED}</p>"
    assert again == html
    [record] = caplog.records
    assert record.name == "cswidget"
    assert record.cswidget_error["errors"][0]["field"] == "customer.email"  # type: ignore[attr-defined]

    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        page.render(BAD, RequestFactory().get("/"))
    assert len(caplog.records) == 1  # another request logs again


def test_omit_without_a_request_logs_once_per_render(
    settings: Any, page: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CSWIDGET = {**settings.CSWIDGET, "ON_ERROR": "omit"}
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        page.render(BAD)
        page.render(BAD)
    assert len(caplog.records) == 2


def test_bad_settings_are_never_omitted(settings: Any, page: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.CSWIDGET = {"ORG": "acme", "ON_ERROR": "omit"}
    with pytest.raises(ImproperlyConfigured, match="script_src"):
        page.render({"customer": {}}, RequestFactory().get("/"))
