"""Run the sandbox with uvicorn (what `cswidget sandbox` does).

    sock = listen(host="127.0.0.1", port=8010)   # OSError when the port is taken
    serve(sock=sock, db="cswidget-sandbox.db", seed="demo")

The socket is bound before anything is printed or any database touched, and
uvicorn serves that very socket, so a busy port fails first and cleanly, and
nothing can take the port between the check and the start.

Slow and idle clients cannot hold connections open: a request must arrive
whole (headers and body) within REQUEST_TIMEOUT seconds of the connection
opening or of its first byte, and a connection idle after a response closes
after KEEP_ALIVE_TIMEOUT seconds.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import datetime
from typing import Any

from ..api_rules import format_timestamp
from ..extras import MissingExtraError, installed
from .app import DEFAULT_TOKEN, create_app

if not installed("sandbox"):  # uvicorn: the app itself needs only the rest
    raise MissingExtraError("sandbox", feature="cswidget.sandbox")

__all__ = ["KEEP_ALIVE_TIMEOUT", "REQUEST_TIMEOUT", "listen", "serve"]

# The backlog uvicorn itself uses.
BACKLOG = 2048
# Seconds a request has to arrive whole: the largest body the sandbox takes
# (64 KiB) needs far less on any link, and a client that trickles bytes
# (headers or body) no longer holds a connection for ever. uvicorn itself
# bounds neither: its keep-alive timer only runs after a response.
REQUEST_TIMEOUT = 30.0
# A long keep-alive: clients that pool connections (httpx, requests) must
# not race the server closing an idle one under load.
KEEP_ALIVE_TIMEOUT = 75


def listen(*, host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host`:`port` and listening; raises `OSError`
    (`EADDRINUSE` for a port another process holds) before anything else
    happens."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, protocol)
    try:
        if os.name != "nt":
            # Restart at once after a stop (TIME_WAIT); on POSIX this never
            # lets two servers listen on one port. (On Windows it would.)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def serve(
    *,
    sock: socket.socket | None = None,
    host: str = "127.0.0.1",
    port: int = 8010,
    db: str,
    token: str | None = None,
    seed: str | None = None,
    now: datetime | None = None,
    request_timeout: float = REQUEST_TIMEOUT,
) -> int:
    """Serve on `sock` (else a socket listening on `host`:`port`) until
    interrupted; returns the exit status."""
    import uvicorn

    if sock is None:
        sock = listen(host=host, port=port)
    else:
        host = sock.getsockname()[0]
    port = sock.getsockname()[1]
    base_url = f"http://{_url_host(host)}:{port}"
    token = token or DEFAULT_TOKEN
    app = create_app(db=db, token=token, base_url=base_url, now=now, seed=seed)
    clock = f"frozen at {format_timestamp(now)}" if now else "the system clock"
    print(
        f"cswidget sandbox: {base_url} (database {db}, {clock})\n"
        f"  token: {token}\n"
        f"  try:   curl -H 'Accept: application/vnd.customersure.v1+json' "
        f"-H 'Authorization: Token token=\"{token}\"' {base_url}/surveys",
        file=sys.stderr,
    )
    config = uvicorn.Config(
        app,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        http=deadline_protocol(request_timeout),
    )
    server = uvicorn.Server(config)
    with sock:
        server.run(sockets=[sock])
    return 0 if server.started else 1


def deadline_protocol(request_timeout: float) -> type[Any]:
    """uvicorn's h11 protocol, closing a connection whose request has not
    arrived whole `request_timeout` seconds after the connection opened (the
    first request) or after the request's first byte (the next ones)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class DeadlineProtocol(H11Protocol):
        _arrival: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arrival = self.loop.call_later(request_timeout, self._too_slow)

        def data_received(self, data: bytes) -> None:
            if self._arrival is None and self.conn.their_state is h11.IDLE:
                self._arrival = self.loop.call_later(request_timeout, self._too_slow)
            super().data_received(data)
            if self._arrival is not None and self.conn.their_state not in _ARRIVING:
                self._arrival.cancel()
                self._arrival = None

        def connection_lost(self, exc: Exception | None) -> None:
            if self._arrival is not None:
                self._arrival.cancel()
            super().connection_lost(exc)

        def _too_slow(self) -> None:
            self._arrival = None
            if self.conn.their_state in _ARRIVING:
                self.transport.close()

    # h11's states while a request is still arriving: nothing yet or part of
    # its headers (IDLE), part of its body (SEND_BODY).
    _ARRIVING = (h11.IDLE, h11.SEND_BODY)
    return DeadlineProtocol


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
