"""Run the sandbox with uvicorn (what `cswidget sandbox` does).

    sock = listen(host="127.0.0.1", port=8010)   # OSError when the port is taken
    serve(sock=sock, db="cswidget-sandbox.db", seed="demo")

The socket is bound before anything is printed or any database touched, and
uvicorn serves that very socket, so a busy port fails first and cleanly, and
nothing can take the port between the check and the start.
"""

from __future__ import annotations

import os
import socket
import sys
from datetime import datetime

from ..api_rules import format_timestamp
from .app import DEFAULT_TOKEN, create_app

__all__ = ["listen", "serve"]

# The backlog uvicorn itself uses.
BACKLOG = 2048


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
    # A long keep-alive: clients that pool connections (httpx, requests) must
    # not race the server closing an idle one under load.
    config = uvicorn.Config(app, log_level="warning", timeout_keep_alive=75)
    server = uvicorn.Server(config)
    with sock:
        server.run(sockets=[sock])
    return 0 if server.started else 1


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
