"""The auto-embed rules, shared by the Django and the ASGI middleware.

    rules = AutoEmbed(widget=widget, params=lambda request: {"email": ...})
    if skip_reason(method=..., status=..., content_type=..., content_encoding=...) is None:
        page = embedded(body, content_type, lambda: rules.snippet(request))

A response gets the widget inserted before the `</body>` end tag that ends
its body (`cswidget.bodyend`: the last one the HTML parser reads as a tag in
the body, never one inside a script, style, comment or other raw text) when:

- the request is not `HEAD` (its Content-Length describes the page as the
  application made it, and there is no body to change);
- the status is 2xx and the type `text/html`;
- it has no `Content-Encoding` (the middleware must run before a compressing
  one sees the response: see docs/lifecycle.md for the ordering);
- it is not streamed (the adapters check that: they never buffer a stream);
- the page has no widget container yet (it was embedded by hand);
- it is at most `MAX_PAGE_BYTES` (8 MiB) long;
- its charset is one the widget can be written in byte for byte
  (`response_charset`: not UTF-16, not a stateful one);
- it has such a `</body>` (a page may omit it: then it is left alone, and the
  `cswidget` logger says why when it has `</body>` texts that are not one);
- `enabled(request)` says yes (the off switch and internal clients), and the
  sample and `eligible(request)` include this request.

Params come from `params(request)`. Bad params never break the page: the
widget is left out and the error logged on the `cswidget` logger.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Generic, TypeVar

from markupsafe import Markup

from .bodyend import MAX_PROBES, body_end, body_end_texts
from .consent import Consent, checked_consent
from .errors import ValidationError
from .safetext import shown
from .sampling import SampleKey, checked_sample
from .vocabulary import CONTAINER_ATTRIBUTE
from .widget import Widget

__all__ = [
    "MAX_PAGE_BYTES",
    "UNDECLARED",
    "AutoEmbed",
    "embedded",
    "encoded_snippet",
    "insert_snippet",
    "insertion_point",
    "response_charset",
    "skip_reason",
]

RequestT = TypeVar("RequestT")

logger = logging.getLogger("cswidget")

# A start tag carrying the container attribute: a page that only shows the
# markup as text (`&lt;div data-customersure-survey-widget`) does not count.
_CONTAINER: Final = re.compile(
    rb"<[a-z][^<>]*?\s" + re.escape(CONTAINER_ATTRIBUTE.encode("ascii")) + rb"(?=[\s=/>])",
    re.IGNORECASE,
)
_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# A byte order mark decides the encoding before any header does (WHATWG
# Encoding, "decode"); UTF-16's is no charset the widget can be written in.
_BOMS: Final = ((b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", None), (b"\xff\xfe", None))
# Written as "ascii" with character references, the widget reads the same in
# whatever ASCII-compatible charset the browser picks for a page whose
# response names none (a `<meta charset>`, UTF-8, windows-1252).
UNDECLARED: Final = "ascii"
# Reading a page builds its tree: about 20 times its size in memory while it
# lasts (a 5 MB page took 98 MiB more peak RSS; benchmarks/autoembed.py has
# the time). Bigger pages are left alone, logged.
MAX_PAGE_BYTES: Final = 8 * 1024 * 1024


def skip_reason(
    *, method: str, status: int, content_type: str, content_encoding: str
) -> str | None:
    """Why a response is passed through untouched, or None to go on.

    >>> skip_reason(method="GET", status=200, content_type="text/html; charset=utf-8",
    ...             content_encoding="")
    >>> skip_reason(method="GET", status=304, content_type="text/html", content_encoding="")
    'status 304 is not 2xx'
    """
    if method.upper() == "HEAD":
        return "HEAD request"
    if not 200 <= status < 300:
        return f"status {status} is not 2xx"
    if content_type.partition(";")[0].strip().lower() != "text/html":
        return "not text/html"
    if content_encoding.strip():
        return f"Content-Encoding {content_encoding.strip()}"
    return None


def insertion_point(body: bytes, *, charset: str = "utf-8") -> int | None:
    """Where the widget goes: the offset of the `</body>` end tag that ends
    the page's body (`cswidget.bodyend.body_end`), or None when there is none
    or the page already has a widget container.

    >>> insertion_point(b"<body><p>Hi</p><script>var end = '</body>';</script></body>")
    52
    """
    if _CONTAINER.search(body):
        return None
    return body_end(body, charset=None if charset == UNDECLARED else charset)


@cache
def _byte_for_byte(codec: str) -> bool:
    # Every ASCII character is its own byte, and no shift state (ISO-2022)
    # can make a later byte mean something else: offsets found in the bytes
    # are character boundaries, and ASCII inserted there reads as ASCII.
    return not codec.startswith("iso2022") and all(
        chr(code).encode(codec) == bytes([code]) for code in range(128)
    )


def response_charset(content_type: str, body: bytes = b"") -> str | None:
    """The charset a browser reads `body` in, as far as the widget cares: a
    byte order mark's, else the one `content_type` names, else `UNDECLARED`
    ("ascii": the widget is then written in ASCII, which reads the same in any
    charset the page itself declares). None when Python does not know it, or
    when it is not ASCII byte for byte (UTF-16, UTF-32, UTF-7, ISO-2022-JP):
    the widget cannot be inserted there.

    >>> response_charset("text/html; charset=ISO-8859-1")
    'iso8859-1'
    >>> response_charset("text/html")
    'ascii'
    >>> response_charset("text/html; charset=utf-16") is None
    True
    """
    for bom, charset in _BOMS:
        if body.startswith(bom):
            return charset
    match = _CHARSET.search(content_type)
    if match is None:
        return UNDECLARED
    try:
        codec = codecs.lookup(match.group(1)).name
    except LookupError:
        return None
    return codec if _byte_for_byte(codec) else None


def encoded_snippet(snippet: Markup, charset: str) -> bytes:
    """`snippet` in the page's charset. Characters the charset lacks can only
    be in attribute values, where a character reference means the same."""
    return str(snippet).encode(charset, "xmlcharrefreplace")


def insert_snippet(body: bytes, point: int, snippet: bytes) -> bytes:
    """`body` with `snippet` (and a newline) inserted at `point`."""
    return body[:point] + snippet + b"\n" + body[point:]


def embedded(body: bytes, content_type: str, snippet: Callable[[], Markup | None]) -> bytes | None:
    """`body` with `snippet()` inserted, or None to leave the response as it
    is: a widget already there, a page over `MAX_PAGE_BYTES` (logged), a
    charset the widget cannot be written in (logged), no `</body>` end tag in
    the body (logged), or no snippet. `snippet` is called
    only when there is a place for it."""
    if _CONTAINER.search(body):
        return None
    if len(body) > MAX_PAGE_BYTES:
        logger.warning(
            "cswidget: auto-embed left out: the page is %d bytes, more than the %d it reads",
            len(body),
            MAX_PAGE_BYTES,
        )
        return None
    charset = response_charset(content_type, body)
    if charset is None:
        logger.warning(
            "cswidget: auto-embed left out: the page's charset (%s) is not ASCII byte for byte",
            shown(content_type),
        )
        return None
    point = body_end(body, charset=None if charset == UNDECLARED else charset)
    if point is None:
        _log_no_body_end(body)
        return None
    markup = snippet()
    if markup is None:
        return None
    return insert_snippet(body, point, encoded_snippet(markup, charset))


def _log_no_body_end(body: bytes) -> None:
    texts = body_end_texts(body)
    if not texts:
        # A fragment (an htmx or Turbo Frame answer) or a page that omits
        # `</body>`, as HTML allows: nothing unusual to report.
        logger.debug("cswidget: auto-embed left out: the page has no </body>")
        return
    found = (
        f"{texts} found" if texts <= MAX_PROBES else f"{texts} found, the last {MAX_PROBES} tried"
    )
    logger.warning(
        "cswidget: auto-embed left out: no `</body>` end tag ends the page's body (`</body>` %s: "
        "each is inside a script, style, comment, attribute or other raw text, or in a template, "
        "svg, math or select); end the body with a real `</body>`",
        found,
    )


def _always(request: Any) -> bool:
    return True


@dataclass(frozen=True)
class AutoEmbed(Generic[RequestT]):
    """What to insert for a request, and when; checked once, when made.

    `params`, `enabled`, `nonce`, `sample_key` and `eligible` are callables of
    the request (a Django `HttpRequest`, or an ASGI scope).

    >>> rules = AutoEmbed(widget=Widget(org="acme", survey="AKknWccEFf7",
    ...                                 script_src="/survey_widget.js"))
    >>> rules.snippet(object())[:40]
    Markup('<script src="/survey_widget.js"></script')
    """

    widget: Widget
    params: Callable[[RequestT], Any] | None = None
    enabled: Callable[[RequestT], bool] = _always
    nonce: Callable[[RequestT], str | None] | None = None
    consent: str | Consent | None = None
    defer: bool = False
    sample: float | None = None
    sample_key: Callable[[RequestT], SampleKey | None] | None = None
    eligible: Callable[[RequestT], bool] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "consent", checked_consent(self.consent))
        object.__setattr__(self, "sample", checked_sample(self.sample))

    def snippet(self, request: RequestT) -> Markup | None:
        """The embed for `request`, or None: disabled, not eligible, not in
        the sample, or bad params (logged)."""
        if not self.enabled(request):
            return None
        eligible = self.eligible
        try:
            markup = self.widget.embed(
                None if self.params is None else self.params(request),
                defer=self.defer,
                nonce=None if self.nonce is None else self.nonce(request),
                consent=self.consent,
                sample=self.sample,
                sample_key=None if self.sample_key is None else self.sample_key(request),
                eligible=None if eligible is None else lambda: eligible(request),
            )
        except ValidationError as error:
            logger.error(
                "cswidget: auto-embed left out, survey params rejected: %s",
                error,
                extra={"cswidget_error": error.to_dict()},
            )
            return None
        return markup or None
