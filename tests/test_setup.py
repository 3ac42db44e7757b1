"""The README's two commands, as a new user meets them: the prerequisites it
names are everything `make demo` and `make test` need, and without npm both
stop at once, saying so, before building anything."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import ensure_chromium

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Each program the two commands run from outside .venv, and how the README names it.
PREREQUISITES = {
    "make": "`make`",
    "python3": "Python 3.11+",
    "npm": "Node.js with `npm`",
    "java": "Java 11+",  # the Nu HTML checker, run by the tests (tests/ensure_java.py)
    "chromium": "Chromium",  # the browser tests (tests/ensure_chromium.py)
}
# Commands of the shell and of the project's own .venv.
OWN = {"touch", "echo", "command", "exit", "{", "}", "\\"}
NPM_MISSING = "make: npm not found: install Node.js with npm (see README.md), then run make again"


def programs(recipe: str) -> set[str]:
    """The programs a recipe line runs: first words after `&&`, `;`, `||`,
    `$(`, past variable assignments; helper scripts stand for what they find."""
    found = set()
    for part in re.split(r"&&|\|\||;|\$\(|\|", recipe):
        words = [word for word in part.split() if not re.match(r"[A-Za-z_]+=", word)]
        if not words:
            continue
        if words[0].startswith(".venv/"):
            helper = re.search(r"tests/ensure_(\w+)\.py", part)
            if helper:
                found.add(helper.group(1))
            continue
        found.add(words[0])
    return found - OWN


def two_commands_section() -> str:
    start = README.index("## Two commands")
    return README[start : README.index("\n## ", start + 1)]


def test_the_readme_names_everything_the_two_commands_run() -> None:
    # As a reader's shell runs it: under `make test` itself, a nested make
    # would also print "make[1]: Entering directory".
    environ = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    recipes = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "demo", "test"],
        cwd=ROOT, env=environ, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    needed = {"make"} | set().union(*(programs(line) for line in recipes.splitlines()))
    # The tests themselves run Java for the Nu checker.
    if "ensure_java" in (ROOT / "tests" / "test_nu_html.py").read_text(encoding="utf-8"):
        needed.add("java")
    assert needed == set(PREREQUISITES)
    section = two_commands_section()
    assert [name for name, shown in PREREQUISITES.items() if shown not in section] == []


@pytest.mark.parametrize("target", ["demo", "test"])
def test_without_npm_make_stops_first_and_says_why(target: str, tmp_path: Path) -> None:
    for name in ("Makefile", "package.json", "package-lock.json", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    nothing = tmp_path / "empty-path"
    nothing.mkdir()
    make = shutil.which("make")
    assert make is not None
    result = subprocess.run(
        [make, target], cwd=tmp_path, env={"PATH": str(nothing)}, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == NPM_MISSING
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "Makefile", "empty-path", "package-lock.json", "package.json", "pyproject.toml",
    ]  # fmt: skip


def make_test_recipe(**variables: str) -> list[str]:
    """The lines `make test` runs (printed, not run: `make -n`)."""
    # Not the make that runs this test: its MAKEFLAGS, nor the PYTEST_ARGS it
    # was given (make puts command-line variables in the environment).
    outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "PYTEST_ARGS")
    environ = {k: v for k, v in os.environ.items() if k not in outer}
    assignments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", "node_modules/.installed",
         "-o", ".venv/.test-installed", "test", *assignments],
        cwd=ROOT, env=environ, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip


@pytest.mark.parametrize(
    ("variables", "pytest_arguments"),
    [
        # One pytest-xdist worker per core, each starting with its half of
        # the tests; what PYTEST_ARGS says comes last, so it wins.
        ({}, "-n auto --dist worksteal"),
        ({"PYTEST_ARGS": "-n 0 -k widget"}, "-n auto --dist worksteal -n 0 -k widget"),
    ],
)
def test_make_test_runs_the_main_suite_on_every_core(
    variables: dict[str, str], pytest_arguments: str
) -> None:
    (line,) = [line for line in make_test_recipe(**variables) if " -m pytest" in line]
    words = line.split()
    assert words[words.index("pytest") + 1 : words.index("&&")] == pytest_arguments.split()


def test_make_test_prefers_the_headless_shell_to_the_whole_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tests/ensure_chromium.py says why: the same Chromium, a third of the CPU.
    for name in ("google-chrome", "chromium", "chromium-headless-shell"):
        program = tmp_path / name
        program.write_text("#!/bin/sh\n", encoding="utf-8")
        program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ensure_chromium.on_path() == str(tmp_path / "chromium-headless-shell")
    (tmp_path / "chromium-headless-shell").unlink()
    assert ensure_chromium.on_path() == str(tmp_path / "chromium")
