"""The pytest plugin, run as a user's project runs it (pytester): the fixtures
are fresh per test, the marker is registered and sets them up, and the async
fixture works under anyio's plugin. (pytest-asyncio, and a project with no
other package: tests/test_testing_install.py.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

# Plugins this project has and a user's project would not; the user's
# project runs with --strict-markers, as ours does.
ARGS = ("-p", "no:randomly", "-p", "no:schemathesis", "-p", "no:django", "--strict-markers")

SYNC_TESTS = """
from datetime import UTC, datetime

import pytest

from cswidget.api import Client
from cswidget.api.routing import routed_transport


def test_first_adds_a_site(customersure):
    with Client("any", user_agent="Acme Ltd") as client:
        client.sites.create(site_code="york", name="York", region="North")
        assert len(list(client.sites.list())) == 5


def test_second_starts_fresh(customersure):
    with Client("any", user_agent="Acme Ltd") as client:
        assert len(list(client.sites.list())) == 4


@pytest.mark.customersure(seed="account", now=datetime(2024, 5, 1, 9, tzinfo=UTC))
def test_the_marker_sets_the_seed_and_the_clock(customersure):
    assert customersure.clock.now() == datetime(2024, 5, 1, 9, tzinfo=UTC)
    assert customersure.feedback_requests() == []


@pytest.mark.customersure(token="s3cret")
class TestOnAClass:
    def test_the_marker_reaches_methods(self, customersure):
        assert customersure.token == "s3cret"


def test_the_async_fixture_is_the_same_handle_in_a_sync_test(customersure_async):
    assert customersure_async.client.sites.get("leeds").name == "Leeds Briggate"


def test_without_the_fixture_nothing_is_routed():
    import httpx
    assert routed_transport(httpx.URL("https://x.test"), httpx.BaseTransport) is None
"""


def test_the_fixtures_are_fresh_per_test_and_the_marker_is_registered(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_shop=SYNC_TESTS)
    result = pytester.runpytest(*ARGS, "-v")
    result.assert_outcomes(passed=6)


def test_the_marker_is_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*ARGS, "--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.customersure(*, seed='demo', now=None, token=None, base_url=...): *"]
    )


def test_the_marker_takes_keywords_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_shop="""
        import pytest

        @pytest.mark.customersure("account")
        def test_it(customersure):
            pass
        """
    )
    result = pytester.runpytest(*ARGS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.customersure takes keywords only*"])


def test_the_async_fixture_under_anyios_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_shop="""
        import pytest

        from cswidget.api import AsyncClient


        @pytest.mark.anyio
        async def test_an_async_client_built_in_the_test(customersure_async):
            async with AsyncClient("any", user_agent="Acme Ltd") as client:
                assert (await client.sites.get("leeds")).name == "Leeds Briggate"
            site = await customersure_async.async_client.sites.get("newcastle")
            assert site.name == "Newcastle Quayside"
            assert len(customersure_async.feedback_requests(state="pending")) == 5
        """
    )
    # A process of its own: Playwright's sync API, used by the browser tests
    # in this session, keeps an event loop running in this process's main thread.
    result = pytester.runpytest_subprocess(*ARGS)
    result.assert_outcomes(passed=1)


def test_the_plugin_module_imports_only_pytest() -> None:
    # pytest loads it wherever cswidget is installed, extras or not.
    code = (
        "import sys, cswidget.testing.plugin; "
        "heavy = ('httpx', 'starlette', 'html5lib', 'msgspec', 'cswidget.api', "
        "'cswidget.sandbox'); "
        "print(sorted(name for name in heavy if name in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
