"""The pytest plugin (entry point `pytest11`): fixtures `customersure` and
`customersure_async`, and the marker that sets them up.

    @pytest.mark.customersure(seed="account", now=datetime(2024, 5, 1, 9, tzinfo=UTC))
    def test_nps_report(customersure):
        ...

Each test gets a fresh sandbox (`cswidget.testing.sandbox()`), its clients
routed there for the length of the test. Both fixtures are the same handle;
`customersure_async` is for async tests, and is a plain fixture so that it
works under pytest-asyncio (strict or auto), anyio's plugin or any other
runner without cswidget choosing one: the handle's methods are plain, and
its `async_client` runs on the test's own loop.

This module imports only pytest: pytest loads it wherever cswidget is
installed, also where the `testing` extra is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .handle import Sandbox

__all__ = ["customersure", "customersure_async", "pytest_configure"]

MARKER = "customersure"


def pytest_configure(config: pytest.Config) -> None:
    # Registered, so projects running with --strict-markers may use it.
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*, seed='demo', now=None, token=None, base_url=...): the sandbox "
        "the customersure fixtures start (cswidget.testing.sandbox's arguments)",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise TypeError(
            f"@pytest.mark.{MARKER} takes keywords only (seed=, now=, token=, base_url=), "
            f"not {marker.args!r}"
        )
    return dict(marker.kwargs)


def _sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    # Imported here, through the package: without the testing extra the
    # error says which package is missing and how to install it.
    from . import sandbox

    with sandbox(**_options(request)) as handle:
        yield handle


@pytest.fixture
def customersure(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A fresh sandboxed CustomerSure account for this test (`cswidget.testing.Sandbox`)."""
    yield from _sandbox(request)


@pytest.fixture
def customersure_async(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """The same, for async tests: use its `async_client`, or build your own."""
    yield from _sandbox(request)
