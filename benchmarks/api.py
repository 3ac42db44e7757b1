"""The API client's costs against raw httpx, over real HTTP, in one run.

    python benchmarks/api.py                     # 100,000 responses
    python benchmarks/api.py --responses 20000   # quicker

A sandbox (`cswidget.sandbox`, demo seed, responses copied until there are
`--responses` of them, in a temporary SQLite file) is served by uvicorn in a
child process, so the server does not share the client's interpreter. Then:

1. memory: peak RSS of a fresh interpreter iterating 10,000 responses with
   `Client.feedback_responses.list(per_page=100)`, against one iterating
   all of them (target: within 1.2x: one page in memory at a time);
2. per-request overhead: `client.sites.get("newcastle")` against raw
   `httpx.Client.get` with the same headers and `response.json()` (target:
   within 1.25x), and one page of 100 responses as typed objects through the
   client against the raw GET and `.json()` of it (target: within 1.1x),
   interleaved rounds, medians;
3. export: `cswidget api responses export --format jsonl` of every response
   against raw paging (httpx, following `Link` rel="next", `.json()` each
   page) (target: within 1.3x).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx

from cswidget.api import Client
from cswidget.sandbox import DEFAULT_TOKEN
from cswidget.sandbox.seed import load
from cswidget.sandbox.storage import Store
from cswidget.vocabulary import API_MEDIA_TYPE

NOW = datetime(2023, 8, 19, 16, 30, tzinfo=UTC)
USER_AGENT = "Acme Ltd"
HEADERS = {
    "Accept": API_MEDIA_TYPE,
    "User-Agent": USER_AGENT,
    "Authorization": f'Token token="{DEFAULT_TOKEN}"',
}
ROUNDS = 9
CALLS_PER_ROUND = 20
SERVE = """
import sys, uvicorn
from cswidget.sandbox import create_app
db, base_url, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
uvicorn.run(create_app(db=db, base_url=base_url), host="127.0.0.1", port=port,
            log_level="warning", access_log=False)
"""
# The peak is read from VmHWM, this process's own: ru_maxrss would also hold
# the parent's peak, which Linux folds into it at exec.
ITERATE = """
import re, sys
from cswidget.api import Client
base_url, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen = 0
with Client(token, user_agent="Acme Ltd", base_url=base_url) as client:
    for response in client.feedback_responses.list(per_page=100):
        seen += 1
        if seen == count:
            break
status = open("/proc/self/status", encoding="ascii").read()
print(seen, re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
"""


def fill(path: str, responses: int) -> None:
    """The demo account, its responses copied until there are `responses`."""
    store = Store.open(path)
    load("demo", store=store, now=NOW)
    columns = (
        "survey_id, request_id, reference, machine_id, email, company_name, site_id, staff_id,"
        " fields, answers, submitted_at, created_at, updated_at"
    )
    with store.transaction() as db:
        while db.execute("SELECT count(*) FROM feedback_responses").fetchone()[0] < responses:
            db.execute(
                f"INSERT INTO feedback_responses ({columns}) SELECT {columns}"
                " FROM feedback_responses"
            )
        db.execute(
            "DELETE FROM feedback_responses WHERE id > (SELECT id FROM feedback_responses"
            " ORDER BY id LIMIT 1 OFFSET ?)",
            (responses - 1,),
        )
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def sandbox(path: str) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", SERVE, path, base_url, str(port)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the sandbox did not start") from None
                time.sleep(0.05)  # polling interval, not a wait for readiness
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def peak_rss(base_url: str, count: int) -> tuple[int, int]:
    """(responses seen, peak RSS in KiB) of a fresh interpreter iterating."""
    output = subprocess.run(
        [sys.executable, "-c", ITERATE, base_url, DEFAULT_TOKEN, str(count)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(output[0]), int(output[1])


def interleaved(contenders: dict[str, Callable[[], object]]) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, call in contenders.items():
            start = time.perf_counter()
            for _ in range(CALLS_PER_ROUND):
                call()
            samples[name].append((time.perf_counter() - start) / CALLS_PER_ROUND)
    return {name: statistics.median(times) for name, times in samples.items()}


def raw_paging(http: httpx.Client, base_url: str) -> int:
    seen = 0
    url: str | None = f"{base_url}/feedback_responses?per_page=100"
    while url:
        response = http.get(url)
        response.raise_for_status()
        seen += len(response.json())
        url = response.links.get("next", {}).get("url")
    return seen


def export(base_url: str, out: str) -> None:
    from cswidget.cli import main as cswidget_main

    with contextlib.redirect_stderr(io.StringIO()):
        status = cswidget_main(
            ["api", "--base-url", base_url, "--user-agent", USER_AGENT,
             "responses", "export", "--format", "jsonl", "--out", out, "--no-progress"]
        )  # fmt: skip
    if status != 0:
        raise SystemExit(f"export failed with status {status}")


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x (target <= {target}x: {'met' if ratio <= target else 'NOT met'})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args(argv)
    os.environ["CUSTOMERSURE_API_TOKEN"] = DEFAULT_TOKEN
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "sandbox.db")
        start = time.perf_counter()
        fill(path, args.responses)
        print(f"API client against the sandbox over HTTP ({args.responses:,} responses,"
              f" filled in {time.perf_counter() - start:.1f}s)")  # fmt: skip
        with sandbox(path) as base_url:
            small = min(10_000, args.responses)
            seen_small, rss_small = peak_rss(base_url, small)
            seen_all, rss_all = peak_rss(base_url, args.responses)
            assert (seen_small, seen_all) == (small, args.responses), (seen_small, seen_all)
            print(f"peak RSS iterating {small:,}: {rss_small / 1024:.1f} MiB;"
                  f" {args.responses:,}: {rss_all / 1024:.1f} MiB;"
                  f" ratio {verdict(rss_all / rss_small, 1.2)}")  # fmt: skip

            with Client(DEFAULT_TOKEN, user_agent=USER_AGENT, base_url=base_url) as client, \
                    httpx.Client(headers=HEADERS) as http:  # fmt: skip
                page_url = f"{base_url}/feedback_responses?per_page=100"
                site_url = f"{base_url}/sites/newcastle"
                results = interleaved(
                    {
                        "raw httpx GET /sites/newcastle": lambda: http.get(site_url).json(),
                        "client.sites.get('newcastle')": lambda: client.sites.get("newcastle"),
                        "raw httpx GET a page of 100": lambda: http.get(page_url).json(),
                        "client: first page of 100 (typed)": lambda: next(
                            client.feedback_responses.list(per_page=100).pages()
                        ),
                    }
                )
                for name, seconds in results.items():
                    print(f"  {name:38} {seconds * 1e3:8.2f} ms")
                site = (
                    results["client.sites.get('newcastle')"]
                    / results["raw httpx GET /sites/newcastle"]
                )
                page = (
                    results["client: first page of 100 (typed)"]
                    / results["raw httpx GET a page of 100"]
                )
                print(f"per-request overhead, small GET: {verdict(site, 1.25)}")
                print(
                    "a page of 100 responses as typed objects against raw .json() of it: "
                    f"{verdict(page, 1.1)}"
                )

                times: dict[str, list[float]] = {"raw": [], "export": []}
                out = str(Path(directory) / "responses.jsonl")
                for _ in range(2):
                    start = time.perf_counter()
                    assert raw_paging(http, base_url) == args.responses
                    times["raw"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    export(base_url, out)
                    times["export"].append(time.perf_counter() - start)
                with open(out, encoding="utf-8") as file:
                    lines = sum(1 for _ in file)
                assert lines == args.responses, lines
                raw, exported = min(times["raw"]), min(times["export"])
                print(f"raw paging of {args.responses:,}: {raw:.2f}s; responses export (jsonl):"
                      f" {exported:.2f}s; ratio {verdict(exported / raw, 1.3)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
