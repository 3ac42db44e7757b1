"""The OpenAPI 3.1 document of REST API v1, written from the seed.

Built from the shared vocabulary and rules (so the document, the sandbox and
the client cannot disagree on a name or a limit) and served at
`/openapi.json`:

    >>> doc = document(base_url="http://127.0.0.1:8010")
    >>> doc["openapi"], sorted(doc["paths"])[:2]
    ('3.1.0', ['/csat', '/email_templates'])
"""

from __future__ import annotations

import functools
from typing import Any, Final

from .. import rules
from ..api_rules import MAX_DATA_ENTRIES, MAX_PHONE_NUMBER_LENGTH, MAX_REMINDERS, TIMESTAMP_PATTERN
from ..vocabulary import (
    ANSWER_TYPES,
    API_MEDIA_TYPE,
    DATE_PERIODS,
    DEFAULT_PER_PAGE,
    ERROR_CODES,
    FEEDBACK_REQUEST_STATES,
    LOCALES,
    MAX_KEY_LENGTH,
    MAX_MACHINE_ID_LENGTH,
    MAX_PER_PAGE,
    MAX_TEXT_LENGTH,
    MAX_VALUE_LENGTH,
    TOTAL_COUNT_HEADER,
    TOTAL_PAGES_HEADER,
)
from .http import MAX_PAGE

__all__ = ["document"]

UTC_TIMESTAMP: Final = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
MAX_ID: Final = rules.MAX_SAFE_INTEGER


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(
    properties: dict[str, Any], *, required: tuple[str, ...] | None = None
) -> dict[str, Any]:
    # Responses name every attribute ("blank fields are null, never omitted").
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
    }


ID: Final = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
ID_TEXT: Final = {"type": "string", "pattern": "^[0-9]+$"}
TEXT: Final = {"type": "string"}
TIME: Final = {"type": "string", "pattern": UTC_TIMESTAMP}
# Request ids: a JSON integer or its digits, as the seed shows both.
ID_IN: Final = {
    "anyOf": [ID, {"type": "string", "pattern": "^[0-9]{1,15}$(?!\\n)"}],
}


def _text_in(maximum: int = MAX_TEXT_LENGTH, *, minimum: int = 0) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": maximum}
    if minimum:
        schema.update(minLength=minimum, pattern="\\S")
    return schema


def _schemas() -> dict[str, Any]:
    request = _object(
        {
            "id": ID,
            "email": _nullable(TEXT),
            "state": {"enum": list(FEEDBACK_REQUEST_STATES)},
            "first_name": _nullable(TEXT),
            "surname": _nullable(TEXT),
            "survey_id": ID,
            "email_template_id": _nullable(ID),
            "reference": _nullable(TEXT),
            "machine_id": _nullable(TEXT),
            "send_at": TIME,
            "sent_at": _nullable(TIME),
            "created_at": TIME,
            "updated_at": TIME,
            "deletion_requested_at": _nullable(TIME),
            "not_sent_reason": _nullable(TEXT),
            "delivery_failure": _nullable(TEXT),
            "ignore_throttle": {"type": "boolean"},
            "link": {"type": "string", "format": "uri"},
            "sms": _nullable(_object({"number": TEXT, "text_message_template_id": ID})),
            "data": {
                "type": "array",
                "items": _object({"id": ID, "key": TEXT, "value": _nullable(TEXT)}),
            },
            "reminders": {"type": "array", "items": _ref("Reminder")},
        }
    )
    reminder = _object(
        {
            "id": ID,
            "email_template_id": _nullable(ID),
            "send_at": TIME,
            "sent_at": _nullable(TIME),
            "text_message_template_id": _nullable(ID),
            "not_sent_reason": _nullable(TEXT),
            "delivery_failure": _nullable(TEXT),
        }
    )
    timestamp_in = {"type": "string", "pattern": TIMESTAMP_PATTERN}
    new_request = {
        "type": "object",
        "additionalProperties": False,
        "required": ["send_at", "survey_id"],
        "description": "email is required unless sms is given; email_template_id is required "
        "except for SMS; send_at must be in the future; survey_id and template ids must be "
        "the account's.",
        "properties": {
            "email": _nullable({"type": "string", "maxLength": MAX_TEXT_LENGTH,
                                "pattern": rules.EMAIL_PATTERN}),
            "send_at": timestamp_in,
            "survey_id": ID_IN,
            "email_template_id": _nullable(ID_IN),
            "first_name": _nullable(_text_in()),
            "surname": _nullable(_text_in()),
            "reference": _nullable(_text_in()),
            "machine_id": _nullable(_text_in(MAX_MACHINE_ID_LENGTH)),
            "external_link": _nullable({"type": "boolean"}),
            "ignore_throttle": _nullable({"type": "boolean"}),
            "data": _nullable({
                "type": "array",
                "maxItems": MAX_DATA_ENTRIES,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["key"],
                    "properties": {
                        "key": _text_in(MAX_KEY_LENGTH, minimum=1),
                        "value": _nullable(_text_in(MAX_VALUE_LENGTH)),
                    },
                },
            }),
            "sms": _nullable({
                "type": "object",
                "additionalProperties": False,
                "required": ["number", "text_message_template_id"],
                "properties": {
                    "number": _text_in(MAX_PHONE_NUMBER_LENGTH, minimum=1),
                    "text_message_template_id": ID_IN,
                },
            }),
            "reminders": _nullable({
                "type": "array",
                "maxItems": MAX_REMINDERS,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["send_at"],
                    "description": "exactly one of email_template_id and "
                    "text_message_template_id",
                    "properties": {
                        "send_at": timestamp_in,
                        "email_template_id": _nullable(ID_IN),
                        "text_message_template_id": _nullable(ID_IN),
                    },
                },
            }),
        },
    }  # fmt: skip
    answer = _object(
        {
            "question_id": ID,
            "question": TEXT,
            "answer": _nullable(TEXT),
            "type": {"enum": list(ANSWER_TYPES)},
        }
    )
    response = _object(
        {
            "id": ID,
            "reference": _nullable(TEXT),
            "machine_id": _nullable(TEXT),
            "fields": {"type": "object"},
            "answers": {"type": "array", "items": _ref("Answer")},
            "submitted_at": TIME,
            "updated_at": TIME,
            "feedback_request": _nullable(_ref("FeedbackRequest")),
            "survey": _object({"id": ID, "name": TEXT}),
        }
    )
    site_properties = {
        "site_code": TEXT,
        "name": TEXT,
        "city": _nullable(TEXT),
        "region": TEXT,
        "site_type": _nullable(TEXT),
    }
    site_in = {
        "site_code": _text_in(minimum=1),
        "name": _text_in(minimum=1),
        "city": _nullable(_text_in()),
        "region": _text_in(minimum=1),
        "site_type": _nullable(_text_in()),
    }
    locale = {"enum": list(LOCALES)}
    field_error = _object(
        {
            "resource": TEXT,
            "field": TEXT,
            "error": {"enum": list(ERROR_CODES)},
            "extra_info": {"type": "object"},
        }
    )
    return {
        "FeedbackRequest": request,
        "Reminder": reminder,
        "NewFeedbackRequest": new_request,
        "FeedbackResponse": response,
        "Answer": answer,
        "Survey": _object(
            {
                "id": ID,
                "name": TEXT,
                "locale": locale,
                "questions": {
                    "type": "array",
                    "items": _object(
                        {"id": ID, "question": TEXT, "answer_type": {"enum": list(ANSWER_TYPES)}}
                    ),
                },
            }
        ),
        "Site": _object({"id": ID_TEXT, **site_properties}),
        "NewSite": {
            "type": "object",
            "additionalProperties": False,
            "required": ["site_code", "name", "region"],
            "properties": site_in,
        },
        "SiteChanges": {
            "type": "object",
            "additionalProperties": False,
            "properties": site_in,
        },
        "Staff": _object(
            {
                "id": ID_TEXT,
                "code": _nullable(TEXT),
                "first_name": _nullable(TEXT),
                "surname": _nullable(TEXT),
                "email": _nullable(TEXT),
                "time_zone": _nullable(TEXT),
                "deactivated_at": _nullable(TIME),
                "team_id": _nullable(TEXT),
            }
        ),
        "EmailTemplate": _object(
            {
                "id": ID,
                "name": TEXT,
                "body": _nullable(TEXT),
                "subject": _nullable(TEXT),
                "from_name": _nullable(TEXT),
                "from_email": _nullable(TEXT),
                "locale": locale,
                "archived": {"type": "boolean"},
            }
        ),
        "TextMessageTemplate": _object(
            {
                "id": ID,
                "name": TEXT,
                "body": _nullable(TEXT),
                "locale": locale,
                "archived": {"type": "boolean"},
            }
        ),
        "ResponseRate": _object(
            {
                "response_rate_percent": _nullable(
                    {"type": "integer", "minimum": 0, "maximum": 100}
                ),
                "sent_count": {"type": "integer", "minimum": 0},
                "delivered_count": {"type": "integer", "minimum": 0},
                "reply_count": {"type": "integer", "minimum": 0},
            }
        ),
        "Nps": _object(
            {
                "net_promoter_score": _nullable(
                    {"type": "integer", "minimum": -100, "maximum": 100}
                ),
                "promoter_count": {"type": "integer", "minimum": 0},
                "passive_count": {"type": "integer", "minimum": 0},
                "detractor_count": {"type": "integer", "minimum": 0},
                "total_number_of_ratings": {"type": "integer", "minimum": 0},
            }
        ),
        "Csat": _object(
            {
                "csat": _nullable({"type": "integer", "minimum": 0, "maximum": 100}),
                **{
                    f"{name}_count": {"type": "integer", "minimum": 0}
                    for name in (
                        "very_negative",
                        "negative",
                        "neutral",
                        "positive",
                        "very_positive",
                    )
                },
                "total_number_of_ratings": {"type": "integer", "minimum": 0},
            }
        ),
        "Error": {
            "type": "object",
            "required": ["message"],
            "properties": {
                "message": TEXT,
                "errors": {"type": "array", "items": _ref("FieldError")},
                "unpermitted_parameters": {"type": "array", "items": TEXT},
            },
        },
        "FieldError": field_error,
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    # Responses are application/json; requests accept the API's media type.
    return {"application/json": {"schema": schema}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref("Error"))}


ERRORS: Final = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "406": {"$ref": "#/components/responses/NotAcceptable"},
    "422": {"$ref": "#/components/responses/ValidationError"},
}
LIST_HEADERS: Final = {
    "Link": {"schema": TEXT, "description": 'first, prev, next and last: <url>; rel="next"'},
    TOTAL_PAGES_HEADER: {"schema": {"type": "string", "pattern": "^[1-9][0-9]*$"}},
    TOTAL_COUNT_HEADER: {"schema": {"type": "string", "pattern": "^[0-9]+$"}},
}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    if description:
        parameter["description"] = description
    return parameter


PAGING: Final = (
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
    ),
    _query(
        "snapshot",
        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        "The sandbox's paging bound: the newest id the pages are cut from. Links carry it.",
    ),
)
IDS: Final = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
QUERY_TIME: Final = {"type": "string", "pattern": TIMESTAMP_PATTERN}


def _list(summary: str, item: str, *parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": [*PAGING, *parameters],
        "responses": {
            "200": {
                "description": "One page",
                "headers": LIST_HEADERS,
                "content": _json({"type": "array", "items": _ref(item)}),
            },
            **ERRORS,
        },
    }


def _get(summary: str, item: str, *parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": list(parameters),
        "responses": {"200": {"description": "Found", "content": _json(_ref(item))}, **ERRORS},
    }


def _path_id(schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": "id", "in": "path", "required": True, "schema": schema}


def _metric(summary: str, item: str) -> dict[str, Any]:
    return _get(
        summary,
        item,
        _query("from_time", QUERY_TIME),
        _query("to_time", QUERY_TIME),
        _query("period", {"enum": list(DATE_PERIODS)}, "Overrides from_time and to_time."),
        _query("company_name", {"type": "string", "maxLength": MAX_TEXT_LENGTH}),
        _query("survey_ids[]", IDS),
        _query("site_ids[]", IDS),
        _query("staff_ids[]", IDS),
    )


def _create(summary: str, body: str, item: str, link: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "requestBody": {"required": True, "content": _json(_ref(body))},
        "responses": {
            "201": {"description": "Created", "content": _json(_ref(item)), "links": link},
            **ERRORS,
            "413": {"$ref": "#/components/responses/TooLarge"},
        },
    }


@functools.cache
def document(*, base_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with `base_url` as its server."""
    request_link = {
        "GetFeedbackRequest": {
            "operationId": "getFeedbackRequest",
            "parameters": {"id": "$response.body#/id"},
        }
    }
    site_links = {
        "GetSite": {"operationId": "getSite", "parameters": {"id": "$response.body#/id"}},
        "UpdateSite": {"operationId": "updateSite", "parameters": {"id": "$response.body#/id"}},
    }
    create_request = _create(
        "Create a feedback request", "NewFeedbackRequest", "FeedbackRequest", request_link
    )
    create_site = _create("Create a site", "NewSite", "Site", site_links)
    update_site = {
        "summary": "Update a site",
        "operationId": "updateSite",
        "parameters": [_path_id(TEXT)],
        "requestBody": {"required": True, "content": _json(_ref("SiteChanges"))},
        "responses": {
            "200": {"description": "Updated", "content": _json(_ref("Site"))},
            **ERRORS,
            "413": {"$ref": "#/components/responses/TooLarge"},
        },
    }
    get_request = _get("Retrieve a feedback request", "FeedbackRequest", _path_id(ID))
    get_request["operationId"] = "getFeedbackRequest"
    get_site = _get("Retrieve a site by id or site_code", "Site", _path_id(TEXT))
    get_site["operationId"] = "getSite"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CustomerSure API v1 (cswidget sandbox)",
            "version": "1",
            "description": f"Every request sends `Accept: {API_MEDIA_TYPE}`, a User-Agent "
            "(403 without one) and `Authorization: Token token=...` (401 without it).",
        },
        "servers": [{"url": base_url}],
        "security": [{"token": []}],
        "paths": {
            "/feedback_requests": {
                "get": _list(
                    "List feedback requests, newest first",
                    "FeedbackRequest",
                    _query("state", {"enum": list(FEEDBACK_REQUEST_STATES)}),
                ),
                "post": create_request,
            },
            "/feedback_requests/{id}": {"get": get_request},
            "/feedback_responses": {
                "get": _list(
                    "List feedback responses, newest first",
                    "FeedbackResponse",
                    _query("created_since", QUERY_TIME),
                    _query("updated_since", QUERY_TIME),
                    _query("email", {"type": "string", "maxLength": MAX_TEXT_LENGTH}),
                    _query("survey_ids[]", IDS),
                    _query("site_ids[]", IDS),
                    _query("staff_ids[]", IDS),
                )
            },
            "/feedback_responses/{id}": {
                "get": _get("Retrieve a feedback response", "FeedbackResponse", _path_id(ID))
            },
            "/response_rate": {"get": _metric("Retrieve your response rate", "ResponseRate")},
            "/nps": {"get": _metric("Retrieve your Net Promoter Score", "Nps")},
            "/csat": {"get": _metric("Retrieve your CSAT score", "Csat")},
            "/sites": {"get": _list("List sites, by name", "Site"), "post": create_site},
            "/sites/{id}": {"get": get_site, "patch": update_site},
            "/staff": {
                "get": _list(
                    "List staff",
                    "Staff",
                    _query("email", {"type": "string", "maxLength": MAX_TEXT_LENGTH}),
                    _query("code", {"type": "string", "maxLength": MAX_TEXT_LENGTH}),
                )
            },
            "/staff/{id}": {"get": _get("Retrieve a staff member", "Staff", _path_id(ID))},
            "/surveys": {"get": _list("List surveys, by name", "Survey")},
            "/email_templates": {"get": _list("List email templates, by name", "EmailTemplate")},
            "/text_message_templates": {
                "get": _list("List text message templates, by name", "TextMessageTemplate")
            },
        },
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": 'Token token="<your token>" (quoted or not)',
                }
            },
            "schemas": _schemas(),
            "responses": {
                "BadRequest": _error("Malformed JSON, or nested too deeply"),
                "Unauthorized": {
                    **_error("No valid token"),
                    "headers": {
                        "WWW-Authenticate": {"schema": {"const": 'Token realm="Application"'}}
                    },
                },
                "Forbidden": _error("No User-Agent, or unpermitted parameters (named)"),
                "NotFound": _error("No such resource"),
                "NotAcceptable": _error(f"The Accept header does not ask for {API_MEDIA_TYPE}"),
                "ValidationError": _error("Validation error: message and every errors[] entry"),
                "TooLarge": _error("The request body is larger than the sandbox accepts"),
            },
        },
    }
