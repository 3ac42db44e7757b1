"""Where a page's body really ends, as a browser's HTML parser reads it.

    >>> body_end(b"<body><script>/* keep last, before </body> */</script><p>Hi</p></body>")
    63
    >>> body_end(b"<body><p>Hi</p><script>/* keep last, before </body> */</script>") is None
    True

`body_end(page)` is the byte offset of the last `</body>` end tag that the
parser reads as markup in the page's body, or None. A `</body>` is only text
inside a script, style, textarea, title, comment, CDATA section, `<noscript>`,
`<plaintext>`, `<xmp>`, `<iframe>`, `<noembed>` or `<noframes>`, inside an
attribute value or a tag; and it does not end the body inside `<template>`,
`<svg>`, `<math>` or `<select>`. Never a substring search: which of those
contexts a `</body>` text sits in is the parser's decision, made with
scripting on, as in a browser that runs the widget (`<noscript>` is raw text).

How: for each `</body>` text, last first, the parser reads the page **up to
that text** followed by a probe start tag, and the text is the end of the body
when the probe became an element whose ancestors lead to `<body>` through none
of the elements above. Nothing after the text is read, so the probe meets the
parser exactly as the page left it there (one probe per parse: probes placed
together could change how the page between them is read), and a start tag is
what the inserted widget begins with. At most `MAX_PROBES` `</body>` texts
are tried; pages with more after their real one get None.

The parser is lexbor, through selectolax (the `autoembed` extra), chosen by
`python benchmarks/autoembed.py` (medians on this project's 2-core machine,
shared and loaded): on a 100 KB page, `body_end` took 8.5 ms, the standard
library's `html.parser` 160 ms only to tokenize (18.7x), html5lib's tokenizer
alone 296 ms (34.7x), and rendering the page with Jinja 7.7 ms; on a 5 MB
page 0.50 s, 8.8 s (17.6x), 16.3 s (32.5x) and 0.38 s. `html.parser` is also
not a browser's reading: 3.11.7, 3.12.1, 3.13.0 and Debian's 3.11.2 take a
`</body>` inside 9 of tests/rawtext.py's contexts for a tag (textarea, title,
noscript, plaintext, xmp, iframe, noembed, noframes, a double-escaped
script), and it builds no tree, so it cannot tell template, svg, math or
select (13 of 34 wrong); the 2025 security releases taught it more raw text
elements (CPython gh-118350, gh-137836), so its reading changes between patch
releases of one Python.
html5lib builds the tree, but predates newer rules (a `</p>` inside `<svg>`
leaves it) and is slow. lexbor agrees with Chromium on every page the tests
try (tests/browser/test_bodyend_chromium.py).
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from typing import TYPE_CHECKING, Final

from .extras import MissingExtraError, installed

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser

__all__ = ["MAX_PROBES", "body_end", "body_end_texts", "require_parser"]

# `</body` as the tokenizer would begin an end tag with it: followed by
# whitespace, `/` or `>` (CR counts: the parser turns it into LF first).
_END_TEXT: Final = re.compile(rb"</body[\t\n\f\r />]", re.IGNORECASE)
# Each probe is one parse of the page up to a `</body>` text: a bound on the
# cost of pages that hold many of them in scripts after their real one.
MAX_PROBES: Final = 8
# Elements whose content is not the page's body, though the parser builds
# elements there: template contents, foreign content (SVG, MathML), a select's
# options. (Raw text elements never get an element child at all.)
_NOT_BODY: Final = frozenset({"template", "svg", "math", "select", "noscript"})


@cache
def require_parser() -> type[LexborHTMLParser]:
    """selectolax's lexbor parser, or `ModuleNotFoundError` saying how to
    install it. The middlewares call it when they are made, so a missing
    parser stops an app at startup, never a page."""
    if not installed("autoembed"):
        raise MissingExtraError("autoembed", feature="cswidget's AutoEmbedMiddleware")
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser


def body_end_texts(page: bytes) -> int:
    """How many `</body>` texts `page` holds, real or not."""
    return sum(1 for _ in _END_TEXT.finditer(page))


def body_end(page: bytes, *, charset: str | None = "utf-8") -> int | None:
    """The byte offset of the last `</body>` end tag of `page`'s body, or None.

    `charset` is what the browser decodes `page` with: one that is ASCII byte
    for byte, with no shift states (every `<` byte is a `<`), so that an
    offset is a character boundary; None when the response names none (the
    parser finds it as a browser does: a byte order mark, `<meta charset>`,
    else UTF-8).
    """
    offsets = [match.start() for match in _END_TEXT.finditer(page)]
    for offset in reversed(offsets[-MAX_PROBES:]):
        if _ends_the_body(page[:offset], charset):
            return offset
    return None


def _ends_the_body(before: bytes, charset: str | None) -> bool:
    name = f"cswidget-probe-{secrets.token_hex(8)}"
    probe = f"<{name}>"
    parser = require_parser()
    if charset is None or charset == "utf-8":
        # lexbor decodes bytes itself, bad ones becoming U+FFFD as in a browser.
        tree = parser(before + probe.encode("ascii"), encoding=charset is None, scripting=True)
    else:
        tree = parser(before.decode(charset, "replace") + probe, scripting=True)
    node = tree.css_first(name)
    ancestors: list[str] = []
    parent = None if node is None else node.parent
    while parent is not None:
        ancestors.append(parent.tag or "")
        parent = parent.parent
    return "body" in ancestors and _NOT_BODY.isdisjoint(ancestors)
