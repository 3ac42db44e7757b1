"""The framework matrix: `make test` runs the main suite, then these legs.

    nox -s django6 oldest      # what `make test` runs after the main suite
    nox -s main                # the main suite in a nox venv of its own

- `django6`: Python >= 3.12 (3.13, else 3.12) with the newest Django 6.x:
  the integration tests, including the Chromium proof of Django 6's
  built-in CSP, which only runs there.
- `oldest`: the oldest versions cswidget declares (Django 4.2, Jinja2 3.1,
  MarkupSafe 2.1, jsonschema 4.18, Starlette 0.37, Flask 3.0, selectolax 1.0.1) on the
  default Python: the integration tests.

Interpreters are found in pyenv (`$(pyenv root)/versions/*`) and on PATH,
and each is run once to check it works. With CI=true a missing interpreter
fails the leg; elsewhere the leg is skipped and nox's summary says so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = os.environ.get("CI", "").lower() == "true"

# What the integration tests need besides cswidget itself.
TEST_PACKAGES = [
    "pytest>=8",
    "pytest-django>=4.8",
    "playwright>=1.45",
    "httpx>=0.27",
    "uvicorn>=0.29",
    "python-multipart>=0.0.9",
    "django-csp==4.0",
    "flask-talisman==1.1.0",
    "flask>=3.0",  # flask-talisman does not declare it
]
# The integration tests: every framework adapter and recipe, and the
# Chromium proof for each CSP nonce provider.
INTEGRATION_TESTS = [
    "tests/test_autoembed.py",
    "tests/test_django_checks.py",
    "tests/test_django_conf.py",
    "tests/test_django_policy.py",
    "tests/test_django_tags.py",
    "tests/test_jinja_extension.py",
    "tests/test_jinja_policy.py",
    "tests/test_macros.py",
    "tests/test_recipes.py",
    "tests/browser/test_csp_providers.py",
    "tests/browser/test_integrations.py",
]
OLDEST = [
    "django==4.2.*",
    "jinja2==3.1.2",
    "markupsafe==2.1.1",
    "jsonschema==4.18.0",
    "starlette==0.37.2",
    "fastapi>=0.110.1,<0.111",
    "flask==3.0.0",
    "werkzeug==3.0.0",
    "python-multipart==0.0.9",
    "selectolax==1.0.1",
]


def _works(python: str) -> bool:
    try:
        subprocess.run([python, "-c", "import sys, venv"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def find_python(*versions: str) -> str | None:
    """The first working interpreter of `versions`: pyenv's, then PATH's."""
    pyenv = shutil.which("pyenv")
    root = os.environ.get("PYENV_ROOT") or (
        subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
        if pyenv
        else str(Path.home() / ".pyenv")
    )
    for version in versions:
        candidates = sorted(Path(root, "versions").glob(f"{version}.*/bin/python{version}"))
        candidates.reverse()  # the newest patch release first
        found = shutil.which(f"python{version}")
        for candidate in [*map(str, candidates), *([found] if found else [])]:
            if _works(candidate):
                return candidate
    return None


PY312_PLUS = find_python("3.13", "3.12")
DEFAULT = f"{sys.version_info.major}.{sys.version_info.minor}"


def _install(session: nox.Session, *requirements: str) -> None:
    """pip install, skipped when this venv already has exactly these
    requirements for this pyproject.toml: re-runs stay fast."""
    digest = hashlib.sha256(
        "\n".join([*requirements, Path("pyproject.toml").read_text(encoding="utf-8")]).encode()
    ).hexdigest()
    stamp = Path(str(session.virtualenv.location), ".cswidget-installed")
    if stamp.exists() and stamp.read_text(encoding="utf-8") == digest:
        session.log("requirements unchanged: install skipped")
        return
    session.install(*requirements)
    stamp.write_text(digest, encoding="utf-8")


def _integration_tests(session: nox.Session, *extra: str) -> None:
    # The versions this leg tested, in the log.
    session.run("python", "-m", "pip", "list", "--format=freeze", "--exclude-editable")
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, *session.posargs)


@nox.session(python=DEFAULT)
def main(session: nox.Session) -> None:
    """The whole suite on the default Python, in a venv of its own."""
    session.install("-e", ".[django,demo,lint,schema,sandbox,api,autoembed]", "--group", "dev")
    session.run("python", "-m", "pytest", *session.posargs)


def _missing(session: nox.Session, what: str) -> None:
    message = f"no {what} interpreter in pyenv ($(pyenv root)/versions) or on PATH"
    if nox.options.error_on_missing_interpreters:
        session.error(f"{message}; CI=true, so a missing interpreter is a failure")
    session.skip(f"{message}: this leg did NOT run")


# Decided here, not by nox: a reused venv would hide a missing interpreter.
# Without one the session gets no venv (python=False) and stops at once.
@nox.session(python=PY312_PLUS or False)
def django6(session: nox.Session) -> None:
    """Python >= 3.12, Django 6.x: integrations and Django 6's built-in CSP in Chromium."""
    if PY312_PLUS is None:
        _missing(session, "Python >= 3.12")
    _install(session, "-e", ".[django,demo]", "django>=6.0,<7", "jinja2", "fastapi", *TEST_PACKAGES)
    session.run("python", "-c", "import django; assert django.VERSION >= (6, 0), django.VERSION")
    _integration_tests(session, *INTEGRATION_TESTS, "tests/browser/test_django6_csp.py")


@nox.session(python=DEFAULT)
def oldest(session: nox.Session) -> None:
    """The oldest declared versions: integrations."""
    _install(session, "-e", ".[django,demo]", *OLDEST, *TEST_PACKAGES)
    _integration_tests(session, *INTEGRATION_TESTS)
