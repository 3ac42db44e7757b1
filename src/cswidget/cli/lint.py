"""`cswidget lint`: the command over `cswidget.embeds`, which reads the page.

    cswidget lint templates/*.html --segment-key region

`lint_html`, `Problem`, `CODES`, `PageRefused` and the limits are the core
module's (`cswidget.embeds`), named here too for code that imports them from
the command's module.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..extras import MissingExtraError, installed

if not installed("lint"):
    raise MissingExtraError("lint", feature="cswidget lint")

from ..embeds import CODES as CODES
from ..embeds import MAX_ELEMENT_DEPTH as MAX_ELEMENT_DEPTH
from ..embeds import MAX_PAGE_BYTES as MAX_PAGE_BYTES
from ..embeds import PageRefused as PageRefused
from ..embeds import Problem as Problem
from ..embeds import lint_html as lint_html
from ..errors import ValidationError
from .errors import InvalidParams, UsageError, reason, shown
from .output import write_stdout
from .settings import load_settings

__all__ = [
    "CODES",
    "MAX_ELEMENT_DEPTH",
    "MAX_PAGE_BYTES",
    "PageRefused",
    "Problem",
    "lint_html",
    "run_lint",
]


def run_lint(args: argparse.Namespace) -> int:
    """`cswidget lint`: 0 when every page is clean, 1 when problems were found."""
    settings = load_settings(Path.cwd())
    segment_keys, origin = args.segment_key, "--segment-key"
    if segment_keys is None:
        segment_keys = settings.values.get("segment_keys", [])
        origin = settings.origin("segment_keys")
    script_src = args.script_src or settings.values.get("script_src")
    pages = [(name, _read_page(name)) for name in args.files]
    problems: list[Problem] = []
    refused = ""
    try:
        for refused, source in pages:
            problems += lint_html(
                source, path=refused, segment_keys=segment_keys, script_src=script_src
            )
    except ValidationError as error:
        raise InvalidParams(error, {"segment_keys": origin}) from None
    except PageRefused as error:
        raise UsageError(f"{shown(refused)}: {error}") from None
    if args.format == "json":
        write_stdout(json.dumps([problem.to_dict() for problem in problems], indent=2) + "\n")
    else:
        write_stdout("".join(f"{problem}\n" for problem in problems))
    return 1 if problems else 0


def _read_page(name: str) -> bytes:
    # Bytes: html5lib sniffs the encoding (BOM, <meta charset>) as browsers do.
    try:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {name!r}: {reason(error)}") from None
