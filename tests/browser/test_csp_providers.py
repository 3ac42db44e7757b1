"""Each real CSP nonce provider, through its real package, in Chromium.

django-csp 4 with its middleware, flask-talisman with Flask, and Starlette
and FastAPI with a nonce middleware (the recipes in docs/recipes/). Django
6's built-in CSP is proved in test_django6_csp.py, which the matrix runs on
Python >= 3.12.
"""

from __future__ import annotations

import importlib.util
import runpy
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from csp_proof import prove
from django.core.asgi import get_asgi_application
from playwright.sync_api import Page, Route
from standin import RECORDING_WIDGET_JS as STAND_IN

from livesrv import serve, serve_wsgi

RECIPES = Path(__file__).resolve().parents[2] / "docs" / "recipes"
KATE = {
    "widget": {"org": "acme", "survey": "AKknWccEFf7"},
    "survey": {"name": "Kate", "email": "kate@example.com", "reference": "INV-2090"},
}


def recipe(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"browser_recipe_{name}", RECIPES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # Flask finds its templates through it
    spec.loader.exec_module(module)
    return module


def stand_in_for_acme(page: Page) -> None:
    def widget_script(route: Route) -> None:
        route.fulfill(body=STAND_IN, content_type="text/javascript")

    # The recipes load the widget from https://acme.example, which their
    # policies allow; Chromium gets the stand-in.
    page.route("https://acme.example/survey_widget.js", widget_script)


def test_django_csp(page: Page, watch: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django_project import views

    # The real csp.middleware.CSPMiddleware, with the documented settings.
    documented = runpy.run_path(str(RECIPES / "django_csp_settings.py"))
    settings.MIDDLEWARE = documented["MIDDLEWARE"]
    settings.CONTENT_SECURITY_POLICY = documented["CONTENT_SECURITY_POLICY"]
    monkeypatch.setitem(views.WIDGET_SCRIPT, "text", STAND_IN)
    with serve(get_asgi_application()) as base_url:
        seen = prove(page, watch, f"{base_url}/")
    assert seen["survey"] == {
        "name": "Kate",
        "email": "kate@example.com",
        "reference": "INV-2090",
        "total": 42,
    }


def test_flask_talisman(page: Page, watch: Any) -> None:
    app = recipe("flask_app").app
    stand_in_for_acme(page)
    # Talisman redirects plain http to https unless a proxy says it was https.
    page.set_extra_http_headers({"X-Forwarded-Proto": "https"})
    with serve_wsgi(app) as base_url:
        assert prove(page, watch, f"{base_url}/thanks") == KATE


@pytest.mark.parametrize("name", ["starlette_app", "fastapi_app"])
def test_starlette_and_fastapi_request_state(page: Page, watch: Any, name: str) -> None:
    stand_in_for_acme(page)
    with serve(recipe(name).app) as base_url:
        assert prove(page, watch, f"{base_url}/thanks") == KATE
