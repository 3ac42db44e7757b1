"""The framework matrix: `make test` runs the main suite, then these legs.

    nox -s django6 oldest      # what `make test` runs after the main suite
    nox -s main                # the main suite in a nox venv of its own

- `django6`: Python >= 3.12 (3.13, else 3.12) with the newest Django 6.x:
  the integration tests, including the Chromium proof of Django 6's
  built-in CSP, which only runs there.
- `oldest`: on the default Python, every runtime and extra dependency at
  the lowest version pyproject.toml declares (`declared_floors()` reads the
  `>=` floors, so a new dependency or a raised floor is picked up by
  itself), with every extra installed: the integration tests, and the tests
  of the API client (timeouts and faults included), the sandbox, the linter
  and the schemas (`FLOOR_TESTS`).

Every test in a leg has a hard deadline (pytest-timeout, `TEST_DEADLINE`
seconds): a hang fails that test instead of blocking the run. A leg's tests
run on every core (pytest-xdist), as `make test` runs the main suite.

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
import tomllib
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = os.environ.get("CI", "").lower() == "true"

ROOT = Path(__file__).resolve().parent
# What the legs' tests need besides cswidget and its extras.
TEST_PACKAGES = [
    "pytest>=8",
    "pytest-django>=4.8",
    "pytest-timeout>=2.3",
    "pytest-xdist>=3.8",
    "filelock>=4.3.2",  # tests/conftest.py imports tests/workers.py
    "playwright>=1.45",
    "django-csp==4.0",
    "flask-talisman==1.1.0",
    "flask>=3.0",  # flask-talisman does not declare it
]
# Seconds any one test may take in a leg (the slowest, a Chromium proof,
# takes about 10 s): beyond it the test fails with every thread's stack.
TEST_DEADLINE = 120
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
# The oldest leg also runs what exercises the `api`, `sandbox`, `demo`, `lint`,
# `schema` and `testing` extras at their floors: globs, so a new test file joins by
# itself (tests/test_noxfile.py checks that every test importing the client,
# the sandbox or the demo is here).
FLOOR_TESTS = [
    "tests/test_api_*.py",
    "tests/test_sandbox_*.py",
    "tests/test_demo_*.py",
    "tests/test_cli_sandbox.py",
    "tests/test_contract.py",
    "tests/test_testing_sandbox.py",
    "tests/test_testing_plugin.py",
    "tests/test_testing_embeds.py",
    "tests/test_cli_lint.py",
    "tests/test_schema_differential.py",
]
# Test tools of the oldest leg that must fit the floors (FastAPI 0.110 is
# the last before Starlette 0.37 stopped being enough); not cswidget's own.
OLDEST_TEST_PINS = [
    "fastapi>=0.110.1,<0.111",
    "flask==3.0.0",
    "werkzeug==3.0.0",
]
# Tests that need a tool which does not install beside the floors.
NOT_AT_FLOORS: list[str] = []


def _dev_pin(name: str) -> str:
    """The `dev` group's pin of a tool (ruff: the API client's sync twin is
    generated and formatted by it, and a test checks it is up to date)."""
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in groups["dependency-groups"]["dev"]:
        if (
            isinstance(requirement, str)
            and canonicalize_name(Requirement(requirement).name) == name
        ):
            return requirement
    raise ValueError(f"no {name} in pyproject.toml's dev group")


# What FLOOR_TESTS need besides TEST_PACKAGES.
FLOOR_TEST_PACKAGES = ["hypothesis>=6.100", "schemathesis>=4.0", _dev_pin("ruff")]


def declared_floors(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """Each runtime and extra dependency's lowest declared version, as pip
    requirements: {"httpx": "httpx==0.27.0", ...}.

    A floor is the `>=` (or `==`, `~=`) bound of the requirement; a package
    named in several extras takes the highest floor, the lowest version that
    installs with every extra. A dependency without a floor is an error: its
    oldest version cannot be tested.
    """
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = [*project.get("dependencies", [])]
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    floors: dict[str, tuple[Version, Requirement]] = {}
    for text in requirements:
        requirement = Requirement(text)
        bounds = [
            Version(spec.version)
            for spec in requirement.specifier
            if spec.operator in (">=", "==", "~=")
        ]
        if not bounds:
            raise ValueError(f"{text!r} in pyproject.toml declares no floor (>=)")
        name = canonicalize_name(requirement.name)
        floor = max(bounds)
        if name not in floors or floor > floors[name][0]:
            floors[name] = (floor, requirement)
    pins = {}
    for name, (floor, requirement) in sorted(floors.items()):
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        marker = f"; {requirement.marker}" if requirement.marker else ""
        pins[name] = f"{name}{extras}=={floor}{marker}"
    return pins


def declared_extras(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Every extra pyproject.toml declares."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return sorted(project.get("optional-dependencies", {}))


def floor_tests() -> list[str]:
    """The oldest leg's test files: the integration tests and FLOOR_TESTS."""
    files = list(INTEGRATION_TESTS)
    for pattern in FLOOR_TESTS:
        matches = sorted(str(path.relative_to(ROOT)) for path in ROOT.glob(pattern))
        if not matches:
            raise ValueError(f"FLOOR_TESTS: {pattern} matches no file")
        files.extend(match for match in matches if match not in files)
    return [name for name in files if name not in NOT_AT_FLOORS]


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
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--timeout={TEST_DEADLINE}",
        # One worker per core, as in `make test` (the Makefile says why).
        "-n",
        "auto",
        "--dist",
        "worksteal",
        *extra,
        *session.posargs,
    )


@nox.session(python=DEFAULT)
def main(session: nox.Session) -> None:
    """The whole suite on the default Python, in a venv of its own."""
    extras = "django,demo,lint,schema,sandbox,api,autoembed,testing"
    session.install("-e", f".[{extras}]", "--group", "dev")
    session.run("python", "-m", "pytest", "-n", "auto", "--dist", "worksteal", *session.posargs)


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
    # Every extra, as in `oldest`: the integration tests import httpx (the
    # api extra) and the auto-insert tests selectolax (autoembed).
    extras = ",".join(declared_extras())
    _install(session, "-e", f".[{extras}]", "django>=6.0,<7", "jinja2", "fastapi", *TEST_PACKAGES)
    session.run("python", "-c", "import django; assert django.VERSION >= (6, 0), django.VERSION")
    _integration_tests(session, *INTEGRATION_TESTS, "tests/browser/test_django6_csp.py")


# Run in the leg's venv: every declared floor is what is installed.
_CHECK_FLOORS = """
import sys
from importlib.metadata import version
from packaging.requirements import Requirement
wrong = []
for pin in sys.argv[1:]:
    requirement = Requirement(pin)
    if requirement.marker is not None and not requirement.marker.evaluate():
        continue
    installed = version(requirement.name)
    if not requirement.specifier.contains(installed, prereleases=True):
        wrong.append(f"{requirement.name} {installed}, not {requirement.specifier}")
if wrong:
    sys.exit("not at the declared floor: " + "; ".join(wrong))
print(f"{len(sys.argv) - 1} declared floors installed")
"""


@nox.session(python=DEFAULT)
def oldest(session: nox.Session) -> None:
    """Every declared floor: integrations, the API client, the sandbox, lint, schemas."""
    floors = list(declared_floors().values())
    extras = ",".join(declared_extras())
    _install(
        session,
        "-e",
        f".[{extras}]",
        *floors,
        *OLDEST_TEST_PINS,
        *TEST_PACKAGES,
        *FLOOR_TEST_PACKAGES,
    )
    session.run("python", "-c", _CHECK_FLOORS, *floors)
    _integration_tests(session, *floor_tests())
