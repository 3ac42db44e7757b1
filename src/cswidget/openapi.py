"""The OpenAPI 3.1 document of REST API v1, from the one description.

Schemas come from `cswidget.contract` (the shapes the sandbox sends and the
client reads), patterns and limits from `cswidget.api_rules` and
`cswidget.vocabulary` (what the server enforces); this module adds what
only a document says: paths, operations, parameters, statuses, headers,
examples and links. The sandbox serves it at `/openapi.json`:

    >>> doc = document(base_url="http://127.0.0.1:8010")
    >>> doc["openapi"], doc["paths"]["/nps"]["get"]["operationId"]
    ('3.1.0', 'getNps')

Every body is `application/vnd.customersure.v1+json`, the media type the
API requires in `Accept`. The server also takes request bodies labelled
`application/json`, as the seed's own examples send them: the same JSON
(RFC 6839's `+json` suffix), which mock servers such as Prism match the same
way; the document declares one media type per body because two with one
schema make openapi-python-client 0.29.1 generate code that does not import
(its issues #1451 and #1276).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec

from . import contract, wire
from .api_rules import (
    ID_TEXT_PATTERN,
    MAX_ID,
    NONBLANK_TEXT_PATTERN,
    TEXT_PATTERN,
    TIMESTAMP_PATTERN,
)
from .vocabulary import (
    API_MEDIA_TYPE,
    DATE_PERIODS,
    DEFAULT_PER_PAGE,
    FEEDBACK_REQUEST_STATES,
    MAX_PER_PAGE,
    MAX_TEXT_LENGTH,
    TOTAL_COUNT_HEADER,
    TOTAL_PAGES_HEADER,
    USER_AGENT_ERROR_MESSAGE,
    WWW_AUTHENTICATE,
)

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_PAGE",
    "OPERATIONS",
    "PERIOD_NAMES",
    "REQUEST_MEDIA_TYPES",
    "UNSUPPORTED_MEDIA_TYPE_MESSAGE",
    "Operation",
    "document",
]

# A feedback request at every documented limit (100 data entries, 10
# reminders) is about 20 KB as JSON; 64 KiB leaves room and no more.
MAX_BODY_BYTES: Final = 64 * 1024
MAX_PAGE: Final = 1_000_000
JSON_MEDIA_TYPE: Final = "application/json"
# The media types a request body may be labelled with (sandbox.http checks it).
REQUEST_MEDIA_TYPES: Final = (API_MEDIA_TYPE, JSON_MEDIA_TYPE)
UNSUPPORTED_MEDIA_TYPE_MESSAGE: Final = (
    f"Unsupported request body media type, must be: {API_MEDIA_TYPE} (or {JSON_MEDIA_TYPE})"
)
# Names for the period values in generated code (x-enum-varnames): a
# client reads Period.THIRTY_DAYS, not Period.VALUE_1.
PERIOD_NAMES: Final = {
    "7-days": "SEVEN_DAYS",
    "30-days": "THIRTY_DAYS",
    "3-months": "THREE_MONTHS",
    "6-months": "SIX_MONTHS",
    "12-months": "TWELVE_MONTHS",
    **{period: period.upper() for period in DATE_PERIODS if not period[0].isdigit()},
}

_SCHEMAS = "#/components/schemas/"


def _ref(name: str, kind: str = "schemas") -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _plain(value: Any) -> Any:
    """A contract object (or anything JSON) as plain JSON values."""
    return msgspec.json.decode(wire.encode(value))


def _body(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {API_MEDIA_TYPE: {"schema": schema, "example": example}}


# --- examples, from the seed (corrected where it contradicts itself, as
# docs/sandbox.md lists): objects of the contract, so they have its shape.


def _t(text: str) -> Any:
    return msgspec.json.decode(f'"{text}"'.encode(), type=contract.Timestamp)


FEEDBACK_REQUEST: Final = contract.FeedbackRequest(
    id=208073,
    email="john.smith@example.com",
    state="pending",
    first_name="John",
    surname="Smith",
    survey_id=1484,
    email_template_id=10,
    reference="#1041",
    machine_id="8736245",
    send_at=_t("2030-08-20T17:00:00Z"),
    sent_at=None,
    created_at=_t("2030-08-19T16:30:14Z"),
    updated_at=_t("2030-08-19T16:30:14Z"),
    deletion_requested_at=None,
    not_sent_reason=None,
    delivery_failure=None,
    ignore_throttle=False,
    link="http://127.0.0.1:8010/r/208073-Kd1xQ7cUQW2Hj3bS",
    sms=None,
    data=(
        contract.DataItem(id=208073001, key="staff_code", value="luke"),
        contract.DataItem(id=208073002, key="site_code", value="newcastle"),
        contract.DataItem(id=208073003, key="category", value="api-support"),
        contract.DataItem(id=208073004, key="ticket_date", value="20th Aug 2030"),
    ),
    reminders=(
        contract.Reminder(
            id=208073001,
            email_template_id=11,
            send_at=_t("2030-08-27T17:00:00Z"),
            sent_at=None,
            text_message_template_id=None,
            not_sent_reason=None,
            delivery_failure=None,
        ),
    ),
)
NEW_DATA_ENTRY: Final = {"key": "staff_code", "value": "luke"}
NEW_REMINDER: Final = {"email_template_id": 11, "send_at": "2030-08-27T18:00:00+0100"}
NEW_FEEDBACK_REQUEST: Final[dict[str, Any]] = {
    "email": "john.smith@example.com",
    "send_at": "2030-08-20T18:00:00+0100",
    "survey_id": 1484,
    "email_template_id": 10,
    "first_name": "John",
    "surname": "Smith",
    "reference": "#1041",
    "machine_id": "8736245",
    "data": [
        NEW_DATA_ENTRY,
        {"key": "site_code", "value": "newcastle"},
        {"key": "category", "value": "api-support"},
        {"key": "ticket_date", "value": "20th Aug 2030"},
    ],
    "reminders": [NEW_REMINDER],
}
FEEDBACK_RESPONSE: Final = contract.FeedbackResponse(
    id=16163,
    reference=None,
    machine_id=None,
    fields={
        "email": "kate@example.com",
        "name": "Kate",
        "telephone_number": "01234 567 890",
        "company_name": "Acme",
    },
    answers=(
        contract.Answer(
            question_id=12345,
            question="How likely are you to recommend us to a friend?",
            answer="10",
            type="Rating",
        ),
        contract.Answer(
            question_id=12349,
            question="Is there anything else you'd like to tell us?",
            answer="Keep up the great attitude to your customers",
            type="Text",
        ),
    ),
    submitted_at=_t("2023-07-08T23:45:19Z"),
    updated_at=_t("2023-07-08T23:45:19Z"),
    feedback_request=None,
    survey=contract.SurveySummary(id=277, name="Post purchase survey"),
)
SITE: Final = contract.Site(
    id="111",
    site_code="hq",
    name="Head Office",
    city="Newcastle",
    region="Tyne and Wear",
    site_type="Office",
)
NEW_SITE: Final = {
    "site_code": "hq",
    "name": "Head Office",
    "city": "Newcastle",
    "region": "Tyne and Wear",
}
STAFF: Final = contract.Staff(
    id="98723",
    code="rod-magnusson",
    first_name="Rod",
    surname="Magnusson",
    email="rod.magnusson@example.com",
    time_zone="London",
    deactivated_at=None,
    team_id=None,
)
SURVEY: Final = contract.Survey(
    id=1484,
    name="Support survey",
    locale="en",
    questions=(
        contract.Question(
            id=14842,
            question="How satisfied were you with the support you received?",
            answer_type="Rating",
        ),
        contract.Question(id=14844, question="Any comments?", answer_type="Text"),
    ),
)
EMAIL_TEMPLATE: Final = contract.EmailTemplate(
    id=10,
    name="Post Sale Feedback Email",
    body="Hi {{name/there}},\r\n\r\n We'd be really grateful if you'd answer a few questions...",
    subject="{{name/Hi}}, how did we do?",
    from_name="Kate Jones",
    from_email="kate@acme.co.uk",
    locale="en",
    archived=False,
)
TEXT_MESSAGE_TEMPLATE: Final = contract.TextMessageTemplate(
    id=20,
    name="Post Sale SMS Template",
    body="Hi, we'd love to hear about your recent experience: {{link-to-survey}}",
    locale="en",
    archived=False,
)
RESPONSE_RATE: Final = contract.ResponseRate(
    response_rate_percent=50, sent_count=100, delivered_count=50, reply_count=25
)
NPS: Final = contract.NPS(
    net_promoter_score=70,
    promoter_count=75,
    passive_count=20,
    detractor_count=5,
    total_number_of_ratings=100,
)
CSAT: Final = contract.CSAT(
    csat=90,
    very_negative_count=1,
    negative_count=0,
    neutral_count=0,
    positive_count=2,
    very_positive_count=7,
    total_number_of_ratings=10,
)
VALIDATION_ERROR: Final = contract.Error(
    message="Validation error",
    errors=(
        contract.FieldError(
            resource="/feedback_requests/",
            field="machine_id",
            error="wrong_length",
            extra_info={"maximum": 36},
        ),
    ),
)
# Schema examples: one object of each shape.
SCHEMA_EXAMPLES: Final[dict[str, Any]] = {
    "FeedbackRequest": FEEDBACK_REQUEST,
    "Reminder": FEEDBACK_REQUEST.reminders[0],
    "DataItem": FEEDBACK_REQUEST.data[0],
    "Sms": contract.Sms(number="07700 900123", text_message_template_id=20),
    "FeedbackResponse": FEEDBACK_RESPONSE,
    "Answer": FEEDBACK_RESPONSE.answers[0],
    "SurveySummary": FEEDBACK_RESPONSE.survey,
    "ResponseRate": RESPONSE_RATE,
    "NPS": NPS,
    "CSAT": CSAT,
    "Site": SITE,
    "Staff": STAFF,
    "Survey": SURVEY,
    "Question": SURVEY.questions[0],
    "EmailTemplate": EMAIL_TEMPLATE,
    "TextMessageTemplate": TEXT_MESSAGE_TEMPLATE,
    "Error": VALIDATION_ERROR,
    "FieldError": VALIDATION_ERROR.errors[0],
    "NewFeedbackRequest": NEW_FEEDBACK_REQUEST,
    "NewDataEntry": NEW_DATA_ENTRY,
    "NewSms": {"number": "07700 900123", "text_message_template_id": 20},
    "NewReminder": NEW_REMINDER,
    "NewSite": NEW_SITE,
    "SiteChanges": {"name": "Main Office"},
    "Period": "30-days",
}


# --- operations ----------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One operation of the API, as the document states it."""

    method: str
    path: str
    operation_id: str
    tag: str
    summary: str
    description: str
    result: str  # the schema of a 2xx body
    status: int = 200
    listed: bool = False  # a paginated list of `result`
    parameters: tuple[dict[str, Any], ...] = ()
    body: str | None = None  # the request body's schema
    example: Any = None  # the 2xx body's example
    body_example: Any = None
    not_found: bool = False  # may answer 404
    links: dict[str, Any] = field(default_factory=dict)


def _query(
    name: str, schema: dict[str, Any], description: str, example: Any = None
) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    if example is not None:
        parameter["example"] = example
    return parameter


# Path examples name rows of the demo account (`--seed demo`), so a tool
# that sends them (Schemathesis' examples phase) reads something real:
# request and response 1 (the seed retrieves /feedback_responses/1), the
# site "newcastle", staff member 98723.
def _path_id(schema: dict[str, Any], description: str, example: Any) -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
        "example": example,
    }


ID_SCHEMA: Final = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
ID_TEXT_SCHEMA: Final = {"type": "string", "pattern": ID_TEXT_PATTERN}
QUERY_TEXT: Final = {"type": "string", "maxLength": MAX_TEXT_LENGTH, "pattern": TEXT_PATTERN}
QUERY_TIME: Final = {"type": "string", "pattern": TIMESTAMP_PATTERN}
IDS: Final = {"type": "array", "items": ID_SCHEMA}
PAGING: Final = (
    _ref("page", "parameters"),
    _ref("per_page", "parameters"),
    _ref("snapshot", "parameters"),
)
KEYSET_PAGING: Final = (*PAGING, _ref("after", "parameters"))
IDS_FILTERS: Final = (
    _query(
        "survey_ids[]", IDS, "Only these surveys (ids, not the code in a survey's URL).", [1484]
    ),
    _query("site_ids[]", IDS, "Only these sites.", [1]),
    _query("staff_ids[]", IDS, "Only these staff members.", [98723]),
)
CASE_RULE: Final = (
    "Text filters ignore case (ASCII letters), as email addresses and codes are "
    "compared everywhere in the sandbox."
)
METRIC_FILTERS: Final = (
    _query("from_time", QUERY_TIME, "Start of the window (inclusive); any zone, UTC if none.",
           "2015-01-01T00:00Z"),
    _query("to_time", QUERY_TIME, "End of the window (inclusive).", "2015-01-31T23:59Z"),
    _query("period", _ref("Period"), "A named window; overrides from_time and to_time.",
           "30-days"),
    _query("company_name", QUERY_TEXT,
           f"Only customers whose company name contains this text. {CASE_RULE}", "cyber"),
    *IDS_FILTERS,
)  # fmt: skip

_GET_REQUEST: Final = {
    "operationId": "getFeedbackRequest",
    "parameters": {"id": "$response.body#/id"},
}


def _metric(operation_id: str, path: str, summary: str, result: str, example: Any) -> Operation:
    return Operation(
        "get", path, operation_id, "Metrics", summary,
        f"{summary}, over a window of time and, optionally, some surveys, sites, staff or "
        "one company. Without a window it covers the endpoint's default (docs/sandbox.md).",
        result, parameters=METRIC_FILTERS, example=example,
    )  # fmt: skip


OPERATIONS: Final[tuple[Operation, ...]] = (
    Operation(
        "get", "/feedback_requests", "listFeedbackRequests", "Feedback requests",
        "List feedback requests",
        "Every feedback request, newest first (by created_at), optionally only those in "
        "one state.",
        "FeedbackRequest", listed=True, example=[FEEDBACK_REQUEST],
        parameters=(
            *KEYSET_PAGING,
            _query("state", {"type": "string", "enum": list(FEEDBACK_REQUEST_STATES)},
                   "Only requests in this state.", "pending"),
        ),
    ),
    Operation(
        "post", "/feedback_requests", "createFeedbackRequest", "Feedback requests",
        "Create a feedback request",
        "Schedules an email (or, with sms, a text message) asking a customer for feedback "
        "at send_at, with optional reminders. data[] entries are stored against the response: "
        "customer fields, segments (staff_code, site_code, the account's own) and metadata.",
        "FeedbackRequest", status=201, body="NewFeedbackRequest", example=FEEDBACK_REQUEST,
        body_example=NEW_FEEDBACK_REQUEST, links={"GetFeedbackRequest": _GET_REQUEST},
    ),
    Operation(
        "get", "/feedback_requests/{id}", "getFeedbackRequest", "Feedback requests",
        "Retrieve a feedback request", "One feedback request by its id.",
        "FeedbackRequest", example=FEEDBACK_REQUEST, not_found=True,
        parameters=(_path_id(ID_SCHEMA, "The feedback request's id.", 1),),
    ),
    Operation(
        "get", "/feedback_responses", "listFeedbackResponses", "Feedback responses",
        "List feedback responses",
        "Every feedback response, newest first (by submitted_at), optionally filtered.",
        "FeedbackResponse", listed=True, example=[FEEDBACK_RESPONSE],
        parameters=(
            *KEYSET_PAGING,
            _query("created_since", QUERY_TIME, "Only responses created at or after this time.",
                   "2023-07-01T00:00Z"),
            _query("updated_since", QUERY_TIME, "Only responses updated at or after this time.",
                   "2023-07-01T00:00Z"),
            _query("email", QUERY_TEXT, f"Only responses left by this email address. {CASE_RULE}",
                   "kate@example.com"),
            *IDS_FILTERS,
        ),
    ),
    Operation(
        "get", "/feedback_responses/{id}", "getFeedbackResponse", "Feedback responses",
        "Retrieve a feedback response", "One feedback response by its id.",
        "FeedbackResponse", example=FEEDBACK_RESPONSE, not_found=True,
        parameters=(_path_id(ID_SCHEMA, "The feedback response's id.", 1),),
    ),
    _metric("getResponseRate", "/response_rate", "Retrieve your response rate", "ResponseRate",
            RESPONSE_RATE),
    _metric("getNps", "/nps", "Retrieve your Net Promoter Score", "NPS", NPS),
    _metric("getCsat", "/csat", "Retrieve your CSAT score", "CSAT", CSAT),
    Operation(
        "get", "/sites", "listSites", "Sites", "List sites", "Every site, sorted by name.",
        "Site", listed=True, example=[SITE], parameters=PAGING,
    ),
    Operation(
        "post", "/sites", "createSite", "Sites", "Create a site",
        "A new site; its site_code must not be another site's.",
        "Site", status=201, body="NewSite", example=SITE, body_example=NEW_SITE,
        links={
            "GetSite": {"operationId": "getSite", "parameters": {"id": "$response.body#/id"}},
            "UpdateSite": {"operationId": "updateSite",
                           "parameters": {"id": "$response.body#/id"}},
        },
    ),
    Operation(
        "get", "/sites/{id}", "getSite", "Sites", "Retrieve a site",
        "One site by its id or its site_code (the seed retrieves /sites/hq).",
        "Site", example=SITE, not_found=True,
        parameters=(_path_id(
            {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_LENGTH},
            "The site's id, or its site_code.", "newcastle"),),
    ),
    Operation(
        "patch", "/sites/{id}", "updateSite", "Sites", "Update a site",
        "Changes the attributes given; the others stay as they are.",
        "Site", body="SiteChanges", example=SITE, body_example={"name": "Main Office"},
        not_found=True,
        parameters=(_path_id(
            {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_LENGTH},
            "The site's id, or its site_code.", "newcastle"),),
    ),
    Operation(
        "get", "/staff", "listStaff", "Staff", "List staff",
        "Every staff member, by surname, optionally found by email address or code.",
        "Staff", listed=True, example=[STAFF],
        parameters=(
            *PAGING,
            _query("email", QUERY_TEXT, f"Only staff with this email address. {CASE_RULE}",
                   "rod.magnusson@example.com"),
            _query("code", QUERY_TEXT, f"Only staff with this code. {CASE_RULE}",
                   "rod-magnusson"),
        ),
    ),
    Operation(
        "get", "/staff/{id}", "getStaffMember", "Staff", "Retrieve a staff member",
        "One staff member by id.", "Staff", example=STAFF, not_found=True,
        parameters=(_path_id(ID_TEXT_SCHEMA, "The staff member's id.", "98723"),),
    ),
    Operation(
        "get", "/surveys", "listSurveys", "Surveys", "List surveys",
        "Every survey with its questions, sorted by name. A survey's id (1484) is what "
        "survey_id takes, not the code in its public URL.",
        "Survey", listed=True, example=[SURVEY], parameters=PAGING,
    ),
    Operation(
        "get", "/email_templates", "listEmailTemplates", "Templates", "List email templates",
        "Every email template, sorted by name: email_template_id takes their ids.",
        "EmailTemplate", listed=True, example=[EMAIL_TEMPLATE], parameters=PAGING,
    ),
    Operation(
        "get", "/text_message_templates", "listTextMessageTemplates", "Templates",
        "List text message templates",
        "Every text message template, sorted by name: sms.text_message_template_id takes "
        "their ids.",
        "TextMessageTemplate", listed=True, example=[TEXT_MESSAGE_TEMPLATE], parameters=PAGING,
    ),
)  # fmt: skip

TAGS: Final = (
    ("Feedback requests", "Ask customers for feedback by email or text message."),
    ("Feedback responses", "What customers answered (read only)."),
    ("Metrics", "Response rate, Net Promoter Score and CSAT."),
    ("Sites", "Your locations: shops, offices, branches."),
    ("Staff", "The people in your business."),
    ("Surveys", "Your surveys and their questions."),
    ("Templates", "Email and text message templates for feedback requests."),
)


# --- components ------------------------------------------------------------------


def _error(description: str, example: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": _body(_ref("Error"), {"message": example}),
    }
    if headers:
        response["headers"] = headers
    return response


RESPONSES: Final = {
    "BadRequest": _error("Malformed JSON, or JSON nested too deeply.", "Problems parsing JSON"),
    "Unauthorized": _error(
        "No valid token in the Authorization header.",
        "No valid API key provided in Authorization header",
        {"WWW-Authenticate": _ref("WWW-Authenticate", "headers")},
    ),
    "Forbidden": _error(
        "No User-Agent, or parameters this operation does not take (named in the body).",
        USER_AGENT_ERROR_MESSAGE,
    ),
    "NotFound": _error("No such resource.", "Not found"),
    "MethodNotAllowed": _error(
        "The path does not take this method; Allow lists the ones it takes.",
        "Method not allowed",
        {"Allow": _ref("Allow", "headers")},
    ),
    "NotAcceptable": _error(
        f"The Accept header does not ask for {API_MEDIA_TYPE}.",
        f"Missing or invalid Accept header, must be: {API_MEDIA_TYPE}",
    ),
    "TooLarge": _error(
        f"The request body is larger than {MAX_BODY_BYTES} bytes.",
        f"Request body too large: at most {MAX_BODY_BYTES} bytes",
    ),
    "UnsupportedMediaType": _error(
        f"The request body is labelled neither {API_MEDIA_TYPE} nor {JSON_MEDIA_TYPE}.",
        UNSUPPORTED_MEDIA_TYPE_MESSAGE,
    ),
    "ValidationError": {
        "description": "Validation error: every problem at once, in errors[].",
        "content": _body(_ref("Error"), _plain(VALIDATION_ERROR)),
    },
    "ServerError": _error("Something went wrong at the server's end.", "Internal server error"),
}
_PAGE_URL: Final = "http://127.0.0.1:8010/sites?snapshot=4&page="
# Each header has an example, so a mock server (Prism) answers with one
# that its own schema accepts.
HEADERS: Final = {
    "Link": {
        "description": 'The first, prev, next and last pages: <url>; rel="next", ... '
        "Follow rel=next to read a whole list.",
        "schema": {"type": "string"},
        "example": f'<{_PAGE_URL}1>; rel="first", <{_PAGE_URL}2>; rel="next", '
        f'<{_PAGE_URL}2>; rel="last"',
    },
    TOTAL_PAGES_HEADER: {
        "description": "How many pages the list has.",
        "schema": {"type": "string", "pattern": "^[1-9][0-9]*$(?!\\n)"},
        "example": "2",
    },
    TOTAL_COUNT_HEADER: {
        "description": "How many items the list has.",
        "schema": {"type": "string", "pattern": "^[0-9]+$(?!\\n)"},
        "example": "31",
    },
    "WWW-Authenticate": {
        "description": "How to authenticate.",
        "schema": {"type": "string", "const": WWW_AUTHENTICATE},
        "example": WWW_AUTHENTICATE,
    },
    "Allow": {
        "description": "The methods the path takes.",
        "schema": {"type": "string"},
        "example": "GET, POST",
    },
}
PARAMETERS: Final = {
    "UserAgent": {
        "name": "User-Agent",
        "in": "header",
        "required": True,
        "description": "Your company name as in your CustomerSure account; the API "
        "refuses requests without one (403).",
        "schema": {"type": "string", "pattern": NONBLANK_TEXT_PATTERN},
        "example": "Acme Ltd",
    },
    "page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                   "The page to return.", 1),
    "per_page": _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        f"Items per page, at most {MAX_PER_PAGE}.", 100),
    "snapshot": _query(
        "snapshot", {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        "The sandbox's paging bound: the newest id the pages are cut from, so rows that "
        "arrive while a client pages neither shift nor repeat. Link URLs carry it.", 400),
    "after": _query(
        "after", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "The sandbox's keyset position: the id of the previous page's last row. "
        'rel="next" Link URLs carry it, so a deep page costs what the first does; '
        "page then only numbers the Link URLs. An id that is no row of the list is a 422.",
        400),
}  # fmt: skip


@functools.cache
def _schemas() -> dict[str, Any]:
    _, components = msgspec.json.schema_components(
        (*contract.RESOURCES, *contract.REQUEST_BODIES), ref_template=_SCHEMAS + "{name}"
    )
    bodies = {model.__name__ for model in contract.REQUEST_BODIES}
    schemas: dict[str, Any] = {}
    for name, schema in components.items():
        if name not in bodies:
            # What the API returns may grow (a client keeps unknown fields in
            # `extra`), and the defaults are the client's, not the server's.
            schema.pop("additionalProperties", None)
            for property_schema in schema["properties"].values():
                property_schema.pop("default", None)
        else:
            # The server refuses a name it does not document (403).
            schema["additionalProperties"] = False
            for property_schema in schema["properties"].values():
                if property_schema.get("default") is None:
                    property_schema.pop("default", None)
        schemas[name] = {**schema, "examples": [_plain(SCHEMA_EXAMPLES[name])]}
    schemas["Period"] = {
        "title": "Period",
        "description": "A named window of time; see the seed's Date periods.",
        "type": "string",
        "enum": list(DATE_PERIODS),
        "x-enum-varnames": [PERIOD_NAMES[period] for period in DATE_PERIODS],
        "examples": [SCHEMA_EXAMPLES["Period"]],
    }
    return schemas


def _operation(operation: Operation) -> dict[str, Any]:
    result: dict[str, Any] = _ref(operation.result)
    if operation.listed:
        result = {"type": "array", "items": result}
    success: dict[str, Any] = {
        "description": "The list, one page of it" if operation.listed else operation.summary,
        "content": _body(result, _plain(operation.example)),
    }
    if operation.listed:
        success["headers"] = {
            name: _ref(name, "headers") for name in ("Link", TOTAL_PAGES_HEADER, TOTAL_COUNT_HEADER)
        }
    if operation.links:
        success["links"] = operation.links
    responses: dict[str, Any] = {str(operation.status): success}
    if operation.body is not None:
        responses["400"] = _ref("BadRequest", "responses")
    responses["401"] = _ref("Unauthorized", "responses")
    responses["403"] = _ref("Forbidden", "responses")
    if operation.not_found:
        responses["404"] = _ref("NotFound", "responses")
    responses["405"] = _ref("MethodNotAllowed", "responses")
    responses["406"] = _ref("NotAcceptable", "responses")
    if operation.body is not None:
        responses["413"] = _ref("TooLarge", "responses")
        responses["415"] = _ref("UnsupportedMediaType", "responses")
    if operation.body is not None or operation.parameters:
        responses["422"] = _ref("ValidationError", "responses")
    responses["default"] = _ref("ServerError", "responses")
    spec: dict[str, Any] = {
        "operationId": operation.operation_id,
        "tags": [operation.tag],
        "summary": operation.summary,
        "description": operation.description,
        "parameters": [_ref("UserAgent", "parameters"), *operation.parameters],
        "responses": responses,
    }
    if operation.body is not None:
        spec["requestBody"] = {
            "required": True,
            "description": f"JSON, labelled {API_MEDIA_TYPE} or, as the seed's examples send "
            f"it, {JSON_MEDIA_TYPE}.",
            "content": _body(_ref(operation.body), operation.body_example),
        }
    return spec


@functools.cache
def document(*, base_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with `base_url` as its server (one object
    per base URL, shared: do not change it)."""
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CustomerSure REST API v1",
            "version": "1",
            "summary": "Feedback requests, feedback responses, metrics, sites, staff, surveys "
            "and templates: CustomerSure's REST API v1, as cswidget's sandbox serves it.",
            "description": (
                "Every request sends three headers: `Accept: "
                f"{API_MEDIA_TYPE}` (406 without it), a `User-Agent` naming your company "
                '(403 without one) and `Authorization: Token token="<your token>"` (401 '
                f"without a valid one). Request bodies are JSON, `{API_MEDIA_TYPE}` (or "
                f"`{JSON_MEDIA_TYPE}`, as the seed sends them; 415 otherwise); every answer is "
                f"`{API_MEDIA_TYPE}`, with blank fields as null, never omitted. Times are "
                "ISO 8601, returned in UTC (`YYYY-MM-DDTHH:MM:SSZ`). Lists are paginated "
                "(`page`, `per_page`) with `Link`, `X-Total-Pages` and `X-Total-Count` headers. "
                'Errors are `{"message": ...}`, with `errors[]` for validation errors (422).'
            ),
            "contact": {"name": "cswidget", "url": "https://www.customersure.com/"},
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": base_url, "description": "This sandbox"}],
        "security": [{"token": []}],
        "tags": [{"name": name, "description": description} for name, description in TAGS],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": 'The whole header value is `Token token="<your token>"` '
                    "(the quotes are optional): configure a client's API key as that text, "
                    'e.g. `Token token="ec76c296df321768ba4cc41a445bfb6f"`.',
                }
            },
            "parameters": PARAMETERS,
            "headers": HEADERS,
            "responses": RESPONSES,
            "schemas": _schemas(),
        },
    }
