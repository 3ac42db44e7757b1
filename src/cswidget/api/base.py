"""Everything `Client` and `AsyncClient` share except the I/O.

A call is data (`Call`: method, path, query, body, how to parse the
result). `BaseClient` turns it into an `httpx.Request`, decides after each
attempt whether to retry and how long to wait, and turns the response into
a result or an `APIError`. The two clients only send, read, sleep and loop.

What a server can make the client do is bounded (cswidget.api.limits): each
attempt ends within `timeout` (cswidget.api.deadline), a body is read up to
`max_response_bytes` after decompression and decoded into the contract's
shapes (cswidget.wire, which refuses a body nested without end at its first
wrong level), the headers the client reads are checked, and a list stops at
a page it fetched before or after `max_pages`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from .. import wire
from ..vocabulary import (
    API_BASE_URL,
    API_MEDIA_TYPE,
    AUTHORIZATION_SCHEME,
    TOTAL_COUNT_HEADER,
)
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InvalidResponseError,
    error_for_response,
)
from .limits import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RESPONSE_BYTES,
    MAX_COUNT_DIGITS,
    MAX_LINK_LENGTH,
    BodyRefused,
    Decompressor,
    add_chunk,
    is_json_media_type,
)
from .retry import DEFAULT_RETRY, RetryPolicy, parse_retry_after

__all__ = ["DEFAULT_TIMEOUT", "BaseClient", "Call", "Page", "field_list", "next_link", "path_id"]

T = TypeVar("T")
# Seconds one attempt may take in all: connecting, sending, every redirect
# and reading the whole answer.
DEFAULT_TIMEOUT = 30.0
# rel="next" in a Link header: <URL>; rel="next" (the URL has no ">").
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r';\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]*))', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One API call as data: what to send and what the answer holds.

    `model` is the contract shape of the answer (of each item, for a list),
    decoded straight from the response's bytes (`cswidget.wire`);
    `decode_page` replaces that for a list whose items are wanted otherwise
    (the export keeps each item's own text: cswidget.api.export.split_array).
    """

    method: str
    path: str
    model: type[T]
    params: Sequence[tuple[str, str]] = ()
    body: Mapping[str, Any] | None = None
    decode_page: Callable[[bytes], list[T]] | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, the next page's URL, the total count,
    and the URL it was fetched from (after any redirect)."""

    items: list[T]
    next_url: str | None
    total_count: int | None
    url: str | None = None


def path_id(value: int | str) -> str:
    """An id as one URL path segment: `sites.get("../staff")` cannot leave
    /sites/. Empty, "." and ".." are refused."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"an id must be an int or a str, not {type(value).__name__}")
    text = str(value)
    if text in ("", ".", ".."):
        raise ValueError(f"not an id: {text!r}")
    return quote(text, safe="")


def next_link(header: str | None) -> str | None:
    """The URL of rel="next" in a `Link` header, if there is one.

    >>> next_link('<https://api.example/sites?page=2>; rel="next", <x>; rel="last"')
    'https://api.example/sites?page=2'
    """
    if not header:
        return None
    for match in _LINK.finditer(header):
        for rel in _REL.finditer(match.group(2)):
            # rel may list several relation types: rel="prev next".
            if "next" in (rel.group(1) or rel.group(2) or "").lower().split():
                return match.group(1).strip()
    return None


def _quoted_token(token: str) -> str:
    if not token or not token.isascii() or not token.isprintable() or '"' in token or "\\" in token:
        raise ValueError("token: must be non-empty printable ASCII without quotes or backslashes")
    # The seed's examples quote the token: Token token="ec76c296df...".
    return f'{AUTHORIZATION_SCHEME} token="{token}"'


def _user_agent(user_agent: str) -> str:
    if not isinstance(user_agent, str) or not user_agent.strip() or not user_agent.isprintable():
        raise ValueError(
            "user_agent: required, your company name as in your CustomerSure account "
            "(the API refuses requests without one)"
        )
    if not user_agent.isascii():
        # HTTP header values are ASCII: httpx would fail on the first request.
        raise ValueError(
            f"user_agent: must be ASCII, as HTTP headers are; spell {user_agent!r} in ASCII"
        )
    return user_agent


class BaseClient:
    """Configuration and the I/O-free half of a client."""

    def __init__(
        self,
        token: str,
        *,
        user_agent: str,
        base_url: str = API_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_RETRY.max_retries,
        retry: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_pages: int = DEFAULT_MAX_PAGES,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"base_url: must be an http(s) URL, not {base_url!r}")
        self.base_url = url.copy_with(query=None, fragment=None)
        self._prefix = url.path.rstrip("/")  # "https://host/api/" -> "/api"
        self.timeout = timeout
        self._attempt_timeout = _attempt_seconds(timeout)
        self.max_response_bytes = _positive("max_response_bytes", max_response_bytes)
        self.max_pages = _positive("max_pages", max_pages)
        if retry is None:
            retry = (
                DEFAULT_RETRY
                if max_retries == DEFAULT_RETRY.max_retries
                else RetryPolicy(max_retries=max_retries)
            )
        self.retry = retry
        self._clock = clock or _utc_now
        self._headers = {
            "Accept": API_MEDIA_TYPE,
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": _user_agent(user_agent),
            "Authorization": _quoted_token(token),
        }

    def __repr__(self) -> str:
        # Never the token: reprs end up in logs.
        return f"{type(self).__name__}(base_url={str(self.base_url)!r})"

    # --- requests -------------------------------------------------------

    def _http_options(self) -> dict[str, Any]:
        """Arguments for the httpx client. Redirects are followed by the
        clients themselves (`response.next_request`), within the attempt's
        deadline and without reading the redirect's body; httpx builds each
        next request and drops the Authorization header on a redirect to
        another origin."""
        return {
            "headers": self._headers,
            "timeout": self.timeout,
            "follow_redirects": False,
        }

    def _url(self, path: str) -> httpx.URL:
        return self.base_url.copy_with(path=self._prefix + path)

    def _page_url(self, link: str) -> httpx.URL:
        """A paging link, on base_url's origin: the token goes nowhere else,
        and a server that names itself differently still pages."""
        url = httpx.URL(link)
        return self.base_url.copy_with(path=url.path, query=url.query or None)

    def _request(self, call: Call[Any], url: httpx.URL | None = None) -> httpx.Request:
        headers = self._headers
        if call.body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        return httpx.Request(
            call.method,
            url if url is not None else self._url(call.path),
            params=list(call.params) if url is None else None,
            json=call.body,
            headers=headers,
            # httpx < 0.28 gives a request built apart from its client no
            # timeout at all: a server that never answered held it for ever.
            extensions={"timeout": httpx.Timeout(self.timeout).as_dict()},
        )

    # --- reading an answer ---------------------------------------------

    def _decompressor(self, response: httpx.Response) -> Decompressor:
        try:
            return Decompressor(response.headers.get("Content-Encoding"))
        except BodyRefused as error:
            raise InvalidResponseError(
                str(error), status=response.status_code, response=response
            ) from None

    def _take(
        self,
        body: bytearray,
        raw: bytes,
        decompressor: Decompressor | None,
        response: httpx.Response,
    ) -> None:
        """Add the next `raw` (compressed) bytes of a body to `body`,
        decompressed (None: they are already), within max_response_bytes."""
        try:
            for piece in decompressor.feed(raw) if decompressor else (raw,):
                add_chunk(body, piece, limit=self.max_response_bytes)
        except BodyRefused as error:
            raise InvalidResponseError(
                str(error), status=response.status_code, response=response
            ) from None

    # --- after an attempt ----------------------------------------------

    def _retry_delay(
        self, request: httpx.Request, response: httpx.Response, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying, or None to take the response."""
        if response.status_code not in self.retry.statuses or not self.retry.retries(
            request.method, attempt=attempt
        ):
            return None
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=self._clock())
        return self.retry.delay(attempt=attempt, retry_after=retry_after, random=random.random())

    def _retry_delay_after_error(
        self, request: httpx.Request, error: httpx.TransportError, attempt: int
    ) -> float:
        """Seconds to wait before retrying after no response; raises the
        client's error when the call may not be retried."""
        if self.retry.retries(request.method, attempt=attempt):
            delay = self.retry.delay(attempt=attempt, retry_after=None, random=random.random())
            if delay is not None:
                return delay
        raise _connection_error(request, error) from error

    def _failure(self, request: httpx.Request, error: httpx.RequestError) -> APIError:
        """The client's error for a request that got no usable response."""
        return _connection_error(request, error)

    def _result(self, call: Call[T], response: httpx.Response) -> T:
        if response.status_code >= 400:
            raise error_for_response(response)
        content = _json_content(response)
        with _shape_errors(response):
            return wire.decode(call.model, content)  # type: ignore[type-var]

    def _page(self, call: Call[T], response: httpx.Response) -> Page[T]:
        if response.status_code >= 400:
            raise error_for_response(response)
        content = _json_content(response)
        with _shape_errors(response):
            if call.decode_page is not None:
                items = call.decode_page(content)
            else:
                items = wire.decode_list(call.model, content)  # type: ignore[type-var]
        return Page(
            items=items,
            next_url=self._next_url(response),
            total_count=_total_count(response),
            url=str(response.request.url),
        )

    def _next_url(self, response: httpx.Response) -> str | None:
        """The next page's URL from the Link header, as the client will
        request it (on base_url's origin), so a paginator can tell a page it
        fetched before."""
        header = response.headers.get("Link")
        if header is not None and len(header) > MAX_LINK_LENGTH:
            raise InvalidResponseError(
                f"Link: longer than {MAX_LINK_LENGTH} characters ({len(header)})",
                status=response.status_code,
                response=response,
            )
        link = next_link(header)
        if link is None:
            return None
        try:
            return str(self._page_url(link))
        except httpx.InvalidURL as error:
            raise InvalidResponseError(
                f"Link: the next page is not a URL ({error})",
                status=response.status_code,
                response=response,
            ) from None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _attempt_seconds(timeout: float | httpx.Timeout) -> float | None:
    """The most one attempt may take: a float timeout itself; for an
    httpx.Timeout, the largest of its limits (None: it sets none)."""
    if not isinstance(timeout, httpx.Timeout):
        return float(timeout)
    limits = [value for value in timeout.as_dict().values() if value is not None]
    return max(limits) if limits else None


def _positive(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: must be a whole number of 1 or more, not {value!r}")
    return value


def _total_count(response: httpx.Response) -> int | None:
    total = response.headers.get(TOTAL_COUNT_HEADER)
    if total is None:
        return None
    text = total.strip()
    # isdigit() alone admits "²" and other digits int() refuses.
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_COUNT_DIGITS):
        shown = repr(total[:20] + "…" if len(total) > 20 else total)
        raise InvalidResponseError(
            f"{TOTAL_COUNT_HEADER}: not a count of at most {MAX_COUNT_DIGITS} digits: {shown}",
            status=response.status_code,
            response=response,
        )
    return int(text)


def _connection_error(request: httpx.Request, error: httpx.RequestError) -> APIError:
    what = f"{request.method} {request.url.copy_with(query=None)}"
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"{what}: timed out ({type(error).__name__})")
    return APIConnectionError(f"{what}: {type(error).__name__}: {error}")


def with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """`response` (read as a stream) with its whole `body`, decompressed: so
    without the Content-Encoding and Content-Length it came with."""
    headers = [
        (name, value)
        for name, value in response.headers.raw
        if name.lower() not in (b"content-encoding", b"content-length")
    ]
    extensions: dict[str, Any] = {
        key: response.extensions[key]
        for key in ("http_version", "reason_phrase")
        if key in response.extensions
    }
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=response.request,
        extensions=extensions,
    )


def _json_content(response: httpx.Response) -> bytes:
    """The body of a JSON response (the API's media type, or any JSON)."""
    content_type = response.headers.get("Content-Type", "")
    if not is_json_media_type(content_type):
        media_type = content_type.split(";")[0].strip().lower()
        raise InvalidResponseError(
            f"expected JSON, got {media_type or 'no content type'}",
            status=response.status_code,
            response=response,
        )
    return response.content


@contextmanager
def _shape_errors(response: httpx.Response) -> Iterator[None]:
    """A body that is not the documented shape is an InvalidResponseError,
    naming the field (`FeedbackRequest.send_at: expected ...`). msgspec's
    typed decoder stops at the first wrong level, so a body nested without
    end costs nothing; the untyped decoders raise RecursionError instead."""
    try:
        yield
    except (ValueError, RecursionError) as error:  # wire.ShapeError, the export's decoder
        raise InvalidResponseError(
            str(error), status=response.status_code, response=response
        ) from None


def field_list(values: Sequence[int | str] | None, name: str) -> list[tuple[str, str]]:
    """An array parameter as the API wants it: name[]=1&name[]=2."""
    if values is None:
        return []
    if isinstance(values, str | bytes):
        raise TypeError(f"{name}: a list of ids, not a single {type(values).__name__}")
    items = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"{name}: ids are int or str, not {type(value).__name__}")
        items.append((f"{name}[]", str(value)))
    return items
