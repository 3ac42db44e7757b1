"""Code points an HTML document may not carry, and how JSON text avoids them.

The HTML standard forbids, anywhere in a document's text and attribute
values, the C1 controls with DEL (U+007F to U+009F) and the noncharacters
(U+FDD0 to U+FDEF, and U+xFFFE and U+xFFFF in every plane); C0 controls
other than whitespace too, but JSON already writes those as escapes. Lone
surrogates cannot be encoded as UTF-8 at all.

Inside JSON text each of them can be written as a `\\uXXXX` escape (a
surrogate-pair escape beyond the BMP), which `JSON.parse` reads back as the
very same character, so a page stays valid and the data stays exact:

>>> escape_json_text('{"note":"a\\x7fb\\ufffe"}')
'{"note":"a\\\\u007fb\\\\ufffe"}'
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ["HTML_FORBIDDEN_PATTERN", "escape_json_text", "html_forbidden", "text_problem"]

# Every plane's last two code points, written as the characters themselves
# (JSON Schema and ECMA-262 regexes with the unicode flag read them alike).
_PLANE_ENDS: Final = "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17)
)

# What HTML forbids in a document that JSON does not escape by itself.
HTML_FORBIDDEN_PATTERN: Final = "[\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff" + _PLANE_ENDS + "]"

_HTML_FORBIDDEN: Final = re.compile(HTML_FORBIDDEN_PATTERN)
# For escape_json_text, on the rendering path: the BMP part and the astral
# part apart, because a class of 32 astral singletons makes every search
# about ten times slower, and most text has no character past U+1FFFD.
_BMP_ESCAPED: Final = re.compile("[\\u007f-\\u009f\\ufdd0-\\ufdef\\ufffe\\uffff\\ud800-\\udfff]")
_ASTRAL_ESCAPED: Final = re.compile("[" + _PLANE_ENDS + "]")
_FIRST_ASTRAL_NONCHARACTER: Final = "\U0001fffe"


# In HTML text and attribute values, where no escape can help: also the C0
# controls other than whitespace (JSON escapes those) and lone surrogates.
_TEXT_FORBIDDEN: Final = re.compile(
    "[\\u0001-\\u0008\\u000b\\u000e-\\u001f\\ud800-\\udfff" + HTML_FORBIDDEN_PATTERN[1:]
)


def text_problem(text: str) -> str | None:
    """Why `text` cannot be written as HTML text or an attribute value, or
    None when it can. (Character references do not help: the parser reads
    a reference to any of these as an error too.)

    >>> text_problem("Feedback\\x85")
    'must not contain U+0085: HTML forbids it in a document'
    """
    if "\x00" in text:
        # Parsers replace NUL with U+FFFD: the page would not show what was asked for.
        return "must not contain NUL"
    if "\r" in text:
        # Parsers turn a raw CR into LF, and a reference to it (&#13;) is a
        # parse error: HTML text cannot hold one exactly.
        return "must not contain CR (carriage return): HTML reads it as a line feed"
    if text.isprintable():
        return None
    found = _TEXT_FORBIDDEN.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return "text must not contain lone surrogates (it cannot be encoded as UTF-8)"
    return f"must not contain U+{code:04X}: HTML forbids it in a document"


def html_forbidden(text: str) -> list[str]:
    """The distinct code points HTML forbids in `text`, in order of first
    appearance, as `U+XXXX` names.

    >>> html_forbidden("a\\x85b\\U0001fffe\\x85")
    ['U+0085', 'U+1FFFE']
    """
    found = dict.fromkeys(_HTML_FORBIDDEN.findall(text))
    return [f"U+{ord(character):04X}" for character in found]


def escape_json_text(text: str) -> str:
    """JSON text with every code point HTML forbids, and every lone
    surrogate, written as a JSON escape.

    `text` must be JSON as `json.dumps` writes it: outside strings it is
    ASCII, so every such character is inside a string, where an escape
    means the same character.
    """
    # Every character to escape is non-printable (Cc, Cn or Cs), so most
    # text is done after one scan in C; the regexes only confirm the rest.
    if text.isprintable():
        return text
    if _BMP_ESCAPED.search(text) is None and (
        max(text) < _FIRST_ASTRAL_NONCHARACTER or _ASTRAL_ESCAPED.search(text) is None
    ):
        return text
    return text.translate(_escapes())


@functools.cache
def _escapes() -> dict[int, str]:
    # Built on first use: no cost to `import cswidget`.
    codes = [*range(0x7F, 0xA0), *range(0xFDD0, 0xFDF0), 0xFFFE, 0xFFFF, *range(0xD800, 0xE000)]
    codes += [plane << 16 | end for plane in range(1, 17) for end in (0xFFFE, 0xFFFF)]
    return {code: _escape(code) for code in codes}


def _escape(code: int) -> str:
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}"
