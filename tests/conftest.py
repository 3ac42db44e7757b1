from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

# tests/ holds shared test modules (hostile.py, livesrv.py) imported by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django

from docsite import BuiltSite, build_site
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


def is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session: Any) -> None:
    if not is_xdist_worker(session.config):
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
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site as `make docs` builds it (tests/docsite.py), shared by the
    build test and the browser test of it."""
    return build_site(tmp_path_factory.mktemp("site"))
