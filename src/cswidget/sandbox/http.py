"""The API's request and response rules that every endpoint shares.

Headers (User-Agent, token, Accept), JSON bodies (size and depth bounded,
malformed is 400), query strings (unpermitted names are 403, arrays end in
`[]`), JSON responses (UTF-8, never a partial body) and list headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, ParamSpec, TypeVar
from urllib.parse import urlencode

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from .. import contract, wire
from ..api_rules import MAX_ID, TEXT_PATTERN, UnpermittedParameters, check_id
from ..errors import FieldError, ValidationError
from ..openapi import (
    MAX_BODY_BYTES,
    MAX_PAGE,
    REQUEST_MEDIA_TYPES,
    UNSUPPORTED_MEDIA_TYPE_MESSAGE,
)
from ..vocabulary import (
    API_MEDIA_TYPE,
    DEFAULT_PER_PAGE,
    INVALID_FORMAT,
    INVALID_VALUE,
    MAX_PER_PAGE,
    MAXIMUM,
    MESSAGE,
    MINIMUM,
    TOTAL_COUNT_HEADER,
    TOTAL_PAGES_HEADER,
    USER_AGENT_ERROR_MESSAGE,
    VALID_FORMAT,
    WWW_AUTHENTICATE,
)

__all__ = [
    "AFTER",
    "KEYSET_PAGING",
    "MAX_BODY_BYTES",
    "MEDIA_TYPE",
    "PAGING",
    "ApiError",
    "Query",
    "check_headers",
    "error_response",
    "json_response",
    "list_headers",
    "presented_token",
    "read_json",
]

# Every answer is the API's own media type, as the document declares it.
MEDIA_TYPE: Final = f"{API_MEDIA_TYPE}; charset=utf-8"
# The deepest documented body is three levels (reminders[].send_at); JSON
# nested deeper than this is refused before anything walks it.
MAX_DEPTH: Final = 8
# The sandbox's own query parameter: the newest id a list's pages were cut
# from, so rows that arrive while a client pages neither shift nor repeat.
SNAPSHOT: Final = "snapshot"
PAGING: Final = ("page", "per_page", SNAPSHOT)
# The sandbox's keyset position on the long lists: the id of the previous
# page's last row, which `rel="next"` URLs carry so that page 10,000 costs
# what page 1 costs (the page is read from there, not by skipping rows).
AFTER: Final = "after"
KEYSET_PAGING: Final = (*PAGING, AFTER)

# `Token token=1234567890` or `Token token="1234567890"`, as the API documents.
_AUTHORIZATION = re.compile(r'Token\s+token=(?:"([^"]*)"|([^\s"]+))\s*', re.ASCII)


_P = ParamSpec("_P")
_R = TypeVar("_R")


async def database_work(
    request: Request, call: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs
) -> _R:
    """`call(*args, **kwargs)`, work on the database: in Starlette's thread
    pool, so SQLite never holds the event loop; inline when the app was made
    with `threads=False` (`create_app`), where one caller at a time makes the
    thread hop cost more than the work."""
    if request.app.state.threads:
        return await run_in_threadpool(call, *args, **kwargs)
    return call(*args, **kwargs)


class ApiError(Exception):
    """An error response in the API's `{"message": ...}` shape."""

    def __init__(
        self, status_code: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return json_response(
            contract.Error(message=self.message), self.status_code, headers=self.headers
        )


def json_response(
    body: Any, status_code: int = 200, *, headers: Mapping[str, str] | None = None
) -> Response:
    """`body` (contract shapes, or lists of them) as UTF-8 JSON; text that
    cannot be UTF-8 (a lone surrogate echoed in an error) is written as a
    JSON escape instead of failing."""
    try:
        content = wire.encode(body)
    except UnicodeEncodeError:
        plain = msgspec.to_builtins(body, enc_hook=dict)
        content = json.dumps(plain, separators=(",", ":")).encode()
    return Response(content, status_code, headers=dict(headers or {}), media_type=MEDIA_TYPE)


def error_response(error: ValidationError | UnpermittedParameters | ApiError) -> Response:
    if isinstance(error, ValidationError):
        return json_response(
            contract.Error(
                message=error.message,
                errors=tuple(
                    contract.FieldError(
                        resource=item.resource,
                        field=item.field,
                        error=item.error,
                        extra_info=item.extra_info,
                    )
                    for item in error.errors
                ),
            ),
            422,
        )
    if isinstance(error, UnpermittedParameters):
        return json_response(
            contract.Error(
                message=f"Unpermitted parameters: {', '.join(error.names)}",
                unpermitted_parameters=error.names,
            ),
            403,
        )
    return error.response()


def check_headers(headers: Mapping[str, str], *, token: str) -> ApiError | None:
    """The first of the API's header rules `headers` break, if any:
    User-Agent (403), Authorization (401), Accept (406)."""
    if not headers.get("user-agent", "").strip():
        return ApiError(403, USER_AGENT_ERROR_MESSAGE)
    if presented_token(headers) != token:
        return ApiError(
            401,
            "No valid API key provided in Authorization header",
            headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        )
    if not accepts_v1(headers.get("accept", "")):
        return ApiError(406, f"Missing or invalid Accept header, must be: {API_MEDIA_TYPE}")
    return None


def presented_token(headers: Mapping[str, str]) -> str | None:
    """The token an `Authorization` header (`headers` keys in lower case)
    carries in the API's syntax, `Token token="..."`; None without one."""
    match = _AUTHORIZATION.fullmatch(headers.get("authorization", ""))
    return None if match is None else (match.group(1) or match.group(2))


def accepts_v1(accept: str) -> bool:
    # The seed's own examples send "application/vnd.customersure.v1+json;".
    return any(part.split(";")[0].strip().lower() == API_MEDIA_TYPE for part in accept.split(","))


def depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (a scalar is 0), iteratively."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_json(request: Request) -> Any:
    """The request's JSON body; ApiError 415 if labelled as something other
    than JSON, 413 if too large, 400 if malformed or nested deeper than
    MAX_DEPTH. The write endpoints document no query parameters: any is
    unpermitted (403), as a body key would be, once the body is read."""
    # Unlabelled bodies are read as JSON, as mock servers of the document
    # (Prism) read them; a body labelled as anything else is refused.
    label = request.headers.get("content-type")
    if label is not None and label.split(";")[0].strip().lower() not in REQUEST_MEDIA_TYPES:
        raise ApiError(415, UNSUPPORTED_MEDIA_TYPE_MESSAGE)
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, f"Request body too large: at most {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, f"Request body too large: at most {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        # ValueError covers UnicodeDecodeError and integers of 4,300+ digits.
        raise ApiError(400, "Problems parsing JSON") from None
    if depth(body) > MAX_DEPTH:
        raise ApiError(400, f"Problems parsing JSON: nested deeper than {MAX_DEPTH} levels")
    names = list(dict.fromkeys(request.query_params))
    if names:
        raise UnpermittedParameters(names)
    return body


class Query:
    """A request's query string, checked against the names an endpoint documents.

    Scalars may appear once; array names end in `[]` and may repeat. Any other
    name raises UnpermittedParameters at once; value problems collect in
    `errors` until `finish()`.
    """

    def __init__(self, request: Request, permitted: Sequence[str]) -> None:
        self.resource = request.url.path
        self.items = request.query_params.multi_items()
        self.errors: list[FieldError] = []
        names = list(dict.fromkeys(name for name, _ in self.items if name not in permitted))
        if names:
            raise UnpermittedParameters(names)

    def text(self, name: str, *, maximum: int = 255) -> str | None:
        values = [value for key, value in self.items if key == name]
        if not values:
            return None
        if len(values) > 1:
            message = f"give {name} once; arrays end in []"
            self.errors.append(FieldError(self.resource, name, INVALID_VALUE, {MESSAGE: message}))
            return None
        if len(values[0]) > maximum:
            self.errors.append(FieldError(self.resource, name, "wrong_length", {MAXIMUM: maximum}))
            return None
        if "\x00" in values[0]:
            message = "text must not contain NUL (U+0000)"
            info = {VALID_FORMAT: TEXT_PATTERN, MESSAGE: message}
            self.errors.append(FieldError(self.resource, name, INVALID_FORMAT, info))
            return None
        return values[0]

    def ids(self, name: str) -> tuple[int, ...]:
        found = []
        for key, value in self.items:
            if key == name:
                number = check_id(value, resource=self.resource, field=name, errors=self.errors)
                if number is not None:
                    found.append(number)
        return tuple(found)

    def number(
        self, name: str, *, default: int | None, maximum: int, minimum: int = 1
    ) -> int | None:
        text = self.text(name)
        if text is None:
            return default
        value = int(text) if text.isascii() and text.isdigit() and len(text) <= 16 else -1
        if not minimum <= value <= maximum:
            self.errors.append(
                FieldError(self.resource, name, INVALID_VALUE, {MINIMUM: minimum, MAXIMUM: maximum})
            )
            return default
        return value

    def paging(self) -> tuple[int, int, int | None]:
        """(page, per_page, snapshot) with the API's defaults and limits."""
        page = self.number("page", default=1, maximum=MAX_PAGE) or 1
        per_page = self.number("per_page", default=DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
        snapshot = self.number(SNAPSHOT, default=None, minimum=0, maximum=MAX_ID)
        return page, per_page or DEFAULT_PER_PAGE, snapshot

    def after(self) -> int | None:
        """The keyset position (`after`), if given: a row id."""
        return self.number(AFTER, default=None, maximum=MAX_ID)

    def unknown_position(self) -> ValidationError:
        message = "not a row of this list: follow the Link URLs, or page with page alone"
        return ValidationError(
            [FieldError(self.resource, AFTER, INVALID_VALUE, {MESSAGE: message})]
        )

    def finish(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def list_headers(
    *,
    base_url: str,
    query: Query,
    page: int,
    per_page: int,
    total: int,
    snapshot: int,
    last_id: int | None = None,
) -> dict[str, str]:
    """Link (first, prev, next, last), X-Total-Pages and X-Total-Count.

    URLs are built on the configured base URL, never the request's Host, and
    carry the snapshot bound so every page is cut from the same rows; with
    `last_id` (the id of this page's last row, on the keyset lists) the next
    URL also carries it as `after`.
    """
    last = max(1, -(-total // per_page))
    kept = [(key, value) for key, value in query.items if key not in ("page", SNAPSHOT, AFTER)]

    def url(number: int) -> str:
        position = [(AFTER, str(last_id))] if number == page + 1 and last_id is not None else []
        return f"{base_url}{query.resource}?" + urlencode(
            [*kept, (SNAPSHOT, str(snapshot)), *position, ("page", str(number))]
        )

    links = [(1, "first")]
    if 1 < page <= last + 1:
        links.append((page - 1, "prev"))
    if page < last:
        links.append((page + 1, "next"))
    links.append((last, "last"))
    return {
        "Link": ", ".join(f'<{url(number)}>; rel="{rel}"' for number, rel in links),
        TOTAL_PAGES_HEADER: str(last),
        TOTAL_COUNT_HEADER: str(total),
    }
