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


def widget_options(args: argparse.Namespace) -> WidgetOptions:
    """The `Widget` and rendering options from flags and settings; flags win."""
    settings = load_settings(Path.cwd())
    origins: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, destination in SETTING_FLAGS.items():
        value = getattr(args, destination)
        if value is not None:
            values[key], origins[key] = value, FIELD_FLAGS[key]
        elif key in settings.values:
            values[key], origins[key] = settings.values[key], settings.origin(key)
    for key in ("org", "survey", "script_src"):
        if key not in values:
            raise UsageError(f"{FIELD_FLAGS[key]} is required (or set {key} in cswidget.toml)")
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
