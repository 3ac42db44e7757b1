"""The `cswidget` command line: snippets for CMS pages, batches, schemas, lint.

    cswidget snippet --org acme --survey AKknWccEFf7 \\
        --script-src https://acme.example/survey_widget.js --meta reference=INV-2090
    cswidget batch customers.csv --out snippets/
    cswidget schema survey-params
    cswidget lint templates/*.html

Exit status: 0 success, 1 problems found (lint) or rows rejected (batch),
2 bad input (flags, files, settings, params).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .config import ConfigError, Settings, load_settings
from .errors import FieldError, ValidationError
from .params import SurveyParams
from .schemas import SCHEMA_NAMES, schema
from .scripts import init_script
from .widget import Widget

__all__ = ["main"]

PARTS = ("embed", "container", "script", "init")
FORMATS = ("text", "json")

# FieldError.field -> the flag that sets it, so errors name what to fix.
_FLAGS = {
    "org": "--org",
    "survey": "--survey",
    "script_src": "--script-src",
    "nonce": "--nonce",
    "customer": "--customer",
    "segments": "--segment",
    "metadata": "--meta",
    "segment_keys": "--segment-key",
    "defer": "--defer",
}
# Settings-file keys the widget flags override -> argparse destination.
_SETTING_FLAGS = {
    "org": "org",
    "survey": "survey",
    "script_src": "script_src",
    "segment_keys": "segment_key",
    "defer": "defer",
}


class UsageError(Exception):
    """Bad flags, files or settings: one line on stderr, exit status 2."""


class InvalidParams(Exception):
    """Params the library refused: the API's error body on stderr, exit 2."""

    def __init__(self, error: ValidationError, origins: dict[str, str]) -> None:
        super().__init__(str(error))
        self.error = error
        self.origins = origins


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
    try:
        args = parser.parse_args(argv)
        if not hasattr(args, "handler"):
            raise UsageError("a command is required: snippet, batch, schema or lint")
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except _Exit as exit:
        return exit.status
    except (UsageError, ConfigError) as error:
        print(f"cswidget: error: {error}", file=sys.stderr)
        return 2
    except InvalidParams as invalid:
        _print_validation_error(invalid, json_format=getattr(args, "error_format", "") == "json")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`cswidget lint ... | head`): stop quietly, as
        # Unix tools do, and keep Python from failing again on its final flush.
        _silence_stdout()
        return 1


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # stdout is not a real file (tests capture it): nothing to flush


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="cswidget",
        description="Safe CustomerSure survey widget snippets for CMS pages, and a linter "
        "for the ones already there.",
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
    snippet.set_defaults(handler=_snippet)

    batch = commands.add_parser(
        "batch",
        parents=[widget_options],
        help="render one snippet file per CSV or JSON Lines row",
        description="Render one snippet per row into DIR; rejected rows go to a JSON report.",
    )
    batch.add_argument("rows", metavar="ROWS.csv|ROWS.jsonl", help="the rows ('-' reads stdin)")
    batch.add_argument("--out", required=True, metavar="DIR", help="directory for the snippets")
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
    return parser


# -- snippet -----------------------------------------------------------------


@dataclass(frozen=True)
class WidgetOptions:
    widget: Widget
    defer: bool
    nonce: str | None
    part: str
    settings: Settings


def widget_options(args: argparse.Namespace) -> WidgetOptions:
    """The `Widget` and rendering options from flags and settings; flags win."""
    settings = load_settings(Path.cwd())
    origins: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, destination in _SETTING_FLAGS.items():
        value = getattr(args, destination)
        if value is not None:
            values[key], origins[key] = value, _FLAGS[key]
        elif key in settings.values:
            values[key], origins[key] = settings.values[key], settings.origin(key)
    for key in ("org", "survey", "script_src"):
        if key not in values:
            raise UsageError(f"{_FLAGS[key]} is required (or set {key} in cswidget.toml)")
    try:
        widget = Widget(
            org=values["org"],
            survey=values["survey"],
            script_src=values["script_src"],
            segment_keys=values.get("segment_keys", ()),
        )
        if args.nonce is not None:
            # Checked up front so a bad nonce fails before any output.
            init_script(nonce=args.nonce)
    except ValidationError as error:
        raise InvalidParams(error, {**origins, "nonce": "--nonce"}) from None
    return WidgetOptions(
        widget=widget,
        defer=bool(values.get("defer", False)),
        nonce=args.nonce,
        part=args.part,
        settings=settings,
    )


def render_part(options: WidgetOptions, params: SurveyParams | dict[str, Any] | None) -> str:
    """The chosen `--part` of the embed, as text."""
    widget = options.widget
    if options.part == "embed":
        return str(widget.embed(params, defer=options.defer, nonce=options.nonce))
    if options.part == "container":
        return str(widget.container(params))
    if options.part == "script":
        return str(widget.script_tag(defer=options.defer, nonce=options.nonce))
    return str(init_script(nonce=options.nonce, defer=options.defer))


def _snippet(args: argparse.Namespace) -> int:
    options = widget_options(args)
    params, origins = _survey_params(args, options.widget.segment_keys)
    try:
        text = render_part(options, params)
    except ValidationError as error:
        raise InvalidParams(error, origins) from None
    _write_stdout(text + "\n")
    return 0


def _survey_params(
    args: argparse.Namespace, segment_keys: Sequence[str]
) -> tuple[SurveyParams | None, dict[str, str]]:
    """`--params` classified by the documented rules, plus the per-category
    flags. Each key may be given once: a key in two places is an error.
    Also returns which flag gave each field, for error messages."""
    if args.params is None and not (args.customer or args.segment or args.meta):
        return None, {}
    categories: dict[str, dict[str, Any]] = {"customer": {}, "segments": {}, "metadata": {}}
    given_by: dict[str, str] = {}
    origins: dict[str, str] = {}
    if args.params is not None:
        flat = _read_params(args.params)
        try:
            classified = SurveyParams.from_flat(flat, segment_keys=segment_keys)
        except ValidationError as error:
            raise InvalidParams(error, dict.fromkeys(categories, "--params")) from None
        for category in categories:
            categories[category].update(getattr(classified, category))
            origins.update({f"{category}.{key}": "--params" for key in categories[category]})
        given_by = dict.fromkeys(flat, "--params")
    for flag, category, pairs in (
        ("--customer", "customer", args.customer),
        ("--segment", "segments", args.segment),
        ("--meta", "metadata", args.meta),
    ):
        for pair in pairs:
            key, equals, value = pair.partition("=")
            if not equals:
                raise UsageError(f"{flag}: expected KEY=VALUE, got {pair!r}")
            if key in given_by:
                raise UsageError(f"{flag}: key {key!r} is already given by {given_by[key]}")
            given_by[key] = flag
            categories[category][key] = value
            origins[f"{category}.{key}"] = flag
    try:
        return SurveyParams(**categories), origins
    except ValidationError as error:
        raise InvalidParams(error, origins) from None


def _read_params(name: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--params: cannot read {name!r}: {_reason(error)}") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_nan)
    except ValueError as error:
        raise UsageError(f"--params: {name!r} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise UsageError(f"--params: {name!r} must hold a JSON object, not {type(value).__name__}")
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} given twice")
        result[key] = value
    return result


def _no_nan(constant: str) -> NoReturn:
    # JSON.parse in the browser refuses these; Python's json accepts them.
    raise ValueError(f"{constant} is not valid JSON")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def _print_validation_error(invalid: InvalidParams, *, json_format: bool) -> None:
    if json_format:
        print(json.dumps(invalid.error.to_dict(), ensure_ascii=False), file=sys.stderr)
        return
    print(f"cswidget: error: {invalid.error.message}", file=sys.stderr)
    for field_error in invalid.error.errors:
        print(f"  {field_error}{_origin(field_error, invalid.origins)}", file=sys.stderr)


def _origin(field_error: FieldError, origins: dict[str, str]) -> str:
    head = field_error.field.split(".")[0].split("[")[0]
    origin = origins.get(field_error.field) or origins.get(head) or _FLAGS.get(head)
    return f" [{origin}]" if origin else ""


def _write_stdout(text: str) -> None:
    stdout: TextIO = sys.stdout
    if isinstance(stdout, io.TextIOWrapper) and stdout.encoding.lower() not in ("utf-8", "utf8"):
        # Snippets are UTF-8 HTML whatever the terminal's locale says.
        stdout.reconfigure(encoding="utf-8")
    stdout.write(text)


# -- batch, schema, lint -------------------------------------------------------


def _batch(args: argparse.Namespace) -> int:
    from .batch import run_batch

    return run_batch(args, widget_options(args))


def _schema(args: argparse.Namespace) -> int:
    _write_stdout(json.dumps(schema(args.name), indent=2) + "\n")
    return 0


def _lint(args: argparse.Namespace) -> int:
    try:
        from .lint import lint_html
    except ModuleNotFoundError as error:
        if error.name != "html5lib":
            raise
        raise UsageError("lint needs html5lib: pip install 'cswidget[lint]'") from None
    settings = load_settings(Path.cwd())
    segment_keys, origin = args.segment_key, "--segment-key"
    if segment_keys is None:
        segment_keys = settings.values.get("segment_keys", [])
        origin = settings.origin("segment_keys")
    script_src = args.script_src or settings.values.get("script_src")
    pages = [(name, _read_page(name)) for name in args.files]
    try:
        problems = [
            problem
            for name, source in pages
            for problem in lint_html(
                source, path=name, segment_keys=segment_keys, script_src=script_src
            )
        ]
    except ValidationError as error:
        raise InvalidParams(error, {"segment_keys": origin}) from None
    if args.format == "json":
        _write_stdout(json.dumps([problem.to_dict() for problem in problems], indent=2) + "\n")
    else:
        _write_stdout("".join(f"{problem}\n" for problem in problems))
    return 1 if problems else 0


def _read_page(name: str) -> bytes:
    # Bytes: html5lib sniffs the encoding (BOM, <meta charset>) as browsers do.
    try:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {name!r}: {_reason(error)}") from None
