"""The API client's errors, one class per status, in the API's own language.

Every error the client raises is an `APIError` with the API's `message`
and `errors[]` (as `cswidget.FieldError`), the HTTP `status` (None when no
response arrived) and the `response` itself. A 422 is also a
`cswidget.ValidationError`, so one `except` catches a bad request whether
the client or the server found it:

    try:
        client.sites.create(site_code="hq", name="Head Office", region="North")
    except cswidget.ValidationError as error:
        print(error.to_dict())  # {"message": "Validation error", "errors": [...]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from ..errors import FieldError, ValidationError
from ..vocabulary import USER_AGENT_ERROR_MESSAGE, VALIDATION_ERROR_MESSAGE
from .limits import is_json_media_type, json_too_deep
from .retry import parse_retry_after

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "APIValidationError",
    "AuthenticationError",
    "BadRequestError",
    "InvalidResponseError",
    "NotFoundError",
    "PageLimitError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "error_for_response",
]

# The sandbox's 403 for parameters an endpoint does not document
# (cswidget.api_rules.UnpermittedParameters): "Unpermitted parameters: a, b".
UNPERMITTED_PREFIX = "Unpermitted parameters: "


class APIError(Exception):
    """Any failure of an API call: `message`, `errors`, `status`, `response`."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: Iterable[FieldError] = (),
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.response = response

    def to_dict(self) -> dict[str, Any]:
        """The error as the API's JSON body: `message`, and `errors` if any."""
        body: dict[str, Any] = {"message": self.message}
        if self.errors:
            body["errors"] = [error.to_dict() for error in self.errors]
        return body

    def __str__(self) -> str:
        head = f"{self.status} {self.message}" if self.status is not None else self.message
        return "; ".join([head, *map(str, self.errors)])

    def __reduce__(self) -> tuple[Any, ...]:
        # The response does not pickle; the API's words do.
        return (_rebuild, (type(self), self.message, self.status, self.errors))


def _rebuild(
    cls: type[APIError], message: str, status: int | None, errors: tuple[FieldError, ...]
) -> APIError:
    return cls(message, status=status, errors=errors)


class APIConnectionError(APIError):
    """No response: the connection failed or broke (after any retries)."""


class APITimeoutError(APIConnectionError):
    """No response within the client's timeout (after any retries)."""


class InvalidResponseError(APIError):
    """A response that is not what the API sends: not JSON, truncated JSON,
    a wrong content type, JSON of the wrong shape, a malformed header the
    client reads (`Link`, `X-Total-Count`), a body past `max_response_bytes`
    or nested past `MAX_JSON_DEPTH`, paging links that loop."""


class PageLimitError(APIError):
    """A list with more pages than the client's `max_pages`."""


class BadRequestError(APIError):
    """400: the request body is not valid JSON."""


class AuthenticationError(APIError):
    """401: no valid token in the Authorization header."""


class PermissionDeniedError(APIError):
    """403: a missing User-Agent, or parameters the endpoint does not permit.

    `missing_user_agent` tells the first; `unpermitted_parameters` names the
    second's parameters (empty when the API did not name them).
    """

    @property
    def missing_user_agent(self) -> bool:
        return self.message == USER_AGENT_ERROR_MESSAGE

    @property
    def unpermitted_parameters(self) -> tuple[str, ...]:
        # The sandbox also lists them in the body; the seed only says 403.
        body = _json_object(self.response) if self.response is not None else None
        listed = body.get("unpermitted_parameters") if body is not None else None
        if isinstance(listed, list) and all(isinstance(name, str) for name in listed):
            return tuple(listed)
        if not self.message.startswith(UNPERMITTED_PREFIX):
            return ()
        names = self.message.removeprefix(UNPERMITTED_PREFIX).split(",")
        return tuple(name.strip() for name in names if name.strip())


class NotFoundError(APIError):
    """404: the resource does not exist."""


class APIValidationError(APIError, ValidationError):
    """422: the API refused the values; also a `cswidget.ValidationError`."""

    def __init__(
        self,
        message: str = VALIDATION_ERROR_MESSAGE,
        *,
        status: int | None = 422,
        errors: Iterable[FieldError] = (),
        response: httpx.Response | None = None,
    ) -> None:
        ValidationError.__init__(self, errors, message=message)
        self.status = status
        self.response = response

    def to_dict(self) -> dict[str, Any]:
        return ValidationError.to_dict(self)

    def __str__(self) -> str:
        return ValidationError.__str__(self)


class RateLimitError(APIError):
    """429: too many requests. `retry_after` is the wait the API asked for,
    in seconds, when it said (the client retries GETs by itself)."""

    @property
    def retry_after(self) -> float | None:
        if self.response is None:
            return None
        return parse_retry_after(self.response.headers.get("Retry-After"))


class ServerError(APIError):
    """5xx: something went wrong at the API's end (or at a proxy before it)."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: APIValidationError,
    429: RateLimitError,
}


def error_for_response(response: httpx.Response) -> APIError:
    """The error for a 4xx or 5xx response, from its body when it is the API's
    JSON, from its status line when it is not (a proxy's HTML page)."""
    status = response.status_code
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIError)
    body = _json_object(response)
    message = body.get("message") if body is not None else None
    if not isinstance(message, str) or not message:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        detail = "" if body is not None else f" ({kind} response, not the API's JSON)"
        message = f"{response.reason_phrase or 'HTTP error'}{detail}"
    errors = _field_errors(body.get("errors") if body is not None else None)
    return cls(message, status=status, errors=errors, response=response)


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    if not is_json_media_type(response.headers.get("Content-Type")):
        return None
    try:
        content = response.content
        body = None if json_too_deep(content) else json.loads(content)
    except (httpx.ResponseNotRead, ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def _field_errors(value: object) -> list[FieldError]:
    if not isinstance(value, list):
        return []
    errors = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        extra = item.get("extra_info")
        errors.append(
            FieldError(
                str(item.get("resource", "")),
                str(item.get("field", "")),
                str(item.get("error", "")),
                dict(extra) if isinstance(extra, Mapping) else {},
            )
        )
    return errors
