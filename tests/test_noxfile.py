"""noxfile.py's `oldest` leg tests every declared floor: its pins are the
lowest versions pyproject.toml allows, derived from pyproject.toml itself,
and it runs every test of the client, the sandbox and the demo."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import noxfile
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
# Tests that import the client, the sandbox or the demo but stay out of the
# oldest leg: they look at the demo's pages in Chromium and the Nu checker,
# whose HTML test_demo_site.py checks at the floors.
NOT_ON_THE_OLDEST_LEG = {
    "tests/browser/test_demo_flows.py",
    "tests/browser/test_demo_layout.py",
    "tests/browser/test_demo_pages.py",
    "tests/test_nu_html.py",
    # Reads the demo's list of pages to check the README shows each: no library at work.
    "tests/test_readme_screenshots.py",
    # Installs the wheel at the floors of its extra in a fresh venv itself.
    "tests/test_testing_install.py",
}


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    texts = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        texts.extend(extra)
    return [Requirement(text) for text in texts]


def test_the_oldest_leg_pins_each_dependency_at_its_declared_floor() -> None:
    pins = {name: Requirement(pin) for name, pin in noxfile.declared_floors().items()}
    requirements = declared_requirements()
    assert set(pins) == {canonicalize_name(r.name) for r in requirements}
    for requirement in requirements:
        pin = pins[canonicalize_name(requirement.name)]
        (exact,) = pin.specifier
        assert exact.operator == "=="
        # The pin satisfies every extra that names the package...
        assert requirement.specifier.contains(exact.version), (requirement, pin)
    for name, pin in pins.items():
        # ...and is the lowest version that does: the highest declared floor.
        floors = [
            Version(spec.version)
            for requirement in requirements
            if canonicalize_name(requirement.name) == name
            for spec in requirement.specifier
            if spec.operator == ">="
        ]
        (exact,) = pin.specifier
        assert Version(exact.version) == max(floors), pin


def test_the_api_and_sandbox_floors_are_on_the_leg() -> None:
    # The floors that were never tested before: httpx and uvicorn.
    pins = noxfile.declared_floors()
    assert pins["httpx"].startswith("httpx==")
    assert pins["uvicorn"].startswith("uvicorn==")
    assert pins["starlette"].startswith("starlette==")


def test_a_new_dependency_or_a_raised_floor_is_picked_up_by_itself(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        """
[project]
name = "x"
dependencies = ["jinja2>=3.1.2"]
[project.optional-dependencies]
api = ["httpx>=0.28.1", "msgspec>=0.18"]
sandbox = ["msgspec>=0.19", "uvicorn[standard]>=0.30,<1"]
""",
        encoding="utf-8",
    )
    assert noxfile.declared_floors(pyproject) == {
        "httpx": "httpx==0.28.1",
        "jinja2": "jinja2==3.1.2",
        "msgspec": "msgspec==0.19",
        "uvicorn": "uvicorn[standard]==0.30",
    }
    assert noxfile.declared_extras(pyproject) == ["api", "sandbox"]


def test_a_dependency_without_a_floor_is_refused(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["jinja2"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"'jinja2' in pyproject.toml declares no floor"):
        noxfile.declared_floors(pyproject)


def test_the_oldest_leg_runs_every_test_of_the_client_sandbox_and_demo() -> None:
    imports = re.compile(
        r"^(from|import) (cswidget\.(api|sandbox)|api_twins|api_sandbox|demo_site)\b", re.M
    )
    users = {
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").rglob("test_*.py"))
        if imports.search(path.read_text(encoding="utf-8"))
    }
    on_the_leg = set(noxfile.floor_tests())
    assert users - NOT_ON_THE_OLDEST_LEG <= on_the_leg
    assert {
        "tests/test_api_client.py",
        "tests/test_api_faults.py",
        "tests/test_api_bounds.py",
        "tests/test_sandbox_api.py",
        "tests/test_cli_lint.py",
        "tests/test_schema_differential.py",
    } <= on_the_leg


def test_every_test_on_a_leg_has_a_deadline() -> None:
    source = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert 'f"--timeout={TEST_DEADLINE}"' in source
    assert any(package.startswith("pytest-timeout") for package in noxfile.TEST_PACKAGES)


def test_every_leg_runs_its_tests_on_every_core() -> None:
    # pytest-xdist, one worker per core, as `make test` runs the main suite.
    source = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    every_core = '"-n",\n        "auto",\n        "--dist",\n        "worksteal",'
    assert source.count(every_core) == 1  # in _integration_tests: both legs
    main = 'session.run("python", "-m", "pytest", "-n", "auto", "--dist", "worksteal", *session'
    assert main in source
    assert any(package.startswith("pytest-xdist") for package in noxfile.TEST_PACKAGES)
