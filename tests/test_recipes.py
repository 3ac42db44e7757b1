"""The integration recipes in the docs are exactly what these tests run.

Each file under docs/recipes/ runs here through its real framework, and its
text must appear verbatim as a fenced code block in a page of docs/.
(The Django 6 settings run in tests/browser/test_django6_csp.py, on Django 6.)
"""

from __future__ import annotations

import importlib.util
import re
import runpy
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from csp.middleware import CheckableLazyObject
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import RequestFactory

from cswidget import ValidationError
from cswidget.django.checks import check_settings
from livesrv import serve

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "docs" / "recipes"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCED_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```$", re.MULTILINE | re.DOTALL)

WIDGET_PARAMS = (
    'data-widget-params="{&#34;org&#34;:&#34;acme&#34;,&#34;survey&#34;:&#34;AKknWccEFf7&#34;}"'
)
KATE_PAGE = (
    "<!doctype html>\n<title>Thank you</title>\n<p>Thanks for your order, Kate.</p>\n"
    '<script src="https://acme.example/survey_widget.js"{nonce}></script>\n'
    f"<div data-customersure-survey-widget {WIDGET_PARAMS} data-survey-params="
    '"{&#34;name&#34;:&#34;Kate&#34;,&#34;email&#34;:&#34;kate@example.com&#34;,'
    '&#34;reference&#34;:&#34;INV-2090&#34;}"></div>\n'
    "<script{nonce}>CustomerSureSurveyWidget.init();</script>"
)


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"recipe_{name}", RECIPES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Flask finds its templates folder through the module in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def run(name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RECIPES / f"{name}.py")], capture_output=True, text=True, check=True
    )


def documented_blocks() -> list[str]:
    return [
        block
        for doc in DOCS
        if doc.exists()
        for block in FENCED_BLOCK.findall(doc.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize(
    "recipe",
    sorted(
        path.relative_to(RECIPES).as_posix()
        for path in RECIPES.rglob("*.*")
        if "__pycache__" not in path.parts  # bytecode of recipes imported by tests
    ),
)
def test_each_recipe_is_in_the_docs_verbatim(recipe: str) -> None:
    assert (RECIPES / recipe).read_text(encoding="utf-8") in documented_blocks()


def test_plain_jinja() -> None:
    result = run("plain_jinja")
    assert result.stdout == KATE_PAGE.replace("{nonce}", "") + "\n"
    assert result.stderr == ""
    assert result.stdout in documented_blocks()


def test_flask_with_talisman_s_nonce() -> None:
    app = load("flask_app").app
    # Talisman redirects plain http to https.
    response = app.test_client().get("/thanks", base_url="https://localhost")
    assert response.status_code == 200
    match = re.fullmatch(
        r"default-src 'self'; script-src 'self' https://acme\.example 'nonce-([A-Za-z0-9_-]+)'",
        response.headers["Content-Security-Policy"],
    )
    assert match is not None
    assert response.get_data(as_text=True) == KATE_PAGE.replace(
        "{nonce}", f' nonce="{match.group(1)}"'
    )


def test_flask_raises_or_omits_by_app_debug_at_render_time() -> None:
    app = load("flask_app").app
    env = app.jinja_env
    page = '{{ cswidget_container("AKknWccEFf7", customer={"email": "x"}) }}'
    with app.test_request_context(base_url="https://localhost"):
        assert env.from_string(page).render() == (
            "<!-- cswidget: survey params rejected: customer.email -->"
        )
        app.debug = True
        with pytest.raises(ValidationError):
            env.from_string(page).render()


@pytest.mark.parametrize("name", ["starlette_app", "fastapi_app"])
def test_starlette_and_fastapi_with_a_nonce_per_response_in_request_state(name: str) -> None:
    with serve(load(name).app) as base_url:
        first = httpx.get(base_url + "/thanks")
        second = httpx.get(base_url + "/thanks")
    match = re.fullmatch(
        r"script-src 'nonce-([A-Za-z0-9_-]{22})' https://acme\.example",
        first.headers["content-security-policy"],
    )
    assert match is not None
    assert first.text == KATE_PAGE.replace("{nonce}", f' nonce="{match.group(1)}"')
    assert second.headers["content-security-policy"] != first.headers["content-security-policy"]


def test_django_jinja2_backend(settings: Any) -> None:
    sys.modules["recipe_django_jinja2"] = load("django_jinja2")
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.jinja2.Jinja2",
            "DIRS": [RECIPES / "templates"],
            "OPTIONS": {"environment": "recipe_django_jinja2.environment"},
        }
    ]
    request = RequestFactory().get("/thanks")
    request.csp_nonce = "bm9uY2U"  # type: ignore[attr-defined]  # what django-csp sets
    html = render_to_string(
        "thanks.html",
        {"customer": {"name": "Kate", "email": "kate@example.com"}, "order_reference": "INV-2090"},
        request=request,
    )
    assert html == KATE_PAGE.replace("{nonce}", ' nonce="bm9uY2U"')


def test_error_policy() -> None:
    result = run("error_policy")
    assert result.stdout == (
        "<main><!-- cswidget: survey params rejected: customer.email --></main>\n"
    )
    assert result.stderr.startswith(
        "ERROR cswidget: cswidget: survey params rejected, widget omitted: "
        "Validation error; customer.email: invalid_format"
    )
    assert "kate at example.com" not in result.stdout
    assert result.stdout in documented_blocks()


def test_django(settings: Any) -> None:
    recipe = runpy.run_path(str(RECIPES / "django_settings.py"))
    assert "cswidget.django" in recipe["INSTALLED_APPS"]
    settings.CSWIDGET = recipe["CSWIDGET"]
    assert check_settings() == []
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [RECIPES / "django_templates"],
        }
    ]
    request = RequestFactory().get("/thanks")
    request.user = User(first_name="Kate", last_name="Bush", email="kate@example.com")
    # As django-csp 4 sets it: a lazy object, read only when a tag renders.
    request.csp_nonce = CheckableLazyObject(lambda: "bm9uY2U")  # type: ignore[attr-defined]
    response = load("django_views").thanks(request)
    assert response.content.decode() == (
        "<!doctype html>\n<title>Thank you</title>\n<p>Thanks for your order.</p>\n\n"
        '<script src="https://acme.example/survey_widget.js" nonce="bm9uY2U"></script>\n'
        f"<div data-customersure-survey-widget {WIDGET_PARAMS} data-survey-params="
        '"{&#34;name&#34;:&#34;Kate Bush&#34;,&#34;email&#34;:&#34;kate@example.com&#34;,'
        '&#34;reference&#34;:&#34;INV-2090&#34;}"></div>\n'
        '<script nonce="bm9uY2U">CustomerSureSurveyWidget.init();</script>\n'
    )
