"""The `cswidget` command line: snippets for CMS pages, batches, schemas, lint.

    cswidget snippet --org acme --survey AKknWccEFf7 \\
        --script-src https://acme.example/survey_widget.js --meta reference=INV-2090
    cswidget batch customers.csv --out snippets/
    cswidget schema survey-params
    cswidget lint templates/*.html
    cswidget api metrics nps --period 30-days   (see cswidget.api.command)

Exit status: 0 success, 1 problems found (lint) or rows rejected (batch),
2 bad input (flags, files, settings, params).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from ..extras import MissingExtraError
from ..schemas import SCHEMA_NAMES, schema
from .errors import InvalidParams, UsageError, print_validation_error
from .options import PARTS
from .output import silence_stdout, write_stdout
from .sandbox import add_sandbox_command
from .settings import ConfigError, load_settings
from .snippet import run_snippet

__all__ = ["main"]

FORMATS = ("text", "json")


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _ArgumentParser(argparse.ArgumentParser):
    # argparse prints usage and calls sys.exit; main() must return instead.
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default `sys.argv[1:]`); returns
    the exit status instead of exiting, so it can be called from Python:

        status = main(["lint", "--format", "json", "templates/order.html"])
    """
    parser = _parser()
    args = argparse.Namespace()
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["api"]:
            # `cswidget api` parses its own flags (cswidget.api.command).
            return _api(arguments[1:])
        args = parser.parse_args(arguments)
        if not hasattr(args, "handler"):
            raise UsageError("a command is required: snippet, batch, schema, lint, sandbox or api")
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except _Exit as exit:
        return exit.status
    except (UsageError, ConfigError) as error:
        print(f"cswidget: error: {error}", file=sys.stderr)
        return 2
    except InvalidParams as invalid:
        print_validation_error(invalid, json_format=getattr(args, "error_format", "") == "json")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`cswidget lint ... | head`): stop quietly, as
        # Unix tools do, and keep Python from failing again on its final flush.
        silence_stdout()
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="cswidget",
        description="Safe CustomerSure survey widget snippets for CMS pages, and a linter "
        "for the ones already there.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print cswidget's version and exit"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    widget_options = _ArgumentParser(add_help=False)
    group = widget_options.add_argument_group("widget (flags win over cswidget.toml)")
    group.add_argument("--org", help="account subdomain, e.g. acme")
    group.add_argument("--survey", help="survey URL code, e.g. AKknWccEFf7")
    group.add_argument("--script-src", metavar="URL", help="widget script URL from CustomerSure")
    group.add_argument(
        "--segment-key",
        action="append",
        default=None,
        metavar="NAME",
        help="declare one of the account's custom segments (repeatable)",
    )
    group.add_argument(
        "--defer",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="load the widget script with defer; init waits for DOMContentLoaded",
    )
    group.add_argument("--nonce", help="CSP nonce for both <script> tags")
    group.add_argument(
        "--consent",
        metavar="MANAGER:NAME",
        help="hold the widget back until consent: cookiebot:<category>, klaro:<service>, "
        "onetrust:<group> or event:<name>",
    )
    group.add_argument(
        "--part",
        choices=PARTS,
        default="embed",
        help="what to print: the whole embed (default), or one part of it",
    )
    group.add_argument(
        "--error-format",
        choices=FORMATS,
        default="text",
        help="how validation errors are printed on stderr",
    )

    snippet = commands.add_parser(
        "snippet",
        parents=[widget_options],
        help="print one embed snippet",
        description="Print the widget embed for one page, ready to paste into a CMS.",
    )
    params = snippet.add_argument_group("survey params")
    params.add_argument(
        "--params",
        metavar="FILE.json",
        help="flat JSON object of params, classified like batch columns ('-' reads stdin)",
    )
    params.add_argument(
        "--customer", action="append", default=[], metavar="KEY=VALUE", help="customer field"
    )
    params.add_argument(
        "--segment", action="append", default=[], metavar="KEY=VALUE", help="segment key"
    )
    params.add_argument(
        "--meta", action="append", default=[], metavar="KEY=VALUE", help="unique metadata"
    )
    snippet.set_defaults(handler=run_snippet)

    batch = commands.add_parser(
        "batch",
        parents=[widget_options],
        help="render one snippet file per CSV or JSON Lines row",
        description="Render one snippet per row into DIR; rejected rows go to a JSON report.",
    )
    # Not required by argparse: batch reports them with any missing widget flag.
    batch.add_argument(
        "rows", nargs="?", metavar="ROWS.csv|ROWS.jsonl", help="the rows ('-' reads stdin)"
    )
    batch.add_argument("--out", metavar="DIR", help="directory for the snippets (required)")
    batch.add_argument(
        "--name-column",
        default=None,
        metavar="COLUMN",
        help="column that names each file (default: reference)",
    )
    batch.add_argument(
        "--input-format",
        choices=("csv", "jsonl"),
        default=None,
        help="format of ROWS (default: from the file name suffix)",
    )
    batch.add_argument(
        "--report",
        metavar="FILE",
        default=None,
        help="where to write the rejected rows (default: DIR/rejected.json)",
    )
    batch.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal and rows >= 1000)",
    )
    batch.set_defaults(handler=_batch)

    schema_command = commands.add_parser(
        "schema",
        help="print a JSON Schema",
        description="Print the JSON Schema of data-survey-params or data-widget-params.",
    )
    schema_command.add_argument("name", choices=SCHEMA_NAMES)
    schema_command.set_defaults(handler=_schema)

    add_sandbox_command(commands)

    lint = commands.add_parser(
        "lint",
        help="check HTML pages for broken widget embeds",
        description="Parse HTML as browsers do and report every broken widget embed as "
        "path:line:col: code message.",
    )
    lint.add_argument("files", nargs="+", metavar="FILE.html", help="pages to check ('-': stdin)")
    lint.add_argument("--format", choices=FORMATS, default="text", help="output format")
    lint.add_argument(
        "--segment-key",
        action="append",
        default=None,
        metavar="NAME",
        help="declare one of the account's custom segments (repeatable)",
    )
    lint.add_argument(
        "--script-src",
        metavar="URL",
        default=None,
        help="the widget script URL (default: any src naming customersure or survey_widget)",
    )
    lint.set_defaults(handler=_lint)

    commands.add_parser(
        "api",
        add_help=False,
        help="call the CustomerSure REST API: responses, requests, metrics, sites, surveys",
    )
    return parser


def _batch(args: argparse.Namespace) -> int:
    # Imported when used: `cswidget snippet` should not pay for batch.
    from .batch import run_batch

    return run_batch(args)


class _Version(argparse.Action):
    # argparse's own "version" action needs the text up front; reading the
    # installed metadata only when asked keeps it off every other run.
    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("cswidget")
        except PackageNotFoundError:  # a source tree that was never installed
            text = "(not installed)"
        write_stdout(f"cswidget {text}\n")
        parser.exit()


def _schema(args: argparse.Namespace) -> int:
    write_stdout(json.dumps(schema(args.name), indent=2) + "\n")
    return 0


def _lint(args: argparse.Namespace) -> int:
    try:
        from .lint import run_lint
    except MissingExtraError as missing:
        raise UsageError(str(missing)) from None
    return run_lint(args)


def _api(argv: list[str]) -> int:
    # Imported when used: httpx is the `api` extra's, not every command's.
    try:
        from ..api.command import main as api_main
    except MissingExtraError as missing:
        raise UsageError(str(missing)) from None
    settings = load_settings(Path.cwd())
    names: tuple[str, ...] = ("base_url", "user_agent")
    defaults = {key: str(settings.values[key]) for key in names if key in settings.values}
    return api_main(argv, defaults=defaults, settings_source=settings.source or "cswidget.toml")
