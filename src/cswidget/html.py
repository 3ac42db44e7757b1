"""The one place cswidget turns values into HTML.

Every attribute value and every piece of text goes through `markupsafe`'s
escape here, as plain characters: a value's own `__html__` (markupsafe.Markup,
a Django SafeString) is never trusted, because params come from users.
Attribute values are always double-quoted and have `&<>"'` escaped, which is
safe in any attribute and round-trips exactly through an HTML parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

__all__ = ["Attribute", "attributes", "comment", "element", "escape_text", "is_attribute_name"]

# (name, value): True renders the bare name, None and False omit it.
Attribute = tuple[str, "str | bool | None"]

# Attribute names an HTML parser reads back as written. Narrower than the
# spec on purpose: no characters that need a second look in a review.
_ATTRIBUTE_NAME = re.compile(r"[a-zA-Z_:][-a-zA-Z0-9_:.]*")
_TAG_NAME = re.compile(r"[a-z][a-z0-9]*")
# Names already checked: the same few are rendered on every page. Tag names
# are only ever cswidget's own, so they start in it.
_checked_names = {"div", "script", "button", "a"}
_CHECKED_NAMES_LIMIT = 1024


def is_attribute_name(name: str) -> bool:
    """Whether `name` can be written as an attribute name as it is."""
    return _ATTRIBUTE_NAME.fullmatch(name) is not None


def _escape(value: str) -> str:
    escaped = escape(str.__str__(value))
    # A parser turns a raw CR (and CRLF) into LF; the reference keeps it.
    # (str.replace: Markup.replace would escape the "&" of "&#13;".)
    return str.replace(escaped, "\r", "&#13;") if "\r" in escaped else escaped


def escape_text(value: str) -> Markup:
    """`value` as HTML text: its characters, never its `__html__`.

    NUL cannot be written in HTML at all (parsers replace it), so callers
    refuse it before it gets here.
    """
    return Markup(_escape(value))


_NO_CONTENT = Markup("")


def attributes(pairs: Iterable[Attribute | Markup]) -> Markup:
    """` name="value"...` (each with its leading space), values escaped.

    An item may also be Markup that `attributes()` rendered before: render
    attributes that never change once, and pass the result on.
    """
    return Markup(_attributes(pairs))


def _attributes(pairs: Iterable[Attribute | Markup]) -> str:
    parts: list[str] = []
    for pair in pairs:
        if isinstance(pair, Markup):
            parts.append(pair)
            continue
        name, value = pair
        # Names are used as their characters: a str subclass could claim to
        # equal a checked name and still write something else.
        name = str.__str__(name)
        if name not in _checked_names:
            if not _ATTRIBUTE_NAME.fullmatch(name):
                raise ValueError(f"Unsupported attribute name {name!r}")
            if len(_checked_names) < _CHECKED_NAMES_LIMIT:
                _checked_names.add(name)
        if value is True:
            parts.append(f" {name}")
        elif value is not None and value is not False:
            parts.append(f' {name}="{_escape(value)}"')
    return "".join(parts)


def element(tag: str, attrs: Iterable[Attribute | Markup], content: Markup = _NO_CONTENT) -> Markup:
    """`<tag name="value"...>content</tag>` with every attribute value escaped.

    `attrs` is (name, value) pairs, or Markup that `attributes()` rendered.
    `content` must already be Markup: escaped text from `escape_text`, or
    one of cswidget's own constant scripts.
    """
    tag = str.__str__(tag)
    if tag not in _checked_names and not _TAG_NAME.fullmatch(tag):
        raise ValueError(f"Unsupported tag name {tag!r}")
    return Markup(f"<{tag}{_attributes(attrs)}>{content}</{tag}>")


def comment(text: str) -> Markup:
    """`<!-- text -->`, where `text` can never end the comment early.

    `<` and `>` become `\\x3c` and `\\x3e`: without them no `-->`, `--!>`
    or `<!--` can appear, whatever the text. Callers pass text already made
    safe to show (cswidget.safetext), since comments are visible in the source.
    """
    text = str.__str__(text).replace("<", "\\x3c").replace(">", "\\x3e")
    return Markup(f"<!-- {text} -->")
