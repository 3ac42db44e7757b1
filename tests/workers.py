"""What the pytest-xdist workers of one test run share: things built once,
and locks for what must not run twice at the same time.

Both live in the folder every worker of the run shares, the parent of a
worker's basetemp (pytest-xdist's recipe "Making session-scoped fixtures
execute only once", in its how-to). Without xdist (`-n 0`, or pytest run on
one file) the build is an ordinary build into a fresh temporary folder, and
the lock is taken by the only process there is.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock


def is_worker(config: pytest.Config) -> bool:
    # An xdist worker's config has `workerinput` (not the environment: a
    # pytest run that a test starts inherits PYTEST_XDIST_WORKER).
    return hasattr(config, "workerinput")


def _run_folder(request: pytest.FixtureRequest) -> Path:
    tmp_path_factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    basetemp = tmp_path_factory.getbasetemp()
    return basetemp.parent if is_worker(request.config) else basetemp


def build_once(
    request: pytest.FixtureRequest, name: str, build: Callable[[Path], Any]
) -> tuple[Path, Any]:
    """`build(folder)` run once per test run; returns the folder and what
    `build` returned (JSON-able: the other workers read it back).

        folder, result = build_once(request, "site", build_site)
    """
    if not is_worker(request.config):
        tmp_path_factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        folder = tmp_path_factory.mktemp(name)
        return folder, build(folder)
    shared = _run_folder(request)
    folder = shared / name
    record = shared / f"{name}.json"
    with FileLock(shared / f"{name}.lock"):
        if not record.is_file():
            # A worker whose build raised left a half-built folder behind.
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            record.write_text(json.dumps(build(folder)), encoding="utf-8")
    return folder, json.loads(record.read_text(encoding="utf-8"))


def one_at_a_time(request: pytest.FixtureRequest, name: str) -> FileLock:
    """A lock that one worker of the run holds at a time.

    with one_at_a_time(request, "mypy_cache"):
        subprocess.run([sys.executable, "-m", "mypy"])
    """
    return FileLock(_run_folder(request) / f"{name}.lock")
