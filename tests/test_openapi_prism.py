"""Prism (`prism mock`) mocking the served document answers the seed's own
example requests, sent exactly as the seed writes them, with 2xx and no
violation; the sandbox answers the same requests with 2xx.

SEED_REQUESTS is copied from the seed document's curl lines (the seed lives
outside the repository): its `Accept` with the trailing `;`, its three
tokens, `Content-Type: application/json` on bodies, its bodies and paths,
and the `User-Agent` curl sends. Left out: the 401 example (a fake token:
Prism checks that a token is there, not its value).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from openapi_tools import TOKEN, free_port, recorded_sandbox, served_document, tool, tool_env

STARTUP_TIMEOUT = 120.0
SEED_ACCEPT = "application/vnd.customersure.v1+json;"
CURL_USER_AGENT = "curl/7.88.1"


@dataclass(frozen=True)
class SeedRequest:
    method: str
    path: str
    token: str
    body: str | None = None

    def headers(self, token: str | None = None) -> dict[str, str]:
        headers = {
            "Accept": SEED_ACCEPT,
            "Authorization": f'Token token="{token or self.token}"',
            "User-Agent": CURL_USER_AGENT,
        }
        if self.body is not None:
            headers["Content-Type"] = "application/json"
        return headers


A, B, C = (
    "ec76c296df321768ba4cc41a445bfb6f",
    "b7c2b8ccbc967726cbdadf46406a3912",
    "04da26bec3b93233fd00e3876685f181",
)
CREATE_FEEDBACK_REQUEST = """{
              "email":"john.smith@example.com",
              "send_at":"2023-08-20T18:00:00+0100",
              "survey_id":1484,
              "email_template_id":10,
              "first_name":"John",
              "surname":"Smith",
              "reference":"#1041",
              "machine_id":"8736245",
              "data":[
                { "key":"staff_code", "value":"luke" },
                { "key":"site_code", "value":"newcastle" },
                { "key":"category", "value":"api-support" },
                { "key":"ticket_date", "value":"20th Aug 2023" }],
              "reminders":[
                { "email_template_id": 11, "send_at":"2023-08-27T18:00:00+0100" },
                { "email_template_id": 12, "send_at":"2023-09-01T18:00:00+0100" }]
            }"""
CREATE_SITE = """{
              "site_code":"hq",
              "name":"Head Office",
              "city": "Newcastle",
              "region":"Tyne and Wear"
            }"""
# In the seed's order; the sites run create, retrieve, update, list.
SEED_REQUESTS = (
    SeedRequest("GET", "/feedback_requests?state=pending", A),
    SeedRequest("POST", "/feedback_requests", A, CREATE_FEEDBACK_REQUEST),
    SeedRequest("GET", "/feedback_responses/1", B),
    SeedRequest("GET", "/feedback_responses", A),
    SeedRequest("GET", "/response_rate", B),
    SeedRequest("GET", "/nps", B),
    SeedRequest("GET", "/csat", B),
    SeedRequest("POST", "/sites", A, CREATE_SITE),
    SeedRequest("GET", "/sites/hq", B),
    SeedRequest("PATCH", "/sites/hq", C, '{"name":"Main Office"}'),
    SeedRequest("GET", "/sites", A),
    SeedRequest("GET", "/staff/98723", B),
    SeedRequest("GET", "/staff", A),
    SeedRequest("GET", "/surveys", A),
    SeedRequest("GET", "/email_templates", A),
    SeedRequest("GET", "/text_message_templates", A),
)


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`prism mock` of the served document on a free port; yields its URL."""
    folder = tmp_path_factory.mktemp("prism")
    document = folder / "openapi.json"
    with recorded_sandbox() as (url, _):
        document.write_bytes(served_document(url))
    port = free_port()
    log = folder / "prism.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [tool("prism"), "mock", str(document), "--host", "127.0.0.1", "--port", str(port)],
            stdout=output, stderr=subprocess.STDOUT, env=tool_env(), cwd=folder,
        )  # fmt: skip
    try:
        wait_until_listening(process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_listening(process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while b"Prism is listening" not in log.read_bytes():
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.1)  # polling interval, not a wait for readiness


def send(client: httpx.Client, request: SeedRequest, token: str | None = None) -> httpx.Response:
    return client.request(
        request.method, request.path, headers=request.headers(token), content=request.body
    )


def test_prism_answers_the_seeds_requests_with_2xx_and_no_violation(prism: str) -> None:
    with httpx.Client(base_url=prism) as client:
        answers = [(request, send(client, request)) for request in SEED_REQUESTS]
    failed = [
        (request.method, request.path, response.status_code, response.headers.get("sl-violations"))
        for request, response in answers
        if not response.is_success or "sl-violations" in response.headers
    ]
    assert failed == []
    for _, response in answers:
        assert response.headers["content-type"].startswith("application/vnd.customersure.v1+json")
        json.loads(response.content)


def test_prism_refuses_what_the_sandbox_refuses(prism: str) -> None:
    # The same wrong requests get the same status from the mock and the sandbox.
    site = SEED_REQUESTS[7]
    wrong = [
        ("GET", "/nps", {**site.headers(), "Accept": "application/json"}, None),
        ("POST", "/sites", {**site.headers(), "Content-Type": "text/plain"}, site.body),
        ("POST", "/sites", site.headers(), '{"site_code": "hq", "name": "Head Office"}'),
    ]
    with (
        recorded_sandbox(token=site.token) as (url, _),
        httpx.Client(base_url=prism) as mock,
        httpx.Client(base_url=url) as sandbox,
    ):
        for method, path, headers, body in wrong:
            from_mock = mock.request(method, path, headers=headers, content=body)
            from_sandbox = sandbox.request(method, path, headers=headers, content=body)
            assert from_mock.status_code in (406, 415, 422), from_mock.headers
            # Prism says 422 for every request it finds invalid; its reason names the status.
            reason = from_mock.headers.get("sl-violations", "")
            expected = from_sandbox.status_code
            assert from_mock.status_code == expected or f'"code":{expected}' in reason, (
                method, path, from_mock.status_code, reason, expected,
            )  # fmt: skip


def test_the_sandbox_answers_the_seeds_requests_with_2xx() -> None:
    # The sandbox takes one token (docs/sandbox.md, "Three tokens"): its own
    # replaces the seed's three; everything else is sent as the seed writes it.
    with recorded_sandbox() as (url, recorder), httpx.Client(base_url=url) as client:
        for request in SEED_REQUESTS:
            send(client, request, token=TOKEN)
    assert [(e.method, e.status) for e in recorder.exchanges if e.status >= 300] == []
    assert len(recorder.exchanges) == len(SEED_REQUESTS)
