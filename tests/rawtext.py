"""Every place a `</body>` text can sit where it does not end the page's body.

Each context holds exactly one `</body>`: inside raw text (script, style),
escapable raw text (textarea, title), a comment, CDATA in foreign content,
template contents, noscript (raw text with scripting on, as in a browser),
plaintext, xmp, iframe, noembed, noframes, an svg or math island, a select,
an attribute value or a tag. The auto-insert middleware must never put the
widget there (tests/test_bodyend.py, tests/test_autoembed.py, and in Chromium
tests/browser/test_autoembed_rawtext.py).

Three page shapes around a context, each knowing where the widget belongs
by construction, never by asking the code under test:

- `after_body`: a real `</body>` first, then the context (scripts after
  `</body>` are common): the widget goes before the real one, the first;
- `inside_body`: the context, then the real `</body>`: before the last one
  (except after `<plaintext>`, which makes the rest of the page text);
- `without_body_end`: the context and no real `</body>` (HTML lets a page
  omit it): nowhere, the page is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

END: Final = "</body>"


@dataclass(frozen=True)
class Context:
    slug: str
    markup: str
    # Script that a browser runs, where one value can make the whole script
    # fail to parse and so hide another's execution: the browser test loads
    # one value per page there.
    runs_script: bool = False


# Issue 18's words: a comment asking to keep a script last, before </body>.
LAST: Final = "keep this block last, before </body>"
CONTEXTS: Final = [
    Context("script-block-comment", f"<script>/* {LAST} */</script>", runs_script=True),
    Context("script-line-comment", f"<script>// {LAST}\n</script>", runs_script=True),
    Context("script-single-quoted", "<script>var end = '</body>';</script>", runs_script=True),
    Context("script-double-quoted", '<script>var end = "</body>";</script>', runs_script=True),
    Context("script-template-literal", "<script>var end = `</body>`;</script>", runs_script=True),
    Context(
        "script-double-escaped",
        f"<script><!--\n/* <script></script> {LAST} */\n--></script>",
        runs_script=True,
    ),
    Context(
        "module-template-literal",
        '<script type="module">const end = `</body>`;</script>',
        runs_script=True,
    ),
    Context("svg-script", f"<svg><script>/* {LAST} */</script></svg>", runs_script=True),
    Context("json-data-block", '<script type="application/json">{"end": "</body>"}</script>'),
    Context("style-comment", f"<style>/* {LAST} */</style>"),
    Context("style-string", '<style>body::after { content: "</body>" }</style>'),
    Context("svg-style", "<svg><style>/* </body> */</style></svg>"),
    Context("textarea", "<textarea>Before </body></textarea>"),
    Context("title", "<title>Before </body></title>"),
    Context("comment", f"<!-- {LAST} -->"),
    Context("conditional-comment", "<!--[if lt IE 9]></body><![endif]-->"),
    Context("bogus-comment", '<?php echo "</body>"; ?>'),
    Context("svg-cdata", "<svg><![CDATA[</body>]]></svg>"),
    Context("math-cdata", "<math><![CDATA[</body>]]></math>"),
    Context("template", "<template><p>Later</p></body></template>"),
    Context("noscript", "<noscript><p>Turn on JavaScript</p></body></noscript>"),
    Context("plaintext", "<plaintext>Before </body>"),
    Context("xmp", "<xmp>Before </body></xmp>"),
    Context("iframe", "<iframe>Before </body></iframe>"),
    Context("noembed", "<noembed>Before </body></noembed>"),
    Context("noframes", "<noframes>Before </body></noframes>"),
    Context("svg", '<svg viewBox="0 0 1 1"></body></svg>'),
    Context("math", "<math><mi>x</mi></body></math>"),
    Context("select", "<select><option>Before </body></option></select>"),
    Context("attribute-double-quoted", '<div title="Before </body>"></div>'),
    Context("attribute-single-quoted", "<div title='Before </body>'></div>"),
    Context("attribute-unquoted", "<div title=Before</body>x</div>"),
    Context("event-handler-attribute", '<button onclick="/* </body> */">x</button>'),
    Context("inside-a-tag", "<div </body>>x</div>"),
]
BY_SLUG: Final = {context.slug: context for context in CONTEXTS}
assert all(context.markup.count(END) == 1 for context in CONTEXTS)
assert len(BY_SLUG) == len(CONTEXTS)

HEAD: Final = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Raw text</title></head>\n'
)
SHAPES: Final = ("after_body", "inside_body", "without_body_end")


def page(shape: str, context: Context) -> str:
    """The page of `shape` around `context`."""
    if shape == "after_body":
        return f"{HEAD}<body>\n<p>The page.</p>\n</body>\n{context.markup}\n</html>\n"
    if shape == "inside_body":
        return f"{HEAD}<body>\n<p>The page.</p>\n{context.markup}\n</body>\n</html>\n"
    if shape == "without_body_end":
        return f"{HEAD}<body>\n<p>The page.</p>\n{context.markup}\n</html>\n"
    raise ValueError(f"Unknown shape {shape!r}, must be one of: {', '.join(SHAPES)}")


def body_end_of(shape: str, context: Context) -> int | None:
    """Where the widget belongs in `page(shape, context)`: the offset of its
    real `</body>`, or None."""
    text = page(shape, context)
    if shape == "after_body":
        return text.index(END)
    if shape == "inside_body" and context.slug != "plaintext":
        return text.rindex(END)
    return None
