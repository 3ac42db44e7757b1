"""Django 6's built-in CSP (ContentSecurityPolicyMiddleware, SECURE_CSP), in Chromium.

Collected only on Django >= 6.0 (tests/conftest.py): the matrix's Python
>= 3.12 leg runs it. The tags find the nonce through the `csp` context
processor's `csp_nonce` and, without it, through the middleware's own
request attribute; reading it is what puts it in the header.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from csp_proof import prove
from django.core.asgi import get_asgi_application
from playwright.sync_api import Page
from standin import RECORDING_WIDGET_JS as STAND_IN

from livesrv import serve

RECIPE = runpy.run_path(
    str(Path(__file__).resolve().parents[2] / "docs" / "recipes" / "django6_csp_settings.py")
)
REQUEST = "django.template.context_processors.request"
CSP_PROCESSOR = "django.template.context_processors.csp"


@pytest.mark.parametrize(
    "context_processors", [[REQUEST, CSP_PROCESSOR], [REQUEST]], ids=["csp_nonce", "request"]
)
def test_django_builtin_csp(
    page: Page,
    watch: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    context_processors: list[str],
) -> None:
    from django_project import views

    monkeypatch.setitem(views.WIDGET_SCRIPT, "text", STAND_IN)
    # The documented settings (docs/recipes/django6_csp_settings.py).
    assert RECIPE["TEMPLATES"][0]["OPTIONS"]["context_processors"] == [REQUEST, CSP_PROCESSOR]
    settings.MIDDLEWARE = RECIPE["MIDDLEWARE"]
    settings.SECURE_CSP = RECIPE["SECURE_CSP"]
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {"context_processors": context_processors}}
    ]
    with serve(get_asgi_application()) as base_url:
        seen = prove(page, watch, f"{base_url}/")
    assert seen["widget"] == {"org": "acme", "survey": "AKknWccEFf7"}
