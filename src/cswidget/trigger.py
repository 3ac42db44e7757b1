"""Native trigger elements: the site's own button that opens the survey."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from . import rules
from .errors import FieldError, ValidationError
from .html import Attribute, element, escape_text, is_attribute_name
from .vocabulary import (
    ALLOWED_VALUES,
    DISALLOWED_VALUES,
    FORBIDDEN_VALUE,
    INVALID_FORMAT,
    INVALID_VALUE,
    MESSAGE,
    REQUIRED,
    TOGGLE_ATTRIBUTE,
    VALID_FORMAT,
)

__all__ = ["trigger"]

# What trigger() itself sets; a caller overriding these would break the
# contract with toggle_script() or the element's accessible role.
_OWN_ATTRIBUTES = ("type", TOGGLE_ATTRIBUTE, "aria-haspopup")
_URL_SCHEMES = ("http", "https", "mailto")
# Browsers drop ASCII whitespace and controls when they read a URL's scheme,
# so "java\tscript:" is javascript:.
_URL_NOISE = re.compile("[\u0000-\u0020]")
_SCHEME = re.compile("([a-z][a-z0-9+.-]*):")


def _nul_error(field: str) -> FieldError:
    # HTML cannot carry NUL: parsers replace it with U+FFFD, so the page
    # would not show what was asked for.
    return FieldError(rules.TRIGGER, field, INVALID_VALUE, {MESSAGE: "must not contain NUL"})


def _unsafe_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    scheme = _SCHEME.match(_URL_NOISE.sub("", value).lower())
    return scheme is not None and scheme.group(1) not in _URL_SCHEMES


def trigger(label: str, *, tag: str = "button", **attrs: Any) -> Markup:
    """An accessible element that opens the survey (with `toggle_script()`).

    `label` is text, always escaped. Keyword arguments become attributes:
    `_` in a name becomes `-` and a trailing `_` is dropped (`class_`,
    `aria_label`); True renders a bare attribute, None and False omit it.

    >>> trigger("Feedback", class_="btn")
    Markup('<button type="button" data-cswidget-toggle aria-haspopup="dialog" \
class="btn">Feedback</button>')

    `tag="a"` renders a link and needs `href`: where scripts do not run, the
    link (e.g. the survey's own page) is the fallback.
    Inline event handlers (`onclick`...) are refused: strict CSP blocks them.
    """
    errors: list[FieldError] = []
    if not isinstance(label, str) or not label.strip():
        # An empty button has no accessible name.
        errors.append(FieldError(rules.TRIGGER, "label", REQUIRED, {}))
    elif "\x00" in label:
        errors.append(_nul_error("label"))
    if tag not in rules.TRIGGER_TAGS:
        errors.append(
            FieldError(
                rules.TRIGGER, "tag", INVALID_VALUE, {ALLOWED_VALUES: list(rules.TRIGGER_TAGS)}
            )
        )
    extra: list[Attribute] = []
    for keyword, value in attrs.items():
        name = keyword.rstrip("_").replace("_", "-") if keyword.rstrip("_") else keyword
        field = f"attrs.{name}"
        if not is_attribute_name(name):
            errors.append(
                FieldError(
                    rules.TRIGGER,
                    field,
                    INVALID_FORMAT,
                    {VALID_FORMAT: "[a-zA-Z_:][-a-zA-Z0-9_:.]*"},
                )
            )
        elif name.lower() in _OWN_ATTRIBUTES:
            errors.append(
                FieldError(
                    rules.TRIGGER,
                    field,
                    FORBIDDEN_VALUE,
                    {DISALLOWED_VALUES: list(_OWN_ATTRIBUTES)},
                )
            )
        elif name.lower().startswith("on"):
            errors.append(
                FieldError(
                    rules.TRIGGER,
                    field,
                    FORBIDDEN_VALUE,
                    {MESSAGE: "strict CSP blocks inline event handlers; use toggle_script()"},
                )
            )
        elif name.lower() == "href" and _unsafe_url(value):
            errors.append(
                FieldError(
                    rules.TRIGGER, field, FORBIDDEN_VALUE, {ALLOWED_VALUES: list(_URL_SCHEMES)}
                )
            )
        elif isinstance(value, str) and "\x00" in value:
            errors.append(_nul_error(field))
        elif value is None or isinstance(value, bool | str):
            extra.append(
                (name, value if isinstance(value, bool) or value is None else str.__str__(value))
            )
        elif isinstance(value, int | float):
            extra.append((name, str(value)))
        else:
            errors.append(
                FieldError(
                    rules.TRIGGER,
                    field,
                    INVALID_VALUE,
                    {MESSAGE: "must be str, number, bool or None"},
                )
            )
    if tag == "a" and not attrs.get("href"):
        errors.append(FieldError(rules.TRIGGER, "attrs.href", REQUIRED, {}))
    if errors:
        raise ValidationError(errors)
    own: list[Attribute] = ([("type", "button")] if tag == "button" else []) + [
        (TOGGLE_ATTRIBUTE, True),
        ("aria-haspopup", "dialog"),
    ]
    return element(tag, own + extra, escape_text(label))
