"""docs/lifecycle.md's examples run, and show what they say."""

from __future__ import annotations

import gzip
import logging
import re
import sys
import types
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client, override_settings

from cswidget import Widget
from cswidget.autoembed import embedded
from cswidget.sampling import is_sampled
from livesrv import serve

DOC = (Path(__file__).resolve().parents[1] / "docs" / "lifecycle.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", DOC, re.S)


def run(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "docs_lifecycle"}
    exec(source, namespace)
    return namespace


def test_consent_example_renders_the_html_shown() -> None:
    assert str(run(blocks("python")[0])["script"]) == blocks("html")[0]


def test_django_settings_example(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = run(blocks("python")[1])
    sampled = next(
        user
        for user in range(1000)
        if is_sampled(survey="AKknWccEFf7", sample=0.25, sample_key=user)
    )
    surveys = types.ModuleType("myproject.surveys")
    surveys.page_params = lambda request: {"reference": "INV-2090"}  # type: ignore[attr-defined]
    surveys.user_id = lambda request: int(request.GET["user"])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "myproject", types.ModuleType("myproject"))
    monkeypatch.setitem(sys.modules, "myproject.surveys", surveys)
    with override_settings(
        ROOT_URLCONF="test_autoembed",
        MIDDLEWARE=settings["MIDDLEWARE"],
        CSWIDGET=settings["CSWIDGET"],
    ):
        response = Client().get(f"/page?user={sampled}", headers={"accept-encoding": "gzip"})
    widget = Widget(
        org="acme", survey="AKknWccEFf7", script_src="https://acme.example/survey_widget.js"
    )
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content).decode()
    assert page.endswith(f"{widget.embed({'reference': 'INV-2090'})}\n</body></html>")


def test_starlette_example() -> None:
    app = run(blocks("python")[2])["app"]
    widget = Widget(
        org="acme", survey="AKknWccEFf7", script_src="https://acme.example/survey_widget.js"
    )
    with serve(app) as url:
        response = httpx.get(url + "/thanks?order=INV-2090")
    assert response.text == (
        "<!doctype html><html><body><h1>Thank you</h1>"
        f"{widget.embed({'reference': 'INV-2090'})}\n</body></html>"
    )


def test_the_warning_shown_is_the_one_logged(caplog: pytest.LogCaptureFixture) -> None:
    page = (
        b"<!doctype html><html><body><h1>Thank you</h1>"
        b"<script>/* keep this block last, before </body> */</script></html>"
    )
    with caplog.at_level(logging.WARNING, logger="cswidget"):
        assert embedded(page, "text/html; charset=utf-8", lambda: None) is None
    assert [record.getMessage() for record in caplog.records] == [blocks("text")[0]]


def test_sampling_example() -> None:
    namespace = run(blocks("python")[3])
    assert namespace["shown"] == (namespace["html"] != "")
