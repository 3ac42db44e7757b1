"""`cswidget snippet`: one embed, ready to paste into a CMS page."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..params import SurveyParams
from .errors import InvalidParams, UsageError, reason, shown
from .jsoninput import load_json
from .options import render_part, widget_options
from .output import write_stdout

__all__ = ["run_snippet"]


def run_snippet(args: argparse.Namespace) -> int:
    options = widget_options(args)
    params, origins = _survey_params(args, options.widget.segment_keys)
    try:
        text = render_part(options, params)
    except ValidationError as error:
        raise InvalidParams(error, origins) from None
    write_stdout(text + "\n")
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
                raise UsageError(f"{flag}: expected KEY=VALUE, got {shown(pair)}")
            if key in given_by:
                raise UsageError(f"{flag}: key {shown(key)} is already given by {given_by[key]}")
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
        raise UsageError(f"--params: cannot read {name!r}: {reason(error)}") from None
    try:
        value = load_json(text)
    except ValueError as error:
        raise UsageError(f"--params: {name!r} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise UsageError(f"--params: {name!r} must hold a JSON object, not {type(value).__name__}")
    return value
