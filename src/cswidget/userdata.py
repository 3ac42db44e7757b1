"""A real user's data never removes the widget.

    fitted_user_params({"name": "K" * 301, "email": "kate@localhost"}, defaults=defaults,
                       scope=request)
    # {"name": "K" * 100}, and one warning on the `cswidget` logger

Django accepts full names up to 301 characters and emails such as
`user@localhost`; the survey API does not. For params derived from the
logged-in user (`cswidget_user_params`), each field that breaks the API's
limits is fixed on its own instead of rejecting the whole widget: text that
is too long is shortened to the limit, except an email, which a cut would
make wrong; every other invalid field (an email that does not look like
one, a bad key or value) is dropped. The rest of the params stay. Each
adjustment is logged once per `scope` (the request), naming the field and
what was done, never the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .defaults import WidgetDefaults
from .errors import ValidationError
from .policy import warn_once
from .safetext import shown
from .vocabulary import MAXIMUM, WRONG_LENGTH

__all__ = ["fitted_user_params"]

# A field whose value a cut would make wrong: it is dropped, never shortened.
_NEVER_SHORTENED: Final = frozenset({"email"})


def fitted_user_params(
    params: Mapping[str, Any], *, defaults: WidgetDefaults, scope: object
) -> dict[str, Any]:
    """`params` with each field the API would refuse shortened or dropped.

    >>> defaults = WidgetDefaults(org="acme", script_src="/w.js")
    >>> fitted_user_params({"name": "Kate", "email": "kate@localhost"},
    ...                    defaults=defaults, scope=None)
    {'name': 'Kate'}
    """
    fitted: dict[Any, Any] = dict(params)
    done: list[str] = []
    # Each pass fixes every field reported; a shortened value may then show
    # a second problem, so a field is dropped on its second report.
    for _ in range(3):
        try:
            defaults.widget("any").survey_params(fitted)
        except ValidationError as error:
            reported = _reported_keys(error, fitted)
            if reported is None:
                done.append("all user params dropped")
                fitted = {}
                break
            for key, field_error in reported:
                value = fitted[key]
                limit = field_error.extra_info.get(MAXIMUM)
                shorten = (
                    field_error.error == WRONG_LENGTH
                    and isinstance(value, str)
                    and isinstance(limit, int)
                    and len(value) > limit
                    and _base_name(key) not in _NEVER_SHORTENED
                )
                if shorten:
                    fitted[key] = value[:limit]
                    done.append(f"{shown(field_error.field)} shortened to {limit} characters")
                else:
                    del fitted[key]
                    done.append(f"{shown(field_error.field)} dropped ({field_error.error})")
        else:
            break
    if done:
        warn_once(scope, "cswidget: user params adjusted to the API's limits: " + "; ".join(done))
    return fitted


def _base_name(key: object) -> str:
    return str.__str__(key) if isinstance(key, str) else ""


def _reported_keys(error: ValidationError, params: Mapping[Any, Any]) -> list[Any] | None:
    """(key, error) for each error, or None if one names no key of `params`."""
    by_field = {}
    for key in params:
        # Fields are "<category>.<key>" (cswidget.checks.field_name).
        by_field[_base_name(key)] = key
    found = []
    for field_error in error.errors:
        name = field_error.field.partition(".")[2]
        if name not in by_field or by_field[name] not in params:
            return None
        found.append((by_field[name], field_error))
    # One key reported twice (too long and bad format) is handled once.
    return list({id(key): (key, e) for key, e in found}.values())
