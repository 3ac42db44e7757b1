"""The hostile corpus: values and keys that break naive embeds.

Every rendering path (Python, macros, Jinja globals, Django tags, CLI,
browser) is tested against these. Each entry is a valid params value or key:
the point is that they render safely and round-trip exactly.
"""

from __future__ import annotations

from itertools import product

from cswidget.rules import MAX_PARAMS_KEYS
from cswidget.vocabulary import MAX_KEY_LENGTH, MAX_VALUE_LENGTH

# Attribute and tag breakouts, in every quoting style.
BREAKOUTS = [
    '"',
    "'",
    "`",
    '">',
    "'>",
    '"/>',
    "' onmouseover='alert(1)",
    '" onmouseover="alert(1)',
    '"><script>window.__pwned=1</script>',
    "'><script>window.__pwned=1</script>",
    "</div><script>window.__pwned=1</script>",
    "</script><script>window.__pwned=1</script>",
    "</SCRIPT><script>window.__pwned=1</script>",
    "</script ><script>window.__pwned=1</script>",
    "<!--<script>",
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[x]]>",
    "<img src=x onerror=window.__pwned=1>",
    '<svg onload="window.__pwned=1">',
    "<iframe srcdoc='<script>parent.__pwned=1</script>'>",
    "javascript:window.__pwned=1",
    "data:text/html,<script>window.__pwned=1</script>",
    "<style>*{display:none}</style>",
    "<base href='//evil.example/'>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    "<a href=//evil.example>x</a>",
    "<template><script>window.__pwned=1</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=window.__pwned=1>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<textarea></textarea><script>window.__pwned=1</script>",
    "<title></title><script>window.__pwned=1</script>",
    "<plaintext>",
    "<xmp></xmp><script>window.__pwned=1</script>",
    "\\u003cscript\\u003e",
    '\\"',
    "\\",
    "\\\\",
    "\\'",
    "\\n",
    "\\u0000",
    '{"name":"x"}',
    "}",
    "{",
    "[]",
    "null",
    "true",
    "0",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "__proto__",
    '{"__proto__":{"polluted":1}}',
    "constructor",
    "toString",
]

# What a value needs to run if the widget lands inside a script (a block or
# line comment, a string, a template literal) or a style: the auto-insert
# middleware must never put it there (tests/browser/test_autoembed_rawtext.py).
INSIDE_SCRIPT = [
    "*/alert(1)//",
    "*/window.__pwned=1//",
    "`;alert(1)//",
    "`+alert(1)+`",
    "${alert(1)}",
    "';alert(1)//",
    '";alert(1)//',
    "\u2028alert(1)//",
    "-->alert(1)//",
    "*/}body{background:url(//evil.example/x)}/*",
]

# Character references a parser would decode if they were not escaped.
ENTITIES = [
    "&",
    "&amp;",
    "&amp;amp;",
    "&quot;",
    "&#34;",
    "&#x22;",
    "&#39;",
    "&apos;",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "&#x3C;script&#x3E;",
    "&nbsp;",
    "&NotANamedEntity;",
    "&amp",
    "&lt",
    "&copy",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&#128512;",
    "AT&T",
    "Marks & Spencer",
    "&#",
    "&#x",
    "&;",
]

# Template syntax of the engines this library sits inside.
TEMPLATE_SYNTAX = [
    "{{ 7*7 }}",
    "{{7*7}}",
    "{% raw %}",
    "{% endraw %}",
    "{% include 'x' %}",
    "{# comment #}",
    "{{ config }}",
    "{{ request }}",
    "{% load cswidget %}",
    "{% csrf_token %}",
    "{{ ''.__class__.__mro__ }}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "[[ 7*7 ]]",
    "{{{ triple }}}",
    "%s%s%s",
    "%(name)s",
    "{0}",
    "{name}",
]

# Control characters, whitespace and line terminators.
CONTROL = [
    "\x00",
    "a\x00b",
    "\x01\x02\x03",
    "\x07",
    "\x08",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "a\rb",
    "a\r\nb",
    "\x0b",
    "\x0c",
    "\x1b[31mred\x1b[0m",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\xa0",
    " ",
    "   leading and trailing   ",
    "",
    "\u2028",
    "\u2029",
    "line\u2028separator",
    "</script>\u2028",
]

# Unicode beyond ASCII.
UNICODE = [
    "O'Brien",
    "Zoë",
    "Ærøskøbing",
    "日本語のテキスト",
    "مرحبا",
    "שלום",
    "\u200e",
    "\u200f",
    "\u202e",
    "abc\u202edcba",
    "\u2066isolate\u2069",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\ufeffBOM",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "😀",
    "👩‍👩‍👧‍👦",
    "🏳️‍🌈",
    "\U0001f600" * 25,
    "e\u0301",
    "Ⓐ",
    "ﬁ",
    "İstanbul",
    "ß",
    "\u0000\u2028\ufeff",
    "\uff1cscript\uff1e",  # fullwidth < and >
    "\uff02",
    "\u02bc",
    "\u2018\u2019\u201c\u201d",
    "Z̷̢͙a̵l̶g̴o̷",
    "\U0010fffd",
    "\U000e0001",
]

# Code points HTML forbids in a document (C1 controls and DEL are in CONTROL
# above): the noncharacters, in the BMP and in every other plane. JSON
# carries them as escapes, so the page stays valid and the data exact.
FORBIDDEN_IN_HTML = [
    "a\x7fb\ufffe",
    "\x80\x81\x9e",
    "\ufdd0",
    "\ufdef",
    "note\ufdd5note",
    "\U0001fffe",
    "\U0001ffff",
    "\U0002fffe",
    "\U000efffe",
    "\U000fffff",
    "\U0010fffe",
    "\U0010ffff",
    "\ufffe\uffff\U0010ffff\x7f\x9f",
    "\\u007f",
    "\\ud83f\\udffe",
]

# Lengths at and around the limit.
LENGTHS = [
    "x" * MAX_VALUE_LENGTH,
    '"' * MAX_VALUE_LENGTH,
    "&" * MAX_VALUE_LENGTH,
    "<" * MAX_VALUE_LENGTH,
    "'" * MAX_VALUE_LENGTH,
    "\u2028" * MAX_VALUE_LENGTH,
    "😀" * MAX_VALUE_LENGTH,
    "</script>" * (MAX_VALUE_LENGTH // len("</script>")),
    "&quot;" * (MAX_VALUE_LENGTH // len("&quot;")),
]

VALUES: list[str] = [
    *BREAKOUTS,
    *INSIDE_SCRIPT,
    *ENTITIES,
    *TEMPLATE_SYNTAX,
    *CONTROL,
    *UNICODE,
    *FORBIDDEN_IN_HTML,
    *LENGTHS,
    # Pairs of the nastiest pieces: breakouts next to entities and controls.
    *(
        a + b
        for a, b in product(['"', "'", "</script>", "&quot;"], ["\u2028", "&amp;", "\x00", "😀"])
    ),
]

KEYS: list[str] = [
    '"',
    "'",
    "<",
    ">",
    "&",
    "&quot;",
    "&amp;",
    "\\",
    "/",
    "=",
    " ",
    "key with spaces",
    '"><script>x</script>',
    "</script>",
    "<!--",
    "{{ 7*7 }}",
    "{% raw %}",
    "${x}",
    "onerror",
    "onclick",
    "data-x",
    "toString",
    "hasOwnProperty",
    "__defineGetter__",
    "valueOf",
    "length",
    "0",
    "-1",
    "1e3",
    "null",
    "true",
    "😀",
    "日本語",
    "Zoë",
    "\u00a0",
    "e\u0301",
    "\U0001f3f3\ufe0f",
    "k" * MAX_KEY_LENGTH,
    "'" * MAX_KEY_LENGTH,
    "😀" * MAX_KEY_LENGTH,
    "a.b",
    "a[b]",
    "$ref",
    "\ufdd0",
    "key\uffff",
    "\U0010ffff",
]

# Keys the library must refuse, with the error code it gives.
INVALID_KEYS: list[tuple[str, str]] = [
    ("", "wrong_length"),
    ("k" * (MAX_KEY_LENGTH + 1), "wrong_length"),
    ("__proto__", "forbidden_value"),
    ("constructor", "forbidden_value"),
    ("prototype", "forbidden_value"),
    ("a\x00b", "forbidden_value"),
    ("\n", "forbidden_value"),
    ("tab\there", "forbidden_value"),
    ("\x7f", "forbidden_value"),
    ("\x85", "forbidden_value"),
    ("\x1b[0m", "forbidden_value"),
    ("\ud800", "invalid_value"),
    ("\u2028", "forbidden_value"),
    ("\u2029", "forbidden_value"),
    ("email\u200b", "forbidden_value"),
    ("\u202eliame", "forbidden_value"),
    ("\ufeffkey", "forbidden_value"),
    ("soft\u00adhyphen", "forbidden_value"),
    ("tag\U000e0041", "forbidden_value"),
]

# Values the library must refuse, with the error code it gives: lone
# surrogates (no UTF-8 page can carry them) and lengths over the limit.
INVALID_VALUES: list[tuple[str, str]] = [
    ("\ud800", "invalid_value"),
    ("\udfff", "invalid_value"),
    ("a\udc80b", "invalid_value"),
    ("\udbff\udbff", "invalid_value"),
    ("x" * (MAX_VALUE_LENGTH + 1), "wrong_length"),
    ("😀" * (MAX_VALUE_LENGTH + 1), "wrong_length"),
]


def in_batches(params: dict[str, str]) -> list[dict[str, str]]:
    """`params` split into objects of at most MAX_PARAMS_KEYS keys each."""
    items = list(params.items())
    return [
        dict(items[start : start + MAX_PARAMS_KEYS])
        for start in range(0, len(items), MAX_PARAMS_KEYS)
    ]


assert len(VALUES) >= 150, len(VALUES)
assert len(KEYS) >= 40, len(KEYS)
assert all(len(value) <= MAX_VALUE_LENGTH for value in VALUES)
assert all(0 < len(key) <= MAX_KEY_LENGTH for key in KEYS)
