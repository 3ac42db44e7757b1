"""Human sentences for validation errors, written once for every front end.

    describe(error)  # 'script_src must be an https:// URL, a root-relative path, or http://localhost'

`manage.py check`, the command line and the snippet builder show these;
`FieldError.to_dict()` keeps the API's machine-readable fields unchanged.
Patterns are described in words (`rules.FORMAT_DESCRIPTIONS`), never shown
as a regex. Field names and echoed values are escaped and capped
(`cswidget.safetext`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import rules
from .safetext import shown
from .vocabulary import (
    ALLOWED_VALUES,
    DISALLOWED_VALUES,
    EXACTLY,
    FORBIDDEN_VALUE,
    GREATER_THAN,
    INVALID_DATE,
    INVALID_FORMAT,
    INVALID_VALUE,
    LESS_THAN,
    MAXIMUM,
    MESSAGE,
    MINIMUM,
    MUST_BE,
    REQUIRED,
    VALID_FORMAT,
    WRONG_LENGTH,
)

__all__ = ["describe", "human_message"]


def _listed(values: object) -> str:
    if isinstance(values, list | tuple):
        return ", ".join(shown(str(value)) for value in values)
    return shown(str(values))


def _said(info: Mapping[str, Any]) -> str:
    return ": " + shown(str(info[MESSAGE]))


def _required(info: Mapping[str, Any]) -> str:
    return " is required"


def _invalid_format(info: Mapping[str, Any]) -> str:
    pattern = info.get(VALID_FORMAT)
    description = rules.FORMAT_DESCRIPTIONS.get(pattern) if isinstance(pattern, str) else None
    if description is not None:
        return f" must be {description}"
    if MESSAGE in info:
        return _said(info)
    return " is not in the expected format"


def _wrong_length(info: Mapping[str, Any]) -> str:
    if EXACTLY in info:
        return f" must be exactly {info[EXACTLY]} characters long"
    if info.get(MINIMUM) == 1 and MAXIMUM not in info:
        return " must not be empty"
    if MINIMUM in info and MAXIMUM in info:
        return f" must be {info[MINIMUM]} to {info[MAXIMUM]} characters long"
    if MAXIMUM in info:
        return f" must be at most {info[MAXIMUM]} characters long"
    if MINIMUM in info:
        return f" must be at least {info[MINIMUM]} characters long"
    return " has the wrong length"


def _invalid_value(info: Mapping[str, Any]) -> str:
    if ALLOWED_VALUES in info:
        return f" must be one of: {_listed(info[ALLOWED_VALUES])}"
    if GREATER_THAN in info and LESS_THAN in info:
        return (
            f" must be a number greater than {info[GREATER_THAN]} "
            f"and less than {info[LESS_THAN]} (JavaScript's safe integers)"
        )
    if MUST_BE in info:
        return f" must be {shown(str(info[MUST_BE]))}"
    if MESSAGE in info:
        return _said(info)
    return " is not a valid value"


def _forbidden_value(info: Mapping[str, Any]) -> str:
    if MESSAGE in info:
        return _said(info)
    if DISALLOWED_VALUES in info:
        return f" must not be any of: {_listed(info[DISALLOWED_VALUES])}"
    return " is not allowed"


def _invalid_date(info: Mapping[str, Any]) -> str:
    return _said(info) if MESSAGE in info else " is not a valid date"


_SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    REQUIRED: _required,
    INVALID_FORMAT: _invalid_format,
    WRONG_LENGTH: _wrong_length,
    INVALID_VALUE: _invalid_value,
    FORBIDDEN_VALUE: _forbidden_value,
    INVALID_DATE: _invalid_date,
}


def human_message(*, field: str, error: str, extra_info: Mapping[str, Any]) -> str:
    """One sentence for one `FieldError`'s parts.

    >>> human_message(field="org", error="required", extra_info={})
    'org is required'
    """
    sentence = _SENTENCES.get(error)
    if sentence is not None:
        return shown(field) + sentence(extra_info)
    return shown(field) + (_said(extra_info) if MESSAGE in extra_info else ": " + shown(error))


def describe(error: Any) -> str:
    """`human_message()` for a `FieldError` (anything with its four fields)."""
    return human_message(field=error.field, error=error.error, extra_info=error.extra_info)
