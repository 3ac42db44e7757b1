"""The sandbox API served over real HTTP for the client's tests and benchmarks.

`serve_sandbox()` binds a free port first, so the app can be told its own
base URL (its Link headers name it), then runs uvicorn on that socket in a
thread and waits by polling `server.started`, as tests/livesrv.py does.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import uvicorn

from cswidget.sandbox import DEFAULT_TOKEN, create_app

STARTUP_TIMEOUT = 30.0
TOKEN = DEFAULT_TOKEN


@contextmanager
def serve_sandbox(
    *, now: datetime | None = None, seed: str | None = "demo", db: Any = ":memory:"
) -> Iterator[str]:
    """Serve a sandbox on 127.0.0.1; yields its base URL, stops it on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(db=db, token=TOKEN, base_url=base_url, now=now, seed=seed)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.01)  # polling interval, not a wait for readiness
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT)
        sock.close()
