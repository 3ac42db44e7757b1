"""cswidget.bodyend: the `</body>` that ends a page's body, as a browser's
parser reads the page, in every context where a `</body>` text is not one.

The expected offsets come from the page shapes in tests/rawtext.py (known by
construction), and html5lib, an independent parser written from the HTML
Standard, is asked the same question and must agree. (Random documents are
compared with Chromium itself: tests/browser/test_autoembed_rawtext.py;
html5lib predates a few newer parsing rules, such as `</p>` inside `<svg>`.)
"""

from __future__ import annotations

import sys

import html5lib
import pytest

import rawtext
from cswidget import bodyend
from cswidget.bodyend import MAX_PROBES, body_end, body_end_texts, require_parser
from cswidget.extras import MissingExtraError

XHTML = "{http://www.w3.org/1999/xhtml}"
NOT_BODY = {"template", "svg", "math", "select", "noscript"}


def html5lib_body_end(page: str) -> int | None:
    """The same question put to html5lib: for each `</body>` text, last
    first, is an element started there an HTML element in the body?"""
    ends = [index for index in range(len(page)) if bodyend._END_TEXT.match(page[index:].encode())]
    for offset in reversed(ends[-MAX_PROBES:]):
        tree = html5lib.HTMLParser(namespaceHTMLElements=True).parse(
            page[:offset] + "<cswidget-probe>", scripting=True
        )
        parents = {child: parent for parent in tree.iter() for child in parent}
        probe = tree.find(f".//{XHTML}cswidget-probe")
        ancestors: list[str] = []
        node = None if probe is None else parents.get(probe)
        while node is not None:
            ancestors.append(node.tag.rpartition("}")[2])
            node = parents.get(node)
        if probe is not None and "body" in ancestors and NOT_BODY.isdisjoint(ancestors):
            return offset
    return None


def _shapes() -> list[tuple[str, rawtext.Context]]:
    return [(shape, context) for context in rawtext.CONTEXTS for shape in rawtext.SHAPES]


def _ids() -> list[str]:
    return [f"{shape}-{context.slug}" for shape, context in _shapes()]


@pytest.mark.parametrize(("shape", "context"), _shapes(), ids=_ids())
def test_the_body_ends_where_the_page_shape_says(shape: str, context: rawtext.Context) -> None:
    page = rawtext.page(shape, context)
    assert body_end(page.encode()) == rawtext.body_end_of(shape, context)


@pytest.mark.parametrize(("shape", "context"), _shapes(), ids=_ids())
def test_html5lib_reads_the_table_the_same(shape: str, context: rawtext.Context) -> None:
    # The table is not written to suit the code: the reference parser agrees.
    assert html5lib_body_end(rawtext.page(shape, context)) == rawtext.body_end_of(shape, context)


@pytest.mark.parametrize(
    ("page", "offset"),
    [
        ("<body><p>Hi</p></body></html>", 15),
        ("<body><p>Hi</p></BODY></html>", 15),
        ("<body><p>Hi</p></Body\n></html>", 15),
        ("<body><p>Hi</p></body/></html>", 15),
        ('<body><p>Hi</p></body class="x"></html>', 15),
        ("<body><p>Hi</p></body", None),  # the tag never ends
        ("<body><p>Hi</p></bodyx>", None),
        ("<p>a fragment</p>", None),
        ("", None),
        # A `</body>` in head: the body begins there, as the parser begins it.
        ("<html><head><title>t</title></body><p>Hi</p>", 28),
        # Inside a table the end tag is ignored, but a start tag there is
        # foster-parented into the body: the widget lands before the table.
        ("<body><table><tr><td>x</td></tr></body></table>", 32),
        # Every one of these is read as text or as part of a tag.
        ("<body><a title=x</body/z=' y=\"' > </body> \">", None),
        ("<body><script><!--<script></script></body>--></script>", None),
        ("<body><!--> </body> -->", 12),  # `<!-->` is a whole (empty) comment
        ("<body><!--- </body> --->", None),
        ("<body><!-- </body> --!>", None),
        ("<body><![CDATA[ </body> ]]>", None),  # outside svg/math: a bogus comment
        ("<body><svg><foreignObject><p></body></p></foreignObject></svg>", None),
        ("<body><math><mtext><p></body></p></mtext></math>", None),
        ("<body><div><noscript></div></body></noscript>", None),
        ("<head><noscript><div></body></noscript>", None),
        ("<frameset></body></frameset>", None),
    ],
)
def test_exact_offsets(page: str, offset: int | None) -> None:
    assert body_end(page.encode()) == offset
    assert html5lib_body_end(page) == offset


def test_an_earlier_body_text_cannot_change_how_a_later_one_is_read() -> None:
    # A probe put before the first `</body>` here would end the <a> tag early
    # and shift its quotes, making the second `</body>` (inside the quoted
    # value of y) look like markup. Each text is probed in a parse of its own.
    page = "<body><a title=x</body/z=' y=\"' > </body> \">x</a></body>"
    assert body_end(page.encode()) == page.rindex("</body>")
    assert body_end(page[: page.rindex("</body>")].encode()) is None


def test_the_last_real_one_of_several() -> None:
    page = "<body><p>One</p></body><p>Two</p></body><script>'</body>'</script>"
    assert body_end(page.encode()) == page.index("</body><script>")


@pytest.mark.parametrize(("texts", "found"), [(MAX_PROBES - 1, True), (MAX_PROBES, False)])
def test_at_most_max_probes_texts_after_the_real_one(texts: int, found: bool) -> None:
    page = "<body><p>Hi</p></body>" + "<script>'</body>'</script>" * texts
    assert body_end_texts(page.encode()) == texts + 1
    assert body_end(page.encode()) == (15 if found else None)


def _trail_byte_is(byte: int, charset: str) -> str:
    for code in range(0x3000, 0x9FFF):
        encoded = chr(code).encode(charset, "ignore")
        if len(encoded) == 2 and encoded[1] == byte:
            return chr(code)
    raise AssertionError(f"no character of {charset} ends in {byte:#x}")


# A Shift_JIS character whose second byte is "]": read as UTF-8, that byte and
# the text after it would end the CDATA section ("]]>") too early.
KANJI = _trail_byte_is(ord("]"), "shift_jis")
SHIFT_JIS_PAGE = f"<body><p>{KANJI}</p></body><svg><![CDATA[{KANJI}]></svg><p></body>]]></svg>"


def test_a_page_is_read_in_its_own_charset() -> None:
    page = SHIFT_JIS_PAGE.encode("shift_jis")
    real = page.index(b"</body>")
    assert body_end(page, charset="shift_jis") == real
    assert html5lib_body_end(SHIFT_JIS_PAGE) == SHIFT_JIS_PAGE.index("</body>")
    # The same bytes read as UTF-8 end the CDATA early: that is why the
    # charset is passed, and why a page that names none is read as the
    # browser reads it (its <meta charset>).
    assert body_end(page, charset="utf-8") == page.rindex(b"</body>")
    declared = b'<meta charset="shift_jis">' + page
    assert body_end(declared, charset=None) == real + len(b'<meta charset="shift_jis">')


def test_bytes_that_are_not_utf8_are_read_as_a_browser_reads_them() -> None:
    page = b"<body><p>\xff\xfe\xc3</p></body>"
    assert body_end(page) == page.index(b"</body>")


def test_without_selectolax_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_parser.cache_clear()
    monkeypatch.setitem(sys.modules, "selectolax", None)
    monkeypatch.setitem(sys.modules, "selectolax.lexbor", None)
    try:
        with pytest.raises(MissingExtraError) as raised:
            require_parser()
    finally:
        require_parser.cache_clear()
    assert str(raised.value) == (
        "cswidget's AutoEmbedMiddleware needs selectolax, which is not installed: install "
        "cswidget's 'autoembed' extra (from the clone's folder: pip install '.[autoembed]')"
    )


def test_the_oracle_can_tell_them_apart() -> None:
    # html5lib_body_end is not a copy of the answer: it finds the real one.
    page = "<body><script>'</body>'</script><p>x</p></body>"
    assert html5lib_body_end(page) == page.rindex("</body>")
    assert html5lib_body_end("<body><script>'</body>'</script>") is None
