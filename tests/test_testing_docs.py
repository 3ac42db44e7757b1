"""docs/testing.md's examples are projects: each section's files, written out
exactly as the page shows them, pass their own pytest run, in a process of
their own, with the plugin as it is installed (its entry point)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "testing.md"
TEXT = DOC.read_text(encoding="utf-8")
FILE_BLOCK = re.compile(r'^```[\w+-]+ title="([^"]+)"\n(.*?)^```$', re.M | re.S)


def sections() -> dict[str, dict[str, str]]:
    """Each `## ` section's files: path -> text, as written on the page."""
    found: dict[str, dict[str, str]] = {}
    for part in re.split(r"^## ", TEXT, flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        files = dict(FILE_BLOCK.findall(body))
        if files:
            found[heading] = files
    return found


PROJECTS = sections()
# How many tests each project's files hold, and so must pass.
TESTS = {
    "The fixture": 1,
    "Example: a Django view": 2,
    "Example: a FastAPI endpoint": 1,
    "Example: an async export job": 1,
}


# Plugins of this suite's environment no example uses (each costs seconds to load).
UNRELATED_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")


def write(project: dict[str, str], root: Path) -> Path:
    for path, text in project.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def run_pytest(root: Path) -> subprocess.CompletedProcess[str]:
    # The project's own configuration only: not this suite's Django settings.
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", *UNRELATED_PLUGINS],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_file_on_the_page_belongs_to_a_project() -> None:
    assert sorted(PROJECTS) == sorted(TESTS)
    assert sum(len(files) for files in PROJECTS.values()) == len(FILE_BLOCK.findall(TEXT))


@pytest.mark.parametrize("section", sorted(TESTS))
def test_each_example_project_passes_as_written(section: str, tmp_path: Path) -> None:
    result = run_pytest(write(PROJECTS[section], tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"^{TESTS[section]} passed in ", result.stdout, re.M), result.stdout


def test_the_failure_shown_is_what_assert_embed_says(tmp_path: Path) -> None:
    files = dict(PROJECTS["Example: a Django view"])
    # The page's "had the template forgotten the consent gate and the region".
    template, view = "shop/templates/account.html", "shop/views.py"
    files[template] = files[template].replace(' consent="cookiebot:statistics"', "")
    files[view] = files[view].replace(', "region": "north"', "")
    result = run_pytest(write(files, tmp_path))
    assert result.returncode == 1
    (shown,) = re.findall(r"^```text\n(.*?)\n```$", TEXT, re.M | re.S)
    output = [line.removeprefix("E").strip() for line in result.stdout.splitlines()]
    for line in shown.splitlines():
        assert line.strip() in output, result.stdout


def test_the_examples_pass_mypy_strict(tmp_path: Path) -> None:
    # What users copy must pass their strict type checker too, as the recipes
    # do. The projects' modules have distinct names: one tree, one run.
    for section in sorted(TESTS):
        write(PROJECTS[section], tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--explicit-package-bases", "shop", "tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in 10 source files")
