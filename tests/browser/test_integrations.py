"""The widget initialises in Chromium on a Django-rendered and a Jinja-rendered page."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.asgi import get_asgi_application
from playwright.sync_api import Page, Route
from standin import RECORDING_WIDGET_JS as STAND_IN

from livesrv import serve

RECIPES = Path(__file__).resolve().parents[2] / "docs" / "recipes"
HOSTILE_NAME = '"><script>window.__pwned=1</script>&quot;\u2028'


def initialised(page: Page, url: str) -> Any:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_function("window.__seen !== undefined")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    return page.evaluate("window.__seen")


def test_django_page(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    from django_project import views

    monkeypatch.setitem(views.WIDGET_SCRIPT, "text", STAND_IN)
    with serve(get_asgi_application()) as base_url:
        seen = initialised(page, f"{base_url}/?" + urlencode({"name": HOSTILE_NAME}))
    assert seen == {
        "widget": {"org": "acme", "survey": "AKknWccEFf7"},
        "survey": {
            "name": HOSTILE_NAME,
            "email": "kate@example.com",
            "reference": "INV-2090",
            "total": 42,
        },
    }


def test_jinja_page_under_a_strict_csp(page: Page) -> None:
    spec = importlib.util.spec_from_file_location(
        "browser_starlette_recipe", RECIPES / "starlette_app.py"
    )
    assert spec is not None
    assert spec.loader is not None
    recipe = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = recipe
    spec.loader.exec_module(recipe)

    def widget_script(route: Route) -> None:
        route.fulfill(body=STAND_IN, content_type="text/javascript")

    # The recipe loads the widget from https://acme.example, which the
    # recipe's Content-Security-Policy allows; Chromium gets the stand-in.
    page.route("https://acme.example/survey_widget.js", widget_script)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    with serve(recipe.app) as base_url:
        seen = initialised(page, f"{base_url}/thanks")
    assert seen == {
        "widget": {"org": "acme", "survey": "AKknWccEFf7"},
        "survey": {"name": "Kate", "email": "kate@example.com", "reference": "INV-2090"},
    }
    assert violations == []
