"""Paging while rows arrive: several writer threads create feedback requests
over real HTTP while a reader follows `Link: rel="next"`. The reader sees
every row of its snapshot exactly once, in order, and reaches the end; in
memory and in a file (a connection per thread, WAL). And a request that
holds the database never holds the event loop: other requests go on."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from api_twins import run_async
from cswidget import openapi
from cswidget.sandbox import DEFAULT_TOKEN, create_app
from cswidget.vocabulary import API_MEDIA_TYPE
from livesrv import serve

BASE_URL = "http://sandbox.test"
HEADERS = {
    "User-Agent": "cswidget tests",
    "Accept": API_MEDIA_TYPE,
    "Authorization": f"Token token={DEFAULT_TOKEN}",
}
WRITERS = 4
WRITES_EACH = 40
BODY = {
    "email": "kate@example.com",
    "send_at": "2030-01-01T00:00Z",
    "survey_id": 1484,
    "email_template_id": 10,
}


@pytest.fixture(params=["memory", "file"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    db = ":memory:" if request.param == "memory" else str(tmp_path / "sandbox.db")
    app = create_app(db=db, seed="demo", base_url=BASE_URL, now=datetime(2023, 8, 19, tzinfo=UTC))
    with serve(app) as served:
        yield served


def next_url(response: httpx.Response) -> str | None:
    found = re.search(r'<([^>]*)>; rel="next"', response.headers["link"])
    return found.group(1).removeprefix(BASE_URL) if found else None


def read_all(client: httpx.Client, path: str) -> tuple[list[int], int]:
    """Every id the pages list, and the total the first page announced."""
    response = client.get(path)
    total = int(response.headers["x-total-count"])
    ids = [item["id"] for item in response.json()]
    while (following := next_url(response)) is not None:
        response = client.get(following)
        assert response.status_code == 200
        ids += [item["id"] for item in response.json()]
    return ids, total


def test_a_reader_paging_during_writes_sees_no_duplicates_or_gaps(url: str) -> None:
    with httpx.Client(base_url=url, headers=HEADERS) as client:
        before = int(client.get("/feedback_requests").headers["x-total-count"])
    errors: list[str] = []
    start = threading.Barrier(WRITERS + 1)

    def write() -> None:
        with httpx.Client(base_url=url, headers=HEADERS) as client:
            start.wait()
            for _ in range(WRITES_EACH):
                response = client.post("/feedback_requests", json=BODY)
                if response.status_code != 201:
                    errors.append(response.text)

    writers = [threading.Thread(target=write) for _ in range(WRITERS)]
    for writer in writers:
        writer.start()
    readings = []
    pending = []
    with httpx.Client(base_url=url, headers=HEADERS) as client:
        start.wait()
        # Page slowly (5 a page) so the writers add rows between pages.
        for _ in range(3):
            readings.append(read_all(client, "/feedback_requests?per_page=5"))
            pending.append(read_all(client, "/feedback_requests?per_page=5&state=pending"))
        for writer in writers:
            writer.join()
        final, final_total = read_all(client, "/feedback_requests?per_page=100")
    assert errors == []
    for ids, total in readings:
        # The snapshot's rows, newest first, each once, none missing, to the end.
        assert ids == list(range(total, 0, -1))
    assert final == list(range(final_total, 0, -1))
    assert final_total == before + WRITERS * WRITES_EACH
    for ids, total in pending:
        # A filtered total (from the per-state counts) is what the pages hold.
        assert ids == sorted(set(ids), reverse=True)
        assert len(ids) == total


def test_a_request_holding_the_database_does_not_hold_the_event_loop(tmp_path: Path) -> None:
    # /nps is stopped inside its database read until the GET has answered: if
    # database work ran on the event loop, the GET could never be served.
    app = create_app(db=str(tmp_path / "sandbox.db"), seed="demo", base_url=BASE_URL,
                     now=datetime(2023, 8, 19, tzinfo=UTC))  # fmt: skip
    store = app.state.sandbox.store
    entered, released = threading.Event(), threading.Event()
    counts = store.score_counts

    def held(metric: str, scope: Any) -> dict[int, int]:
        entered.set()
        assert released.wait(timeout=30), "the GET never answered"
        return counts(metric, scope)

    store.score_counts = held

    async def run() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL,
                                     headers=HEADERS) as client:  # fmt: skip
            metric = asyncio.create_task(client.get("/nps"))
            while not entered.is_set():
                await asyncio.sleep(0.001)  # polling for the held read, not waiting for time
            quick = await client.get("/feedback_responses/1")
            released.set()
            return quick.status_code, (await metric).status_code

    assert run_async(run()) == (200, 200)


@pytest.mark.parametrize("threads", [True, False])
def test_database_work_goes_to_a_worker_thread_unless_threads_is_false(threads: bool) -> None:
    # cswidget.testing's in-process sandbox passes threads=False: one caller
    # at a time, no hop to a thread and back. Every endpoint, read or write.
    app = create_app(seed="demo", base_url=BASE_URL, now=datetime(2023, 8, 19, tzinfo=UTC),
                     threads=threads)  # fmt: skip
    store = app.state.sandbox.store
    threads_seen: set[int] = set()
    for name in ("score_counts", "feedback_response", "sites", "create_site"):
        method = getattr(store, name)

        def seen(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            threads_seen.add(threading.get_ident())
            return _method(*args, **kwargs)

        setattr(store, name, seen)

    async def run() -> tuple[list[int], int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL,
                                     headers=HEADERS) as client:  # fmt: skip
            statuses = [
                (await client.get("/nps")).status_code,
                (await client.get("/feedback_responses/1")).status_code,
                (await client.get("/sites")).status_code,
                (await client.post("/sites", json=openapi.NEW_SITE)).status_code,
            ]
            return statuses, threading.get_ident()

    statuses, loop_thread = run_async(run())
    assert statuses == [200, 200, 200, 201]
    assert (threads_seen == {loop_thread}) is not threads
    assert len(threads_seen) >= 1
