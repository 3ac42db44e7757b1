"""lexbor, which the auto-insert middlewares ask where a page's body ends
(cswidget.bodyend), and Chromium agree: on every page of tests/rawtext.py and
on documents assembled at random from the pieces that change how HTML is read.

Chromium is asked as lexbor is: for each of the last MAX_PROBES `</body>`
texts, the page up to it is written into a frame (`document.write`, scripting
on) followed by a probe start tag; the text ends the body when the probe is
an HTML element under <body> and not in template, svg, math, select.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

import rawtext
from cswidget.bodyend import MAX_PROBES, body_end

CHROMIUM_BODY_END = """
(candidates) => {
  const frame = document.getElementById("case");
  return candidates.map((before) => {
    const doc = frame.contentWindow.document;
    doc.open();
    doc.write(before + "<cswidget-probe></cswidget-probe>");
    doc.close();
    const probe = doc.querySelector("cswidget-probe");
    if (!probe || probe.namespaceURI !== "http://www.w3.org/1999/xhtml") return false;
    const names = [];
    for (let node = probe.parentElement; node; node = node.parentElement) {
      names.push(node.localName);
    }
    const outside = ["template", "svg", "math", "select", "noscript"];
    return names.includes("body") && !names.some((name) => outside.includes(name));
  });
}
"""
PIECES = [
    "</body>", "</BODY >", "</body/>", "<p>", "</p>", "<br>", "</br>", "text", " ", "\n", "'",
    '"', "=", ">", "<", "/", "<div title=", "<div title='", '<div title="', "<a ", "<script>",
    "</script>", "<script type=module>", "<!--", "-->", "--!>", "<!-->", "<!--<script>",
    "<style>", "</style>", "<textarea>", "</textarea>", "<title>", "</title>", "<xmp>", "</xmp>",
    "<iframe>", "</iframe>", "<noembed>", "<noframes>", "<noscript>", "</noscript>",
    "<plaintext>", "<template>", "</template>", "<svg>", "</svg>", "<math>", "</math>",
    "<mtext>", "<foreignObject>", "</foreignObject>", "<desc>",
    "<annotation-xml encoding=text/html>",
    "<![CDATA[", "]]>", "<table>", "</table>", "<td>", "<select>", "</select>", "<option>",
    "<?", "<!x", "<head>", "<body>", "<frameset>", "<font color=red>", "<object>",
]  # fmt: skip
BODY_END_TEXT = re.compile(r"</body[\t\n\f\r />]", re.IGNORECASE)
RANDOM_PAGES = 600


@pytest.fixture(scope="module")
def frame_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<iframe id="case"></iframe>')
    yield page
    context.close()


def random_pages(count: int) -> list[str]:
    """Documents of random pieces around at least one `</body>` text, the
    same on every run."""
    chance = random.Random(18)

    def pieces(most: int) -> str:
        return "".join(chance.choice(PIECES) for _ in range(chance.randrange(most)))

    return [pieces(20) + chance.choice(PIECES[:3]) + pieces(6) for _ in range(count)]


def test_lexbor_and_chromium_agree_where_the_body_ends(frame_page: Page) -> None:
    pages = random_pages(RANDOM_PAGES) + [
        rawtext.page(shape, context) for context in rawtext.CONTEXTS for shape in rawtext.SHAPES
    ]
    # Chromium's answer, asked as the middlewares ask lexbor: for each of the
    # last MAX_PROBES `</body>` texts, is an element started there in the body?
    candidates = [
        [match.start() for match in BODY_END_TEXT.finditer(page)][-MAX_PROBES:] for page in pages
    ]
    prefixes = [
        page[:offset] for page, offsets in zip(pages, candidates, strict=True) for offset in offsets
    ]
    verdicts = iter(frame_page.evaluate(CHROMIUM_BODY_END, prefixes))
    chromium = [
        max((offset for offset in offsets if next(verdicts)), default=None)
        for offsets in candidates
    ]
    lexbor = [body_end(page.encode()) for page in pages]
    disagreements = [
        (page, ours, theirs)
        for page, ours, theirs in zip(pages, lexbor, chromium, strict=True)
        if ours != theirs
    ]
    assert disagreements == []
    # Not a vacuous agreement: both kinds of answer are common.
    found = sum(answer is not None for answer in chromium)
    assert 100 < found < len(pages) - 100
