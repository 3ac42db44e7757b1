"""The tiny Django project cswidget's Django tests run against."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONCE, SELF

SECRET_KEY = "cswidget-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "django_project.urls"
USE_TZ = True
DATABASES: dict[str, dict[str, str]] = {}
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "cswidget.django",
]
# The real django-csp 4: request.csp_nonce is its lazy CheckableLazyObject,
# and the header names the nonce only if a template read it.
MIDDLEWARE = ["csp.middleware.CSPMiddleware"]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
CSWIDGET = {
    "ORG": "acme",
    "SCRIPT_SRC": "/widget.js",
    "SEGMENT_KEYS": ["region"],
}
