"""The widget flags every rendering command shares, read with the settings file.

Flags win over `cswidget.toml`; `render_part()` prints what `--part` asks for.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..consent import Consent, checked_consent
from ..errors import ValidationError
from ..params import SurveyParams
from ..scripts import init_script
from ..widget import Widget
from .errors import FIELD_FLAGS, InvalidParams, UsageError
from .settings import Settings, load_settings

__all__ = ["PARTS", "SETTING_FLAGS", "WidgetOptions", "render_part", "widget_options"]

PARTS = ("embed", "container", "script", "init")

# Settings-file keys the widget flags override -> argparse destination.
SETTING_FLAGS = {
    "org": "org",
    "survey": "survey",
    "script_src": "script_src",
    "segment_keys": "segment_key",
    "defer": "defer",
}


@dataclass(frozen=True)
class WidgetOptions:
    widget: Widget
    defer: bool
    nonce: str | None
    part: str
    settings: Settings
    consent: Consent | None = None


def widget_options(
    args: argparse.Namespace, *, required: dict[str, str] | None = None
) -> WidgetOptions:
    """The `Widget` and rendering options from flags and settings; flags win.

    `required` names the command's own required arguments (argparse
    destination -> how to name it): missing ones are reported together with
    any missing widget flag, in one line.
    """
    settings = load_settings(Path.cwd())
    origins: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, destination in SETTING_FLAGS.items():
        value = getattr(args, destination)
        if value is not None:
            values[key], origins[key] = value, FIELD_FLAGS[key]
        elif key in settings.values:
            values[key], origins[key] = settings.values[key], settings.origin(key)
    missing = [
        name for destination, name in (required or {}).items() if getattr(args, destination) is None
    ]
    settable = [key for key in ("org", "survey", "script_src") if key not in values]
    missing += [FIELD_FLAGS[key] for key in settable]
    if missing:
        hint = f" (or set {', '.join(settable)} in cswidget.toml)" if settable else ""
        raise UsageError(f"missing required {_plural(missing)}: {', '.join(missing)}{hint}")
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
        consent = checked_consent(getattr(args, "consent", None))
    except ValidationError as error:
        raise InvalidParams(
            error, {**origins, "nonce": "--nonce", "consent": "--consent"}
        ) from None
    return WidgetOptions(
        widget=widget,
        defer=bool(values.get("defer", False)),
        nonce=args.nonce,
        part=args.part,
        settings=settings,
        consent=consent,
    )


def render_part(options: WidgetOptions, params: SurveyParams | dict[str, Any] | None) -> str:
    """The chosen `--part` of the embed, as text."""
    widget = options.widget
    if options.part == "embed":
        return str(
            widget.embed(params, defer=options.defer, nonce=options.nonce, consent=options.consent)
        )
    if options.part == "container":
        return str(widget.container(params))
    if options.part == "script":
        return str(
            widget.script_tag(defer=options.defer, nonce=options.nonce, consent=options.consent)
        )
    return str(init_script(nonce=options.nonce, defer=options.defer, consent=options.consent))


def _plural(missing: list[str]) -> str:
    return "argument" if len(missing) == 1 else "arguments"
