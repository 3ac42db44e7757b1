"""Run the sandbox with uvicorn (what `cswidget sandbox` does).

serve(host="127.0.0.1", port=8010, db="cswidget-sandbox.db", seed="demo")
"""

from __future__ import annotations

import sys
from datetime import datetime

from ..api_rules import format_timestamp
from .app import DEFAULT_TOKEN, create_app

__all__ = ["serve"]


def serve(
    *,
    host: str,
    port: int,
    db: str,
    token: str | None = None,
    seed: str | None = None,
    now: datetime | None = None,
) -> int:
    """Serve until interrupted; returns the exit status."""
    import uvicorn

    base_url = f"http://{host}:{port}"
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
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=75)
    return 0
