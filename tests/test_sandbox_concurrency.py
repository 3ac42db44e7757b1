"""Paging while rows arrive: several writer threads create feedback requests
over real HTTP while a reader follows `Link: rel="next"`. The reader sees
every row of its snapshot exactly once, in order, and reaches the end."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

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


@pytest.fixture
def url() -> Iterator[str]:
    app = create_app(seed="demo", base_url=BASE_URL, now=datetime(2023, 8, 19, tzinfo=UTC))
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
    with httpx.Client(base_url=url, headers=HEADERS) as client:
        start.wait()
        # Page slowly (5 a page) so the writers add rows between pages.
        for _ in range(3):
            readings.append(read_all(client, "/feedback_requests?per_page=5"))
        for writer in writers:
            writer.join()
        final, final_total = read_all(client, "/feedback_requests?per_page=100")
    assert errors == []
    for ids, total in readings:
        # The snapshot's rows, newest first, each once, none missing, to the end.
        assert ids == list(range(total, 0, -1))
    assert final == list(range(final_total, 0, -1))
    assert final_total == before + WRITERS * WRITES_EACH
