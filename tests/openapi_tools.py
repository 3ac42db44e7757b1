"""What the tests of other people's OpenAPI tools share: a sandbox over real
HTTP that records every request it answers, and the paths of the tools.

The tools (openapi-spec-validator, Redocly CLI, OpenAPI Generator,
openapi-python-client, Prism, Schemathesis) are installed by `make test`:
the Python ones from pyproject.toml's `test` group, the npm ones from
package-lock.json. A missing tool fails the test that needs it, never skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from cswidget.sandbox import DEFAULT_TOKEN, create_app
from livesrv import serve

ROOT = Path(__file__).resolve().parents[1]
NODE_BIN = ROOT / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
# The seed's own clock: its create example's send_at (2023-08-20) is in the future.
NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)
TOKEN = DEFAULT_TOKEN
USER_AGENT = "Acme Ltd"


@dataclass(frozen=True)
class Exchange:
    """One request the sandbox answered, as it arrived, and the answer's status and body."""

    method: str
    path: str
    headers: dict[str, str]
    status: int
    body: bytes
    request: bytes = b""


@dataclass
class Recorder:
    """An ASGI app in front of the sandbox that keeps every exchange."""

    app: Callable[..., Awaitable[None]]
    exchanges: list[Exchange] = field(default_factory=list)

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        chunks: list[bytes] = []
        sent: list[bytes] = []

        async def read() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                sent.append(message.get("body", b""))
            return message

        async def keep(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, read, keep)
        headers = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
        }
        self.exchanges.append(
            Exchange(
                scope["method"], scope["path"], headers, status, b"".join(chunks), b"".join(sent)
            )
        )


@contextmanager
def recorded_sandbox(*, token: str = TOKEN) -> Iterator[tuple[str, Recorder]]:
    """The demo account over real HTTP on a free port, its clock at NOW:
    yields its base URL and the recorder of what it answered."""
    recorder = Recorder(create_app(seed="demo", now=NOW, token=token))
    with serve(recorder) as url:
        yield url, recorder


def served_document(url: str) -> bytes:
    """`GET /openapi.json`, as a tool fetches it."""
    response = httpx.get(f"{url}/openapi.json")
    response.raise_for_status()
    return response.content


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tool(name: str) -> str:
    """The path of a tool `make test` installs: the venv's, then node_modules'."""
    for folder in (VENV_BIN, NODE_BIN):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    assert found, f"{name} is not installed: run `make test` (or `npm ci`)"
    return found


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for a tool: the venv's scripts and node_modules/.bin
    first on PATH, no telemetry or update checks."""
    path = os.pathsep.join([str(VENV_BIN), str(NODE_BIN), os.environ.get("PATH", "")])
    return {
        **os.environ,
        "PATH": path,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
        "NO_COLOR": "1",
        **extra,
    }
