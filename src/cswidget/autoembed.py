"""The auto-embed rules, shared by the Django and the ASGI middleware.

    rules = AutoEmbed(widget=widget, params=lambda request: {"email": ...})
    if skip_reason(method=..., status=..., content_type=..., content_encoding=...) is None:
        point = insertion_point(body)
        snippet = None if point is None else rules.snippet(request)

A response gets the widget inserted before its **last** `</body>` when:

- the request is not `HEAD` (its Content-Length describes the page as the
  application made it, and there is no body to change);
- the status is 2xx and the type `text/html`;
- it has no `Content-Encoding` (the middleware must run before a compressing
  one sees the response: see docs/lifecycle.md for the ordering);
- it is not streamed (the adapters check that: they never buffer a stream);
- the page has no widget container yet (it was embedded by hand);
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
from typing import Any, Final, Generic, TypeVar

from markupsafe import Markup

from .consent import Consent, checked_consent
from .errors import ValidationError
from .sampling import SampleKey, checked_sample
from .vocabulary import CONTAINER_ATTRIBUTE
from .widget import Widget

__all__ = [
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

_BODY_END: Final = b"</body>"
# A start tag carrying the container attribute: a page that only shows the
# markup as text (`&lt;div data-customersure-survey-widget`) does not count.
_CONTAINER: Final = re.compile(
    rb"<[a-z][^<>]*?\s" + re.escape(CONTAINER_ATTRIBUTE.encode("ascii")) + rb"(?=[\s=/>])",
    re.IGNORECASE,
)
_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([A-Za-z0-9._:-]+)", re.IGNORECASE)


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


def insertion_point(body: bytes) -> int | None:
    """Where the widget goes: the offset of the last `</body>` (any case), or
    None when there is none or the page already has a widget container."""
    if _CONTAINER.search(body):
        return None
    point = body.lower().rfind(_BODY_END)
    return None if point < 0 else point


def response_charset(content_type: str) -> str | None:
    """The charset a `Content-Type` names (UTF-8 when it names none), or None
    when Python does not know it."""
    match = _CHARSET.search(content_type)
    name = match.group(1) if match else "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def encoded_snippet(snippet: Markup, charset: str) -> bytes:
    """`snippet` in the page's charset. Characters the charset lacks can only
    be in attribute values, where a character reference means the same."""
    return str(snippet).encode(charset, "xmlcharrefreplace")


def insert_snippet(body: bytes, point: int, snippet: bytes) -> bytes:
    """`body` with `snippet` (and a newline) inserted at `point`."""
    return body[:point] + snippet + b"\n" + body[point:]


def embedded(body: bytes, content_type: str, snippet: Callable[[], Markup | None]) -> bytes | None:
    """`body` with `snippet()` inserted, or None to leave the response as it
    is: no place for it, a charset Python does not know, or no snippet.
    `snippet` is called only when there is a place for it."""
    point = insertion_point(body)
    charset = response_charset(content_type)
    if point is None or charset is None:
        return None
    markup = snippet()
    if markup is None:
        return None
    return insert_snippet(body, point, encoded_snippet(markup, charset))


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
