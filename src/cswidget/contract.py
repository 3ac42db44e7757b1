"""REST API v1's shapes, described once: every resource the API returns, every
request body it takes, and its error body, as frozen msgspec Structs.

This is the one description the rest follows. The sandbox (`cswidget.sandbox`)
builds its answers from these classes and encodes them, so it cannot send a
field this module does not declare, nor leave one out; the API client
(`cswidget.api`) decodes answers into the same classes; and the OpenAPI
document (`cswidget.openapi`) takes its schemas from them, with the
constraints declared here (`Meta`). Request bodies are checked by
`cswidget.api_rules`, which gives every error at once in the API's own
language; tests/test_contract.py holds the two to the same names and limits.

Types follow the seed's attribute lists. Where the seed's own examples leave
a field out (a response's embedded request has no `link`, the sites list no
`site_type`), the field has a default and is optional in the document; the
sandbox always sends it.

    >>> from cswidget import wire
    >>> site = Site(id="111", site_code="hq", name="Head Office", city="Newcastle",
    ...             region="Tyne and Wear", site_type="Office")
    >>> wire.encode(site)[:60]
    b'{"id":"111","site_code":"hq","name":"Head Office","city":"Ne'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Annotated, Any, Final

import msgspec
from msgspec import Meta

from .api_rules import (
    EMAIL_PATTERN,
    ID_TEXT_PATTERN,
    MAX_DATA_ENTRIES,
    MAX_ID,
    MAX_PHONE_NUMBER_LENGTH,
    MAX_REMINDERS,
    NONBLANK_TEXT_PATTERN,
    TEXT_PATTERN,
    TIMESTAMP_PATTERN,
    UTC_TIMESTAMP_PATTERN,
)
from .vocabulary import (
    ANSWER_TYPES,
    ERROR_CODES,
    FEEDBACK_REQUEST_STATES,
    LOCALES,
    MAX_KEY_LENGTH,
    MAX_MACHINE_ID_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_VALUE_LENGTH,
)
from .wire import Shape, TimedShape

__all__ = [
    "CSAT",
    "NPS",
    "REQUEST_BODIES",
    "RESOURCES",
    "Answer",
    "DataItem",
    "EmailTemplate",
    "Error",
    "FeedbackRequest",
    "FeedbackResponse",
    "FieldError",
    "NewDataEntry",
    "NewFeedbackRequest",
    "NewReminder",
    "NewSite",
    "NewSms",
    "Question",
    "Reminder",
    "ResponseRate",
    "Site",
    "SiteChanges",
    "Sms",
    "Staff",
    "Survey",
    "SurveySummary",
    "TextMessageTemplate",
]

# --- the types fields are made of ---------------------------------------------

Id = Annotated[int, Meta(ge=1, le=MAX_ID)]
# Sites' and staff's ids are strings of digits ("id": "111"), as the seed says.
IdText = Annotated[str, Meta(pattern=ID_TEXT_PATTERN, examples=["111"])]
Count = Annotated[int, Meta(ge=0)]
Timestamp = Annotated[
    datetime,
    Meta(
        tz=True,
        extra_json_schema={
            "type": "string",
            "format": "date-time",
            "pattern": UTC_TIMESTAMP_PATTERN,
            "examples": ["2023-08-20T17:00:00Z"],
        },
    ),
]
State = Annotated[str, Meta(extra_json_schema={"enum": list(FEEDBACK_REQUEST_STATES)})]
AnswerType = Annotated[str, Meta(extra_json_schema={"enum": list(ANSWER_TYPES)})]
Locale = Annotated[str, Meta(extra_json_schema={"enum": list(LOCALES)})]
ErrorCode = Annotated[str, Meta(extra_json_schema={"enum": list(ERROR_CODES)})]
Percent = Annotated[float, Meta(ge=0, le=100)]

# In request bodies: what the server's rules (cswidget.api_rules) accept.
IdIn = (
    Annotated[int, Meta(ge=1, le=MAX_ID)]
    | Annotated[str, Meta(pattern=ID_TEXT_PATTERN, examples=["1484"])]
)
TimestampIn = Annotated[str, Meta(pattern=TIMESTAMP_PATTERN, examples=["2030-08-20T18:00:00+0100"])]
TextIn = Annotated[str, Meta(max_length=MAX_TEXT_LENGTH, pattern=TEXT_PATTERN)]
RequiredTextIn = Annotated[
    str, Meta(min_length=1, max_length=MAX_TEXT_LENGTH, pattern=NONBLANK_TEXT_PATTERN)
]
EmailIn = Annotated[
    str, Meta(max_length=MAX_TEXT_LENGTH, pattern=EMAIL_PATTERN, examples=["kate@example.com"])
]


# --- feedback requests ----------------------------------------------------------


class DataItem(Shape, frozen=True, kw_only=True):
    """One entry of a feedback request's `data[]`: a customer field, a
    segment (staff_code, site_code, the account's own) or metadata."""

    id: Id
    key: str
    value: str | None


class Reminder(TimedShape, frozen=True, kw_only=True):
    """One of a feedback request's `reminders[]`."""

    id: Id
    email_template_id: Id | None
    send_at: Timestamp
    sent_at: Timestamp | None
    text_message_template_id: Id | None
    not_sent_reason: str | None
    delivery_failure: str | None


class Sms(Shape, frozen=True, kw_only=True):
    """Where and how a feedback request is sent as a text message."""

    number: str
    text_message_template_id: Id


class FeedbackRequest(TimedShape, frozen=True, kw_only=True):
    """A feedback request: who to ask, when, and with which survey."""

    id: Id
    email: str | None
    state: State
    first_name: str | None
    surname: str | None
    survey_id: Id
    email_template_id: Id | None
    reference: str | None
    machine_id: str | None
    send_at: Timestamp
    sent_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    # The seed's create example leaves out the next two; its response
    # example's embedded request leaves out the five after them.
    deletion_requested_at: Timestamp | None = None
    not_sent_reason: str | None
    delivery_failure: str | None
    ignore_throttle: bool | None = None
    link: str | None = None
    sms: Sms | None = None
    data: tuple[DataItem, ...] = ()
    reminders: tuple[Reminder, ...] = ()


# --- feedback responses -------------------------------------------------------


class Answer(Shape, frozen=True, kw_only=True):
    """One answer of a feedback response; `answer` is text whatever the type
    ("10" for a rating, "Billing, Returns" for checkboxes)."""

    question_id: Id
    question: str
    answer: str | None
    type: AnswerType


class SurveySummary(Shape, frozen=True, kw_only=True):
    """The survey a feedback response answers: its id and name."""

    id: Id
    name: str


class FeedbackResponse(TimedShape, frozen=True, kw_only=True):
    """A customer's completed survey.

    `fields` holds the customer's name, email, telephone_number and
    company_name, and the data the feedback request set (read-only).
    """

    id: Id
    reference: str | None
    machine_id: str | None
    fields: Mapping[str, str | None]
    answers: tuple[Answer, ...]
    submitted_at: Timestamp
    # Only the seed's list example has it; the sandbox always sends it.
    updated_at: Timestamp | None = None
    feedback_request: FeedbackRequest | None
    survey: SurveySummary

    def __post_init__(self) -> None:
        super().__post_init__()
        if type(self.fields) is dict:
            msgspec.structs.force_setattr(self, "fields", MappingProxyType(self.fields))


# --- metrics -----------------------------------------------------------------


class ResponseRate(Shape, frozen=True, kw_only=True):
    """`GET /response_rate`: replies over delivered requests, as a percentage
    (null when nothing was delivered)."""

    response_rate_percent: Percent | None
    sent_count: Count
    delivered_count: Count
    reply_count: Count


class NPS(Shape, frozen=True, kw_only=True):
    """`GET /nps`: Net Promoter Score (-100 to 100, null without ratings) and its counts."""

    net_promoter_score: Annotated[float, Meta(ge=-100, le=100)] | None
    promoter_count: Count
    passive_count: Count
    detractor_count: Count
    total_number_of_ratings: Count


class CSAT(Shape, frozen=True, kw_only=True):
    """`GET /csat`: the CSAT score (null without ratings) and its counts."""

    csat: Percent | None
    very_negative_count: Count
    negative_count: Count
    neutral_count: Count
    positive_count: Count
    very_positive_count: Count
    total_number_of_ratings: Count


# --- sites, staff, surveys, templates -----------------------------------------


class Site(Shape, frozen=True, kw_only=True):
    """A site: a hotel, shop, branch or office."""

    id: IdText
    site_code: str
    name: str
    city: str | None
    region: str
    # The seed's sites list example leaves it out.
    site_type: str | None = None


class Staff(TimedShape, frozen=True, kw_only=True):
    """A staff member."""

    id: IdText
    code: str | None
    first_name: str | None
    surname: str | None
    email: str | None
    time_zone: str | None
    deactivated_at: Timestamp | None
    team_id: str | None


class Question(Shape, frozen=True, kw_only=True):
    """One question of a survey."""

    id: Id
    question: str
    answer_type: AnswerType


class Survey(Shape, frozen=True, kw_only=True):
    """A survey, with its questions."""

    id: Id
    name: str
    locale: Locale
    questions: tuple[Question, ...]


class EmailTemplate(Shape, frozen=True, kw_only=True):
    """An email template for feedback requests and reminders."""

    id: Id
    name: str
    body: str | None
    subject: str | None
    from_name: str | None
    from_email: str | None
    locale: Locale
    archived: bool


class TextMessageTemplate(Shape, frozen=True, kw_only=True):
    """A text message (SMS) template."""

    id: Id
    name: str
    body: str | None
    locale: Locale
    archived: bool


# --- errors ------------------------------------------------------------------


class FieldError(Shape, frozen=True, kw_only=True, omit_defaults=True):
    """One validation error: which resource and field, what is wrong
    (`error`), and what would be right (`extra_info`)."""

    resource: str
    field: str
    error: ErrorCode
    extra_info: Mapping[str, Any]


class Error(Shape, frozen=True, kw_only=True, omit_defaults=True):
    """Every error answer: `message`; `errors[]` for a validation error
    (422); the sandbox names unpermitted parameters (403) too."""

    message: str
    errors: tuple[FieldError, ...] = ()
    unpermitted_parameters: tuple[str, ...] = ()


# --- request bodies ------------------------------------------------------------


class NewDataEntry(Shape, frozen=True, kw_only=True):
    """`data[]` of a new feedback request: key at most 30, value at most 100."""

    key: Annotated[
        str, Meta(min_length=1, max_length=MAX_KEY_LENGTH, pattern=NONBLANK_TEXT_PATTERN)
    ]
    value: Annotated[str, Meta(max_length=MAX_VALUE_LENGTH, pattern=TEXT_PATTERN)] | None = None


class NewSms(Shape, frozen=True, kw_only=True):
    """`sms` of a new feedback request: send it as a text message."""

    number: Annotated[
        str, Meta(min_length=1, max_length=MAX_PHONE_NUMBER_LENGTH, pattern=NONBLANK_TEXT_PATTERN)
    ]
    text_message_template_id: IdIn


class NewReminder(Shape, frozen=True, kw_only=True):
    """`reminders[]` of a new feedback request: exactly one of
    email_template_id and text_message_template_id."""

    send_at: TimestampIn
    email_template_id: IdIn | None = None
    text_message_template_id: IdIn | None = None


class NewFeedbackRequest(Shape, frozen=True, kw_only=True):
    """The body of "Create a feedback request".

    email is required unless sms is given; email_template_id is required
    except for SMS; send_at and each reminder's send_at must be in the
    future; survey_id and template ids must be the account's. Optional text
    that is empty or only space is stored as null.
    """

    email: EmailIn | None = None
    send_at: TimestampIn
    survey_id: IdIn
    email_template_id: IdIn | None = None
    first_name: TextIn | None = None
    surname: TextIn | None = None
    reference: TextIn | None = None
    machine_id: (
        Annotated[str, Meta(max_length=MAX_MACHINE_ID_LENGTH, pattern=TEXT_PATTERN)] | None
    ) = None
    external_link: bool | None = None
    ignore_throttle: bool | None = None
    data: Annotated[list[NewDataEntry], Meta(max_length=MAX_DATA_ENTRIES)] | None = None
    sms: NewSms | None = None
    reminders: Annotated[list[NewReminder], Meta(max_length=MAX_REMINDERS)] | None = None


class NewSite(Shape, frozen=True, kw_only=True):
    """The body of "Create a site"."""

    site_code: RequiredTextIn
    name: RequiredTextIn
    city: TextIn | None = None
    region: RequiredTextIn
    site_type: TextIn | None = None


class SiteChanges(Shape, frozen=True, kw_only=True):
    """The body of "Update a site": any of a site's attributes."""

    site_code: RequiredTextIn | msgspec.UnsetType = msgspec.UNSET
    name: RequiredTextIn | msgspec.UnsetType = msgspec.UNSET
    city: TextIn | None = None
    region: RequiredTextIn | msgspec.UnsetType = msgspec.UNSET
    site_type: TextIn | None = None


# Every shape the API returns, and every body it takes, for the document.
RESOURCES: Final = (
    FeedbackRequest,
    Reminder,
    DataItem,
    Sms,
    FeedbackResponse,
    Answer,
    SurveySummary,
    ResponseRate,
    NPS,
    CSAT,
    Site,
    Staff,
    Survey,
    Question,
    EmailTemplate,
    TextMessageTemplate,
    Error,
    FieldError,
)
REQUEST_BODIES: Final = (
    NewFeedbackRequest,
    NewDataEntry,
    NewSms,
    NewReminder,
    NewSite,
    SiteChanges,
)
