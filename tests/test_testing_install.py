"""Done when: in a fresh virtual environment with only `cswidget[testing]` and
pytest, a user's project passes its tests with the `customersure` fixture,
and no network socket is opened during them.

The wheel is built from this work tree and installed with pip from the
package index (its cache makes repeat runs quick), the testing extra's
dependencies at the lowest versions pyproject.toml allows, so the floors
are tested too. The project is docs/testing.md's "The fixture" example, as
the page shows it, plus a conftest.py that makes every internet socket fail.
Then pytest-asyncio joins, and the async fixture passes under it, in its
strict mode and its auto mode; then pytest-socket, with --allow-unix-socket.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from test_testing_docs import PROJECTS, write

ROOT = Path(__file__).resolve().parents[1]
# The testing extra's floors in pyproject.toml.
FLOORS = ("httpx==0.27.0", "starlette==0.37.2", "msgspec==0.19.0", "html5lib==1.1")

NO_NETWORK = '''
import socket

import pytest


class NetworkUsed(RuntimeError):
    """A test reached for the network."""


def refuse(*args: object, **kwargs: object) -> None:
    raise NetworkUsed(f"network use: {args!r}")


real_init = socket.socket.__init__


def guarded_init(self, family=-1, type=-1, proto=-1, fileno=None):  # type: ignore[no-untyped-def]
    # Internet sockets fail; a Unix socket pair (an event loop's wake-up) may be made.
    if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
        raise NetworkUsed("an internet socket")
    real_init(self, family, type, proto, fileno)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "__init__", guarded_init)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
'''

GUARD_WORKS = """
import httpx
import pytest

from conftest import NetworkUsed


def test_the_guard_stops_a_real_request() -> None:
    with pytest.raises(NetworkUsed):
        httpx.get("https://api.customersure.com/sites")
"""

UNDER_PYTEST_ASYNCIO = """
from datetime import timedelta

import pytest

from cswidget.api import AsyncClient
from cswidget.testing import Sandbox


@pytest.mark.asyncio
async def test_the_async_fixture_under_pytest_asyncio(customersure_async: Sandbox) -> None:
    async with AsyncClient("any token", user_agent="Acme Ltd") as client:
        request = await client.feedback_requests.create(
            email="kate@example.com",
            survey_id=1484,
            email_template_id=10,
            send_at=customersure_async.clock.now() + timedelta(hours=1),
        )
        customersure_async.clock.advance(timedelta(hours=1))
        response = customersure_async.respond(request, answers={14841: 10})
        fetched = await client.feedback_responses.get(response.id)
        assert fetched.answers[0].answer == "10"
"""

WITHOUT_THE_EXTRA = """
def test_a_project_without_the_testing_extra_still_runs() -> None:
    assert True


def test_the_fixture_says_what_to_install(customersure: object) -> None:
    pass
"""


class Venv:
    def __init__(self, root: Path, wheel: Path) -> None:
        self.root = root
        self.wheel = wheel
        venv.EnvBuilder(with_pip=False).create(root)
        self.python = root / "bin" / "python"

    def install(self, *requirements: str) -> None:
        # This test run's pip, pointed at the new environment: no ensurepip.
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(self.python), "install", "-q",
             *requirements],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip

    def pytest(self, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV")
        }
        return subprocess.run(
            [str(self.python), "-I", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W",
             "error", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
         str(dist), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = dist.glob("cswidget-*.whl")
    return Venv(tmp_path_factory.mktemp("venv"), wheel)


def passed(result: subprocess.CompletedProcess[str]) -> int:
    found = re.search(r"^(\d+) passed in ", result.stdout, re.M)
    assert result.returncode == 0, result.stdout + result.stderr
    assert found is not None, result.stdout
    return int(found.group(1))


def test_done_when_a_users_project_passes_in_a_fresh_environment_without_the_network(
    fresh: Venv, tmp_path: Path
) -> None:
    # First cswidget alone: pytest loads the plugin and every test still runs;
    # only a test asking for the fixture fails, saying what to install.
    fresh.install(str(fresh.wheel), "pytest")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "test_plain.py").write_text(WITHOUT_THE_EXTRA, encoding="utf-8")
    result = fresh.pytest(plain, "--strict-markers")
    assert "1 passed, 1 error" in result.stdout, result.stdout + result.stderr
    assert (
        "cswidget.testing needs httpx, which is not installed: install cswidget's 'testing' "
        "extra (from the clone's folder: pip install '.[testing]')" in result.stdout
    )

    # Then the extra, at its floors: the user's project passes, sockets refused.
    fresh.install(f"{fresh.wheel}[testing]", "pytest", *FLOORS)
    project = write(PROJECTS["The fixture"], tmp_path / "shop")
    (project / "tests" / "conftest.py").write_text(NO_NETWORK, encoding="utf-8")
    (project / "tests" / "test_guard.py").write_text(GUARD_WORKS, encoding="utf-8")
    assert passed(fresh.pytest(project)) == 2

    # pytest-asyncio, strict and auto: the async fixture works under both.
    fresh.install("pytest-asyncio")
    (project / "tests" / "test_async.py").write_text(UNDER_PYTEST_ASYNCIO, encoding="utf-8")
    scope = "asyncio_default_fixture_loop_scope=function"
    assert passed(fresh.pytest(project, "-o", scope)) == 3
    assert passed(fresh.pytest(project, "-o", scope, "-o", "asyncio_mode=auto")) == 3

    # pytest-socket, as docs/testing.md says: with --allow-unix-socket (an
    # event loop's wake-up pair), as any asyncio test needs.
    fresh.install("pytest-socket")
    unix_only = ("--disable-socket", "--allow-unix-socket")
    assert passed(fresh.pytest(project, "-o", scope, *unix_only)) == 3
