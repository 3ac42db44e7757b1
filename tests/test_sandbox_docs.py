"""docs/sandbox.md stays true: its transcript of the seed's curl examples is
replayed against the sandbox, and its Python example runs."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from cswidget.sandbox import create_app
from livesrv import serve

DOC = Path(__file__).resolve().parents[1] / "docs" / "sandbox.md"
DOC_BASE_URL = "http://127.0.0.1:8010"
NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)
# Survey links are signed with a key each database makes for itself.
SIGNED_LINK = re.compile(r"/r/([0-9]+)-[A-Za-z0-9_-]{16}")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def transcript() -> list[tuple[str, str]]:
    """(command, output) for each `$ curl` of the transcript, in order."""
    text = blocks("console")[-1]
    entries = [entry for entry in re.split(r"^\$ ", text, flags=re.M) if entry.strip()]
    return [tuple(entry.split("\n", 1)) for entry in entries]  # type: ignore[misc]


def curl(client: httpx.Client, command: str) -> str:
    """Run a curl command line with httpx; its output as `curl -si` shows it."""
    words = shlex.split(command)
    assert words[0] == "curl"
    method, headers, data, url = "GET", {"User-Agent": "curl/7.88.1"}, None, ""
    words = iter(words[1:])
    head_only = False
    for word in words:
        if word == "-H":
            name, _, value = next(words).partition(":")
            headers[name] = value.strip()
        elif word == "-X":
            method = next(words)
        elif word == "-d":
            data = next(words)
        elif word == "-sI":
            method, head_only = "HEAD", True
        elif word == "-si":
            continue
        else:
            url = word
    response = client.request(method, url.removeprefix(DOC_BASE_URL), headers=headers, content=data)
    lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
    lines += [f"{name}: {value}" for name, value in response.headers.items()
              if name not in ("date", "server")]  # fmt: skip
    body = "" if head_only else response.text
    return "\n".join(lines) + "\n\n" + body


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    app = create_app(seed="demo", now=NOW, base_url=DOC_BASE_URL)
    with serve(app) as url, httpx.Client(base_url=url) as http:
        yield http


def test_the_transcript_has_every_seed_example() -> None:
    paths = [re.search(r"8010(/[a-z_]*)", command).group(1) for command, _ in transcript()]  # type: ignore[union-attr]
    assert set(paths) == {
        "/feedback_requests", "/feedback_responses", "/response_rate", "/nps", "/csat",
        "/sites", "/staff", "/surveys", "/email_templates", "/text_message_templates",
    }  # fmt: skip


def test_the_transcript_is_what_the_sandbox_answers(client: httpx.Client) -> None:
    for command, shown in transcript():
        actual = SIGNED_LINK.sub(r"/r/\1-…", curl(client, command).strip())
        assert actual == SIGNED_LINK.sub(r"/r/\1-…", shown.strip()), command


def test_the_python_example_runs() -> None:
    namespace: dict[str, object] = {}
    exec(blocks("python")[0], namespace)
    assert namespace["app"] is not None
