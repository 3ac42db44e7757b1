"""tests/workers.py: what the suite builds once is built once per run, by
whichever pytest-xdist worker asks first, and every worker gets the folder
and what the build returned; without xdist it is an ordinary build. Every
worker's `one_at_a_time` is the same lock."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parent

# Each build appends a line to LOG: `once` through build_once, `plain`
# through an ordinary session fixture, the control (once per worker).
CONFTEST = """
import sys
sys.path.insert(0, TESTS)

import pytest
from workers import build_once, one_at_a_time

def note(what):
    with open(LOG, "a") as log:
        log.write(what + "\\n")

@pytest.fixture(scope="session")
def built(request):
    def build(folder):
        (folder / "artifact").write_text("made")
        note("once")
        return {"made": str(folder)}

    return build_once(request, "artifact", build)

@pytest.fixture(scope="session")
def plain():
    note("plain")

@pytest.fixture
def locked(request):
    with one_at_a_time(request, "tool") as lock:
        yield lock.lock_file
"""

TEST = """
def test_sees_what_was_built(built, plain, locked):
    folder, result = built
    assert (folder / "artifact").read_text() == "made"
    assert result == {"made": str(folder)}
    with open(LOG, "a") as log:
        log.write(f"lock {locked}\\n")
"""

# Plugins of this project that a bare run does not need.
ARGS = ("-p", "no:randomly", "-p", "no:schemathesis", "-p", "no:django", "-p", "no:cacheprovider")


def builds(pytester: pytest.Pytester, *args: str, subprocess: bool) -> list[str]:
    """What was built in a run of eight tests, each in a file of its own."""
    log = pytester.path / "builds.log"
    conftest = CONFTEST.replace("TESTS", repr(str(TESTS))).replace("LOG", repr(str(log)))
    pytester.makeconftest(conftest)
    test = TEST.replace("LOG", repr(str(log)))
    pytester.makepyfile(**{f"test_{number}": test for number in range(8)})
    run = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    run(*ARGS, *args).assert_outcomes(passed=8)
    lines = log.read_text().splitlines()
    # Every test, on either worker, took the same lock.
    assert len({line for line in lines if line.startswith("lock ")}) == 1
    return sorted(line for line in lines if not line.startswith("lock "))


def test_two_workers_build_it_once_where_a_session_fixture_runs_twice(
    pytester: pytest.Pytester,
) -> None:
    assert builds(pytester, "-n", "2", subprocess=True) == ["once", "plain", "plain"]


def test_without_workers_it_is_built_as_a_session_fixture(pytester: pytest.Pytester) -> None:
    assert builds(pytester, "-p", "no:xdist", subprocess=False) == ["once", "plain"]
