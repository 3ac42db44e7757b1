"""The Feedback Responses REST endpoints, with the API's request rules.

    curl -H 'Accept: application/vnd.customersure.v1+json' \
         -H 'User-Agent: Acme Ltd' \
         -H 'Authorization: Token token="demo-api-token"' \
         http://127.0.0.1:8000/feedback_responses

Checks run in this order: User-Agent (403), Authorization (401), Accept (406).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cswidget.errors import FieldError, ValidationError
from cswidget.vocabulary import INVALID_FORMAT, MINIMUM, VALID_FORMAT

from .responses import ResponseStore

DEMO_API_TOKEN = "demo-api-token"
MEDIA_TYPE = "application/vnd.customersure.v1+json"
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
COLLECTION = "/feedback_responses"

# `Token token=1234567890` or `Token token="1234567890"`, as the API documents.
_AUTHORIZATION = re.compile(r'Token token=(?:"([^"]*)"|(\S+))\Z')
_POSITIVE_INTEGER = "^[1-9][0-9]*$"


def json_response(
    body: Any, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=status_code,
        headers=headers,
        media_type="application/json; charset=utf-8",
    )


def _accepts_v1(accept: str) -> bool:
    # The API's own examples send "application/vnd.customersure.v1+json;".
    return any(part.split(";")[0].strip() == MEDIA_TYPE for part in accept.split(","))


def refusal(request: Request) -> Response | None:
    """The error response for a request that breaks the API's rules, if any."""
    if not request.headers.get("user-agent", "").strip():
        return json_response({"message": "Missing or invalid User Agent string"}, status_code=403)
    match = _AUTHORIZATION.match(request.headers.get("authorization", "").strip())
    if match is None or (match.group(1) or match.group(2)) != DEMO_API_TOKEN:
        return json_response(
            {"message": "No valid API key provided in Authorization header"},
            status_code=401,
            headers={"WWW-Authenticate": 'Token realm="Application"'},
        )
    if not _accepts_v1(request.headers.get("accept", "")):
        return json_response(
            {"message": f"Missing or invalid Accept header, must be: {MEDIA_TYPE}"},
            status_code=406,
        )
    return None


def _positive_integer(request: Request, name: str, default: int) -> tuple[int, list[FieldError]]:
    text = request.query_params.get(name)
    if text is None:
        return default, []
    if re.fullmatch(r"[1-9][0-9]{0,8}", text) is None:
        return default, [
            FieldError(
                COLLECTION, name, INVALID_FORMAT, {VALID_FORMAT: _POSITIVE_INTEGER, MINIMUM: 1}
            )
        ]
    return int(text), []


def _page_url(request: Request, page: int) -> str:
    return str(request.url.include_query_params(page=page))


def _link_header(request: Request, page: int, last_page: int) -> str:
    links = [(1, "first"), (last_page, "last")]
    if page < last_page:
        links.append((page + 1, "next"))
    if page > 1:
        links.append((page - 1, "prev"))
    return ", ".join(f'<{_page_url(request, number)}>; rel="{rel}"' for number, rel in links)


def list_responses(request: Request) -> Response:
    """GET /feedback_responses: newest first, paginated like every API list."""
    if (error := refusal(request)) is not None:
        return error
    page, errors = _positive_integer(request, "page", 1)
    per_page, per_page_errors = _positive_integer(request, "per_page", DEFAULT_PER_PAGE)
    errors += per_page_errors
    if errors:
        return json_response(ValidationError(errors).to_dict(), status_code=422)
    per_page = min(per_page, MAX_PER_PAGE)
    store: ResponseStore = request.app.state.responses
    responses = store.newest_first()
    last_page = max(1, math.ceil(len(responses) / per_page))
    start = (page - 1) * per_page
    return json_response(
        responses[start : start + per_page],
        headers={
            "Link": _link_header(request, page, last_page),
            "X-Total-Pages": str(last_page),
            "X-Total-Count": str(len(responses)),
        },
    )


def get_response(request: Request) -> Response:
    """GET /feedback_responses/{id}."""
    if (error := refusal(request)) is not None:
        return error
    store: ResponseStore = request.app.state.responses
    text = request.path_params["id"]
    response = store.get(int(text)) if text.isascii() and text.isdigit() else None
    if response is None:
        return json_response({"message": "Not found"}, status_code=404)
    return json_response(response)


routes = [
    Route(COLLECTION, list_responses, methods=["GET"]),
    Route(COLLECTION + "/{id}", get_response, methods=["GET"]),
]
