"""`cswidget sandbox`: run a local CustomerSure REST API v1 on SQLite.

    cswidget sandbox --seed demo --now 2023-08-19T16:30:14Z

The server itself is `cswidget.sandbox` (extra `cswidget[sandbox]`),
imported only when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..api_rules import parse_timestamp
from ..errors import ValidationError
from ..extras import MissingExtraError
from .errors import UsageError, reason

__all__ = ["add_sandbox_command"]

DEFAULT_DB = "cswidget-sandbox.db"


def add_sandbox_command(commands: Any) -> None:
    """Add `cswidget sandbox` to the command line's subcommands."""
    sandbox = commands.add_parser(
        "sandbox",
        help="run a local CustomerSure REST API v1 on SQLite",
        description="Serve every REST API v1 endpoint of the CustomerSure documentation, "
        "with its rules and errors, from a SQLite database.",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    sandbox.add_argument(
        "--port", type=int, default=8010, help="port (default 8010; 0: any free port)"
    )
    sandbox.add_argument(
        "--db", default=DEFAULT_DB, metavar="PATH", help=f"SQLite file or :memory: ({DEFAULT_DB})"
    )
    sandbox.add_argument("--token", default=None, help="the API token to accept")
    sandbox.add_argument("--seed", choices=("demo",), default=None, help="load a demo account")
    sandbox.add_argument(
        "--now", default=None, metavar="ISO8601", help="freeze the clock at this time"
    )
    sandbox.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    now = None
    if args.now is not None:
        try:
            now = parse_timestamp(args.now, resource="cswidget sandbox", field="--now")
        except ValidationError:
            raise UsageError(f"--now: not an ISO 8601 time: {args.now!r}") from None
    if not 0 <= args.port < 65536:
        raise UsageError(f"--port: must be 0 (any free port) to 65535, not {args.port}")
    try:
        from ..sandbox.server import listen, serve
    except MissingExtraError as missing:
        raise UsageError(str(missing)) from None
    # Before anything is printed or a database made: a taken port is one line.
    try:
        sock = listen(host=args.host, port=args.port)
    except OSError as error:
        raise UsageError(
            f"cannot listen on {args.host} port {args.port}: {reason(error)} "
            "(is another sandbox running? choose another --port)"
        ) from None
    return serve(sock=sock, db=args.db, token=args.token, seed=args.seed, now=now)
