"""Native trigger elements: the site's own button that opens the survey."""

from __future__ import annotations

import re
from typing import Any, cast

from markupsafe import Markup

from . import rules
from .codepoints import text_problem
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


def _text_error(field: str, problem: str) -> FieldError:
    # HTML cannot carry NUL, most controls, noncharacters or lone surrogates.
    return FieldError(rules.TRIGGER, field, INVALID_VALUE, {MESSAGE: problem})


def _unsafe_url(value: str) -> bool:
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
    if not isinstance(label, str) or not str.__str__(label).strip():
        # An empty button has no accessible name.
        errors.append(FieldError(rules.TRIGGER, "label", REQUIRED, {}))
    elif (label_problem := text_problem(str.__str__(label))) is not None:
        errors.append(_text_error("label", label_problem))
    # Compared as its characters: a str subclass could claim to be "button".
    tag = str.__str__(tag) if isinstance(tag, str) else tag
    if tag not in rules.TRIGGER_TAGS:
        errors.append(
            FieldError(
                rules.TRIGGER, "tag", INVALID_VALUE, {ALLOWED_VALUES: list(rules.TRIGGER_TAGS)}
            )
        )
    extra: list[Attribute] = []
    href_given = False
    for keyword, value in attrs.items():
        stripped = keyword.rstrip("_")
        name = stripped.replace("_", "-") if stripped else keyword
        field = f"attrs.{name}"
        text = _attribute_text(value)
        href_given = href_given or (name.lower() == "href" and bool(text))
        problem = _attribute_problem(name, text)
        if problem is not None:
            errors.append(FieldError(rules.TRIGGER, field, *problem))
        elif text is not None:
            extra.append((name, cast("str | bool", text)))
    if tag == "a" and not href_given:
        errors.append(FieldError(rules.TRIGGER, "attrs.href", REQUIRED, {}))
    if errors:
        raise ValidationError(errors)
    own: list[Attribute] = ([("type", "button")] if tag == "button" else []) + [
        (TOGGLE_ATTRIBUTE, True),
        ("aria-haspopup", "dialog"),
    ]
    return element(tag, own + extra, escape_text(label))


# What an attribute value is written as; _INVALID for what cannot be one.
_INVALID = object()


def _attribute_text(value: object) -> str | bool | object | None:
    if value is None or isinstance(value, bool):
        return bool(value) if value is not None else None
    if isinstance(value, str):
        return str.__str__(value)
    # Numbers as their own repr: a subclass's __str__ could say anything.
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    return _INVALID


def _attribute_problem(name: str, text: object) -> tuple[str, dict[str, Any]] | None:
    """The (error, extra_info) for attribute `name` with value `text`, if any."""
    lowered = name.lower()
    if not is_attribute_name(name):
        return INVALID_FORMAT, {VALID_FORMAT: "[a-zA-Z_:][-a-zA-Z0-9_:.]*"}
    if lowered in _OWN_ATTRIBUTES:
        return FORBIDDEN_VALUE, {DISALLOWED_VALUES: list(_OWN_ATTRIBUTES)}
    if lowered.startswith("on"):
        return FORBIDDEN_VALUE, {
            MESSAGE: "strict CSP blocks inline event handlers; use toggle_script()"
        }
    if text is _INVALID:
        return INVALID_VALUE, {MESSAGE: "must be str, number, bool or None"}
    if isinstance(text, str) and (text_message := text_problem(text)) is not None:
        return INVALID_VALUE, {MESSAGE: text_message}
    if lowered == "href" and isinstance(text, str) and _unsafe_url(text):
        return FORBIDDEN_VALUE, {ALLOWED_VALUES: list(_URL_SCHEMES)}
    return None
