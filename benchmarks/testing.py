"""What `cswidget.testing` costs a test suite, against its 5 ms target.

    python benchmarks/testing.py              # 300 rounds
    python benchmarks/testing.py --rounds 50  # quicker

1. Per test: entering `sandbox()` on the demo seed (a copy of the database
   seeded once per process), one `GET /sites` through `.client`, leaving:
   the `customersure` fixture's work for a test that makes one call.
   Median of `--rounds`, with its parts measured the same way. Target:
   <= 5 ms.
2. The same through pytest: runs of 50 and 250 tests that each use the
   fixture for one call, against runs of as many tests that do not; the
   difference of the slopes is the fixture's cost per test (pytest's fixture
   machinery included), the process's one-off costs (imports, seeding) cancel.
3. Outside a block: what the routing check adds to building a `Client`
   (one look at an empty list), against building the client.

A missed target is printed as NOT met; the script never fails on one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx

from cswidget.api import Client
from cswidget.api.routing import routed_transport
from cswidget.sandbox import create_app
from cswidget.testing import sandbox
from cswidget.testing.prepared import fresh_store

TARGET_MS = 5.0
PYTEST_TESTS = (50, 250)
WITH_FIXTURE = """
import pytest

@pytest.mark.parametrize("n", range({count}))
def test_one_call(customersure, n):
    next(iter(customersure.client.sites.list()))
"""
WITHOUT_FIXTURE = """
import pytest

@pytest.mark.parametrize("n", range({count}))
def test_nothing(n):
    pass
"""


def median_ms(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def cpu_ms(action: Callable[[], object], rounds: int) -> float:
    """CPU time per call, this process's (all its threads): what a call costs
    on an idle machine, where a loaded one stretches the wall-clock time."""
    start = time.process_time()
    for _ in range(rounds):
        action()
    return (time.process_time() - start) / rounds * 1e3


def one_test() -> None:
    with sandbox(seed="demo") as customersure:
        next(iter(customersure.client.sites.list()))


def pytest_seconds(directory: Path, source: str, count: int) -> float:
    test_file = directory / "test_bench.py"
    test_file.write_text(source.format(count=count), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:django", str(test_file)],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    found = re.search(rf"^{count} passed in ([0-9.]+)s", result.stdout, re.M)
    if result.returncode != 0 or found is None:
        raise SystemExit(f"pytest failed:\n{result.stdout}{result.stderr}")
    return float(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args(argv).rounds

    start = time.perf_counter()
    one_test()  # seeds the demo database once for this process
    first = (time.perf_counter() - start) * 1e3

    now = datetime.now(UTC)
    handle = sandbox(seed="demo")
    with handle:
        client = handle.client
        get = median_ms(lambda: next(iter(client.sites.list())), rounds)
    copy = median_ms(lambda: fresh_store(seed="demo", now=None, clock=now).close(), rounds)
    store = fresh_store(seed="demo", now=None, clock=now)
    app = median_ms(lambda: create_app(db=store, now=now), rounds)
    store.close()

    def enter_and_leave() -> None:
        with sandbox(seed="demo") as customersure:
            assert customersure.client is not None

    block = median_ms(enter_and_leave, rounds)
    per_test = median_ms(one_test, rounds)
    per_test_cpu = cpu_ms(one_test, rounds)

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"cswidget.testing: a fresh sandbox per test (demo seed; median of {rounds}; "
        f"load average {load} on {os.cpu_count()} CPUs)"
    )
    rows = {
        "enter + GET /sites through .client + leave": per_test,
        "  enter + build .client + leave": block,
        "  of which: copy of the seeded database": copy,
        "  of which: the sandbox's ASGI app": app,
        "  one GET /sites, first page, in a running sandbox": get,
    }
    for name, milliseconds in rows.items():
        print(f"  {name:52} {milliseconds:8.3f}ms")
    print(f"  {'the same, CPU time (mean)':52} {per_test_cpu:8.3f}ms")
    print(f"  {'the first sandbox of a process (seeds the database)':52} {first:8.1f}ms")
    met = per_test <= TARGET_MS
    # The verdict is the wall clock's; on a shared machine the process also
    # waits for a CPU, which the CPU time leaves out (an idle machine's figure).
    print(
        f"  target: <= {TARGET_MS:.0f} ms per test: {per_test:.2f}ms "
        f"({'met' if met else 'NOT met'}; CPU time {per_test_cpu:.2f}ms: "
        f"{'within' if per_test_cpu <= TARGET_MS else 'NOT within'} it)"
    )

    # The same work with a loop already running in the thread (an async test
    # using the sync client): the request goes to the shared loop's thread.
    async def in_a_running_loop() -> float:
        return median_ms(one_test, max(rounds // 3, 10))

    print(
        f"  {'the same, from inside a running event loop':52} "
        f"{asyncio.run(in_a_running_loop()):8.3f}ms"
    )

    few, many = PYTEST_TESTS
    slopes = {}
    with tempfile.TemporaryDirectory() as directory:
        for name, source in (("with", WITH_FIXTURE), ("without", WITHOUT_FIXTURE)):
            seconds = [pytest_seconds(Path(directory), source, count) for count in (few, many)]
            slopes[name] = (seconds[1] - seconds[0]) / (many - few) * 1e3
    print()
    print(f"Through pytest: runs of {few} and {many} tests, one call each through the fixture")
    print(f"  {'per test, with the customersure fixture':52} {slopes['with']:8.3f}ms")
    print(f"  {'per test, without':52} {slopes['without']:8.3f}ms")
    print(f"  {'added by the fixture':52} {slopes['with'] - slopes['without']:8.3f}ms")

    url = httpx.URL("https://api.customersure.com")
    # Milliseconds per thousand checks: microseconds per check.
    checks = range(1000)
    routing = median_ms(lambda: [routed_transport(url, httpx.BaseTransport) for _ in checks], 50)
    build = median_ms(lambda: Client("t", user_agent="Acme Ltd").close(), rounds)
    print()
    print("Outside a block")
    print(f"  {'the routing check a Client makes when built':52} {routing:8.3f}us")
    print(f"  {'building and closing a Client':52} {build * 1e3:8.3f}us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
