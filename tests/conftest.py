from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# tests/ holds shared test modules (hostile.py, livesrv.py) imported by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django

from docsite import BuiltSite, build_site
from workers import build_once, is_worker, one_at_a_time
from worktree import work_tree_status

# Django >= 6.0 (Python >= 3.12) only: its built-in CSP. The matrix's
# Django 6 leg runs these (noxfile.py checks that it really did).
DJANGO6_ONLY = ["browser/test_django6_csp.py"]
collect_ignore = DJANGO6_ONLY if django.VERSION < (6, 0) else []

# --- `make test` leaves the work tree as it found it. ---
# Compared over the whole run, so it holds for every test, including any
# added later: a run that writes into tracked paths (screenshots, docs,
# fixtures) or leaves untracked files behind fails, naming the paths.
# (Screenshots are made only by `make screenshots`.) Under pytest-xdist the
# controller compares, before the first worker starts and after the last one
# ends: a worker would see another's test in the middle of its work.

TREE_BEFORE = pytest.StashKey[str | None]()


def pytest_sessionstart(session: Any) -> None:
    if not is_worker(session.config):
        session.config.stash[TREE_BEFORE] = work_tree_status()


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    before = session.config.stash.get(TREE_BEFORE, None)
    after = work_tree_status()
    if before is None or after == before:
        return
    changed = sorted(set(after.splitlines()) ^ set(before.splitlines()))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            "FAILED: the test run changed the work tree (git status --porcelain):", red=True
        )
        for line in changed:
            reporter.write_line(f"  {line}", red=True)
    session.exitstatus = 1


# --- The documentation site, built once per run into a temporary folder. ---


@pytest.fixture(scope="session")
def docs_site(request: pytest.FixtureRequest) -> BuiltSite:
    """The site as `make docs` builds it (tests/docsite.py), shared by the
    build test and the browser test of it: built once, by the first xdist
    worker that asks (tests/workers.py)."""

    def build(folder: Path) -> dict[str, Any]:
        built = build_site(folder)
        return {"stderr": built.stderr, "returncode": built.returncode}

    folder, result = build_once(request, "site", build)
    return BuiltSite(folder, result["stderr"], result["returncode"])


# --- mypy in the work tree, one run at a time. ---


@pytest.fixture
def one_mypy_at_a_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """Held by each test that runs mypy on the work tree's .mypy_cache: two
    runs on one cache at once can crash (python/mypy#21136), and two xdist
    workers would start them together."""
    with one_at_a_time(request, "mypy_cache"):
        yield
