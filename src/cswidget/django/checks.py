"""System checks for the CSWIDGET setting, with stable ids.

cswidget.E001 ORG, E002 SCRIPT_SRC, E003 SEGMENT_KEYS, E004 ON_ERROR,
E005 USER_PARAMS, E006 CSWIDGET is not a dict, E007 ENABLED, E008
INTERNAL_IPS, E009 TRUSTED_PROXIES; W001 an unknown key.
The messages are the core's human sentences (cswidget.messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from .. import rules
from ..defaults import WidgetDefaults
from ..errors import FieldError, ValidationError
from ..policy import checked_on_error
from ..vocabulary import REQUIRED
from .conf import DEFAULT_USER_PARAMS, KEYS

__all__ = ["check_settings"]

# WidgetDefaults' field names, and the setting keys and check ids they map to.
_IDS = {
    "org": ("ORG", "cswidget.E001"),
    "script_src": ("SCRIPT_SRC", "cswidget.E002"),
    "segment_keys": ("SEGMENT_KEYS", "cswidget.E003"),
    "enabled": ("ENABLED", "cswidget.E007"),
    "internal_ips": ("INTERNAL_IPS", "cswidget.E008"),
    "trusted_proxies": ("TRUSTED_PROXIES", "cswidget.E009"),
}


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every problem with `settings.CSWIDGET`, as Django check messages."""
    values = getattr(settings, "CSWIDGET", {})
    if not isinstance(values, Mapping):
        return [
            Error(
                "The CSWIDGET setting must be a dict.",
                hint='CSWIDGET = {"ORG": "your-account", "SCRIPT_SRC": "https://..."}',
                id="cswidget.E006",
            )
        ]
    messages: list[CheckMessage] = []
    for field, (key, check_id) in _IDS.items():
        if key not in values and key in ("ORG", "SCRIPT_SRC"):
            messages.append(_error(key, FieldError(rules.WIDGET, field, REQUIRED, {}), check_id))
    enabled = values.get("ENABLED", True)
    if isinstance(enabled, str):
        try:
            enabled = import_string(enabled)
        except ImportError as error:
            messages.append(Error(f"CSWIDGET['ENABLED']: {error}", id="cswidget.E007"))
            enabled = True
    try:
        WidgetDefaults(
            org=values.get("ORG", "missing"),
            script_src=values.get("SCRIPT_SRC", "/missing"),
            segment_keys=values.get("SEGMENT_KEYS", ()),
            enabled=enabled,
            internal_ips=values.get("INTERNAL_IPS", getattr(settings, "INTERNAL_IPS", ())),
            trusted_proxies=values.get("TRUSTED_PROXIES", 0),
        )
    except ValidationError as error:
        for field_error in error.errors:
            key, check_id = _IDS[field_error.field.partition("[")[0]]
            messages.append(_error(key, field_error, check_id))
    if "ON_ERROR" in values:
        try:
            checked_on_error(values["ON_ERROR"], field="ON_ERROR")
        except ValidationError as error:
            messages.append(_error("ON_ERROR", error.errors[0], "cswidget.E004"))
    messages += _user_params_errors(values.get("USER_PARAMS", DEFAULT_USER_PARAMS))
    messages += [
        Warning(
            f"Unknown key in CSWIDGET: {key!r}.",
            hint=f"The keys are: {', '.join(KEYS)}.",
            id="cswidget.W001",
        )
        for key in values
        if key not in KEYS
    ]
    return messages


def _error(key: str, field_error: FieldError, check_id: str) -> Error:
    # The sentence for a person; the machine fields stay in field_error.
    return Error(f"CSWIDGET[{key!r}]: {field_error.message}.", id=check_id)


def _user_params_errors(path: object) -> list[CheckMessage]:
    problem = None
    if not isinstance(path, str):
        problem = "must be a dotted path to a callable"
    else:
        try:
            if not callable(import_string(path)):
                problem = f"{path} is not callable"
        except ImportError as error:
            problem = str(error)
    if problem is None:
        return []
    return [
        Error(
            f"CSWIDGET['USER_PARAMS']: {problem}",
            hint="A dotted path to a function taking the user and returning survey params.",
            id="cswidget.E005",
        )
    ]
