"""`make bench`, the sandbox: its costs at 1,000,000 stored rows against 1,000,
and against a bare endpoint, measured side by side in one run.

- page 1 of GET /feedback_responses and GET /feedback_responses/:id, with
  1,000,000 responses stored against 1,000 (target: within 2x);
- the 1,000,000th insert against the 1,000th (target: within 1.5x);
- POST /feedback_requests throughput against a bare Starlette endpoint that
  parses the same JSON and does one SQLite insert (target: at least 50%);
- load: 50 concurrent clients over real HTTP create 10,000 feedback requests
  and answer each link (10,000 responses), then paging lists each once; a
  reader pages during the writes and sees no duplicates and reaches the end.

Requests go through the whole ASGI app in process (middleware, routing,
rules, storage, JSON); the load test goes through uvicorn and the network.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cswidget.sandbox import DEFAULT_TOKEN, Store, create_app

NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)
HEADERS = [
    (b"user-agent", b"cswidget bench"),
    (b"accept", b"application/vnd.customersure.v1+json"),
    (b"authorization", f"Token token={DEFAULT_TOKEN}".encode()),
    (b"content-type", b"application/json"),
]
BODY = json.dumps(
    {
        "email": "kate@example.com",
        "send_at": "2030-01-01T00:00Z",
        "survey_id": 1484,
        "email_template_id": 10,
        "first_name": "Kate",
        "reference": "#1041",
        "data": [{"key": "staff_code", "value": "luke"}, {"key": "site_code", "value": "leeds"}],
    }
).encode()
ROUNDS = 15
CALLS = 40
LOAD_CLIENTS = 50
# CSWIDGET_BENCH_LOAD scales the load run down on a slow machine.
LOAD_REQUESTS = int(os.environ.get("CSWIDGET_BENCH_LOAD", "10000"))
READER_PASSES = 3


async def call(app: Any, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request through the ASGI app, as a server would make it."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "headers": HEADERS, "server": ("bench", 80),
        "client": ("127.0.0.1", 1),
    }  # fmt: skip
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def fill(path: Path, responses: int) -> Store:
    """A store with the demo account and `responses` responses, bulk-loaded."""
    store = Store.open(str(path))
    create_app(db=store, seed="demo", now=NOW)
    fields = json.dumps({"email": "kate@example.com", "name": "Kate"})
    answers = json.dumps([{"question_id": 22001, "question": "How easy?", "answer": "9",
                           "type": "Rating"}])  # fmt: skip
    existing = store.feedback_responses(page=1, per_page=1, where=_all()).total
    batch = 50_000
    with store.transaction() as db:
        for start in range(existing, responses, batch):
            db.executemany(
                "INSERT INTO feedback_responses (survey_id, email, site_id, staff_id, fields,"
                " answers, submitted_at, created_at, updated_at) VALUES (2166, ?, ?, ?, ?, ?,"
                " ?, ?, ?)",
                (
                    (f"c{n % 5000}@example.com", n % 4 + 1, 98723 + n % 4, fields, answers,
                     "2023-08-01T00:00:00Z", "2023-08-01T00:00:00Z", "2023-08-01T00:00:00Z")
                    for n in range(start, min(start + batch, responses))
                ),
            )  # fmt: skip
    return store


def _all() -> Any:
    from cswidget.sandbox.storage import ResponseFilter

    return ResponseFilter()


def timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    asyncio.run(run())
    return time.perf_counter() - start


def side_by_side(contenders: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Median seconds per call of each contender, in interleaved rounds."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, run in contenders.items():
            samples[name].append(timed(run) / CALLS)
    return {name: statistics.median(times) for name, times in samples.items()}


def reads(app: Any, path: str) -> Callable[[], Any]:
    async def run() -> None:
        for _ in range(CALLS):
            status, _ = await call(app, "GET", path)
            assert status == 200, (path, status)

    return run


def inserts(store: Store) -> Callable[[], Any]:
    async def run() -> None:
        for _ in range(CALLS):
            store.add_response(
                survey_id=2166,
                fields={"email": "kate@example.com"},
                answers=[{"question_id": 22001, "question": "How easy?", "answer": "9",
                          "type": "Rating"}],
                submitted_at="2023-08-19T16:30:14Z",
            )  # fmt: skip

    return run


def posts(app: Any, path: str) -> Callable[[], Any]:
    async def run() -> None:
        for _ in range(CALLS):
            status, _ = await call(app, "POST", path, BODY)
            assert status == 201, status

    return run


def bare_app(path: Path) -> Starlette:
    """The floor: parse the JSON, one INSERT, answer 201 with the id."""
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, body TEXT)")

    async def create(request: Request) -> Response:
        data = json.loads(await request.body())
        cursor = db.execute("INSERT INTO requests (body) VALUES (?)", (json.dumps(data),))
        return JSONResponse({"id": cursor.lastrowid}, 201)

    return Starlette(routes=[Route("/feedback_requests", create, methods=["POST"])])


def report(title: str, results: dict[str, float], base: str, target: str, met: bool) -> None:
    print(title)
    for name, seconds in results.items():
        print(f"  {name:52} {seconds * 1e3:8.3f}ms {seconds / results[base]:6.2f}x")
    print(f"  target: {target} ({'met' if met else 'NOT met'})")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def load(base_url: str) -> tuple[int, int, list[str]]:
    """50 clients create LOAD_REQUESTS requests and answer each link; a reader
    pages meanwhile. Returns (requests listed, responses listed, problems)."""
    problems: list[str] = []
    headers = {key.decode(): value.decode() for key, value in HEADERS}
    body = {**json.loads(BODY), "external_link": True}
    limits = httpx.Limits(max_connections=LOAD_CLIENTS + 1)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits) as client:
        queue = iter(range(LOAD_REQUESTS))
        done = asyncio.Event()

        async def writer() -> None:
            for _ in queue:
                created = await client.post("/feedback_requests", json=body)
                if created.status_code != 201:
                    problems.append(f"POST {created.status_code}")
                    continue
                link = created.json()["link"].removeprefix(base_url)
                answered = await client.post(link, data={"q14841": "9", "q14842": "5"})
                if answered.status_code != 200:
                    problems.append(f"answer {answered.status_code}")

        async def reader() -> None:
            # A few whole passes while the writers write (each must end).
            for _ in range(READER_PASSES):
                if done.is_set():
                    break
                ids = await page_all(client, "/feedback_responses?per_page=100", problems)
                if len(ids) != len(set(ids)):
                    problems.append("the reader saw a duplicate")

        reading = asyncio.create_task(reader())
        await asyncio.gather(*(writer() for _ in range(LOAD_CLIENTS)))
        done.set()
        await reading
        requests = await page_all(client, "/feedback_requests?per_page=100", problems)
        responses = await page_all(client, "/feedback_responses?per_page=100", problems)
    for name, ids in (("requests", requests), ("responses", responses)):
        if len(ids) != len(set(ids)) or ids != sorted(ids, reverse=True):
            problems.append(f"{name}: duplicates or out of order")
    return len(requests), len(responses), problems


async def page_all(client: httpx.AsyncClient, path: str, problems: list[str]) -> list[int]:
    ids: list[int] = []
    next_path: str | None = path
    while next_path is not None:
        response = await client.get(next_path)
        if response.status_code != 200:
            problems.append(f"GET {response.status_code}")
            return ids
        ids += [item["id"] for item in response.json()]
        found = re.search(r'<([^>]*)>; rel="next"', response.headers["link"])
        next_path = found.group(1).removeprefix(str(client.base_url)) if found else None
    return ids


def run_load(directory: Path) -> bool:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "cswidget", "sandbox", "--port", str(port), "--seed", "demo",
         "--db", str(directory / "load.db")],
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base_url + "/openapi.json")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the sandbox server did not start") from None
                time.sleep(0.05)  # polling for the port, not waiting for readiness
        with httpx.Client(
            base_url=base_url,
            headers={
                "User-Agent": "b",
                "Accept": "application/vnd.customersure.v1+json",
                "Authorization": f"Token token={DEFAULT_TOKEN}",
            },
        ) as client:
            before_requests = int(client.get("/feedback_requests").headers["x-total-count"])
            before_responses = int(client.get("/feedback_responses").headers["x-total-count"])
        start = time.perf_counter()
        requests, responses, problems = asyncio.run(load(base_url))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
    new_requests, new_responses = requests - before_requests, responses - before_responses
    ok = not problems and new_requests == new_responses == LOAD_REQUESTS
    print(f"Load: {LOAD_CLIENTS} clients over HTTP, {LOAD_REQUESTS} requests + {LOAD_REQUESTS} "
          f"responses in {elapsed:.1f}s ({2 * LOAD_REQUESTS / elapsed:.0f} writes/s)")  # fmt: skip
    print(f"  listed afterwards: {new_requests} new requests, {new_responses} new responses, "
          f"each once; problems: {problems[:5] or 'none'}")  # fmt: skip
    print(f"  target: every write listed exactly once, no errors ({'met' if ok else 'NOT met'})")
    return ok


def main() -> int:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        start = time.perf_counter()
        small, big = fill(directory / "small.db", 1_000), fill(directory / "big.db", 1_000_000)
        filled = time.perf_counter() - start
        print(f"Sandbox (filled 1,000 and 1,000,000 responses in {filled:.0f}s;"
              f" median of {ROUNDS} interleaved rounds x {CALLS} calls)")  # fmt: skip
        small_app = create_app(db=small, now=NOW)
        big_app = create_app(db=big, now=NOW)
        results = side_by_side({
            "page 1, 1,000 stored": reads(small_app, "/feedback_responses"),
            "page 1, 1,000,000 stored": reads(big_app, "/feedback_responses"),
            "get by id, 1,000 stored": reads(small_app, "/feedback_responses/500"),
            "get by id, 1,000,000 stored": reads(big_app, "/feedback_responses/500000"),
            "insert, ~1,000th": inserts(small),
            "insert, ~1,000,000th": inserts(big),
        })  # fmt: skip
        page = results["page 1, 1,000,000 stored"] / results["page 1, 1,000 stored"]
        get = results["get by id, 1,000,000 stored"] / results["get by id, 1,000 stored"]
        insert = results["insert, ~1,000,000th"] / results["insert, ~1,000th"]
        report("Page 1 of GET /feedback_responses", {k: v for k, v in results.items()
               if k.startswith("page")}, "page 1, 1,000 stored",
               f"1,000,000 within 2x of 1,000: {page:.2f}x", page <= 2)  # fmt: skip
        report("GET /feedback_responses/:id", {k: v for k, v in results.items()
               if k.startswith("get")}, "get by id, 1,000 stored",
               f"1,000,000 within 2x of 1,000: {get:.2f}x", get <= 2)  # fmt: skip
        report("Insert a response", {k: v for k, v in results.items()
               if k.startswith("insert")}, "insert, ~1,000th",
               f"1,000,000th within 1.5x of 1,000th: {insert:.2f}x", insert <= 1.5)  # fmt: skip
        throughput = side_by_side({
            "bare Starlette: json.loads + one INSERT": posts(
                bare_app(directory / "bare.db"), "/feedback_requests"),
            "sandbox POST /feedback_requests": posts(
                create_app(db=str(directory / "post.db"), seed="demo", now=NOW),
                "/feedback_requests"),
        })  # fmt: skip
        share = (
            throughput["bare Starlette: json.loads + one INSERT"]
            / throughput["sandbox POST /feedback_requests"]
        )
        report("POST /feedback_requests throughput", throughput,
               "bare Starlette: json.loads + one INSERT",
               f"at least 50% of the bare endpoint's: {share:.0%}", share >= 0.5)  # fmt: skip
        met = page <= 2 and get <= 2 and insert <= 1.5 and share >= 0.5
        if os.environ.get("CSWIDGET_BENCH_SKIP_LOAD") != "1":
            met = run_load(directory) and met
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
