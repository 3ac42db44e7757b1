"""Every endpoint of the API v1, as functions that build a `Call`.

Both clients call these, so each endpoint's path, parameters and local
checks are written once. Parameters are `TypedDict`s (as stripe-python
does), so the clients' methods take them as keywords and type checkers see
every documented name:

    call = create_feedback_request({"email": "kate@example.com", "send_at": "2030-01-01T09:00Z",
                                    "survey_id": 1484, "email_template_id": 10})

Checks run before anything is sent, with the rules the sandbox enforces
(`cswidget.api_rules`): a request the API would refuse raises
`cswidget.ValidationError` in the API's error shape, and nothing is sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, NotRequired, Required, TypedDict, TypeVar

from .. import api_rules
from ..errors import FieldError, ValidationError
from ..params import SurveyParams
from ..vocabulary import (
    ALLOWED_VALUES,
    DATE_PERIODS,
    FEEDBACK_REQUEST_STATES,
    GREATER_THAN,
    INVALID_VALUE,
    LESS_THAN,
    MAX_PER_PAGE,
)
from .base import Call, field_list, path_id
from .models import (
    CSAT,
    NPS,
    EmailTemplate,
    FeedbackRequest,
    FeedbackResponse,
    ResponseRate,
    Site,
    Staff,
    Survey,
    TextMessageTemplate,
)

__all__ = [
    "DataParam",
    "FeedbackRequestCreate",
    "FeedbackRequestFilters",
    "FeedbackResponseFilters",
    "IdFilters",
    "MetricFilters",
    "PageFilters",
    "Period",
    "ReminderParam",
    "SiteCreate",
    "SiteUpdate",
    "SmsParam",
    "StaffFilters",
    "State",
]

# The seed's 18 date periods; tests/test_api_client.py checks it equals
# vocabulary.DATE_PERIODS, which stays the one written list.
Period = Literal[
    "7-days", "30-days", "3-months", "6-months", "12-months",
    "current_week", "current_month", "current_quarter", "current_year",
    "last_week", "last_month", "last_quarter", "last_year",
    "yesterday", "day_before_yesterday", "week_before_last", "month_before_last",
    "year_before_last",
]  # fmt: skip
State = Literal["pending", "sent", "not_sent"]
Scalar = str | int | float | bool | None
Moment = datetime | str


class DataEntry(TypedDict):
    key: str
    value: Scalar


DataParam = SurveyParams | Mapping[str, Scalar] | Sequence[tuple[str, Scalar] | DataEntry]


class SmsParam(TypedDict):
    number: str
    text_message_template_id: int


class ReminderParam(TypedDict, total=False):
    send_at: Required[Moment]
    email_template_id: int
    text_message_template_id: int


class FeedbackRequestCreate(TypedDict, total=False):
    """The parameters of "Create a feedback request"; times may be datetimes
    (naive means UTC) or ISO 8601 text."""

    email: str
    send_at: Required[Moment]
    survey_id: Required[int]
    email_template_id: int
    first_name: str
    surname: str
    reference: str
    machine_id: str
    external_link: bool
    ignore_throttle: bool
    data: DataParam
    sms: SmsParam
    reminders: Sequence[ReminderParam]


class SiteCreate(TypedDict):
    site_code: str
    name: str
    region: str
    city: NotRequired[str | None]
    site_type: NotRequired[str | None]


class SiteUpdate(TypedDict, total=False):
    site_code: str
    name: str
    region: str
    city: str | None
    site_type: str | None


class PageFilters(TypedDict, total=False):
    per_page: int


class IdFilters(TypedDict, total=False):
    """The array filters responses and metrics share: `survey_ids[]`, ..."""

    survey_ids: Sequence[int | str]
    site_ids: Sequence[int | str]
    staff_ids: Sequence[int | str]


class FeedbackRequestFilters(PageFilters, total=False):
    state: State


class FeedbackResponseFilters(PageFilters, IdFilters, total=False):
    created_since: Moment
    updated_since: Moment
    email: str


class MetricFilters(IdFilters, total=False):
    from_time: Moment
    to_time: Moment
    period: Period
    company_name: str


class StaffFilters(PageFilters, total=False):
    email: str
    code: str


FEEDBACK_REQUESTS = "/feedback_requests"
FEEDBACK_RESPONSES = "/feedback_responses"
SITES = "/sites"
STAFF = "/staff"

# --- feedback requests ---------------------------------------------------


def create_feedback_request(params: Mapping[str, Any]) -> Call[FeedbackRequest]:
    """`POST /feedback_requests`, checked by `api_rules.check_feedback_request`."""
    body = dict(params)
    if "data" in body:
        _merge_data(body)
    for name in ("send_at",):
        if isinstance(body.get(name), datetime):
            body[name] = api_rules.format_timestamp(body[name])
    if isinstance(body.get("reminders"), list | tuple):
        body["reminders"] = [_with_times(reminder) for reminder in body["reminders"]]
    try:
        normalised = api_rules.check_feedback_request(body)
    except api_rules.UnpermittedParameters as error:
        raise _unexpected(error) from None
    # Send what was given, normalised (UTC times, ids as numbers): absent
    # parameters stay absent rather than becoming explicit nulls.
    sent = {name: normalised[name] for name in body}
    for name in ("reminders", "sms"):
        if sent.get(name) is not None:
            sent[name] = _without_nulls(sent[name])
    return Call("POST", FEEDBACK_REQUESTS, FeedbackRequest, body=sent)


def list_feedback_requests(filters: Mapping[str, Any]) -> Call[FeedbackRequest]:
    """`GET /feedback_requests?state=...`."""
    _known(filters, FeedbackRequestFilters)
    query = _page_params(filters, FEEDBACK_REQUESTS)
    state = filters.get("state")
    if state is not None:
        _choice(state, FEEDBACK_REQUEST_STATES, FEEDBACK_REQUESTS, "state")
        query.append(("state", state))
    return Call("GET", FEEDBACK_REQUESTS, FeedbackRequest, params=query)


def get_feedback_request(id: int | str) -> Call[FeedbackRequest]:
    return Call("GET", f"{FEEDBACK_REQUESTS}/{path_id(id)}", FeedbackRequest)


# --- feedback responses --------------------------------------------------


def get_feedback_response(id: int | str) -> Call[FeedbackResponse]:
    return Call("GET", f"{FEEDBACK_RESPONSES}/{path_id(id)}", FeedbackResponse)


def list_feedback_responses(filters: Mapping[str, Any]) -> Call[FeedbackResponse]:
    """`GET /feedback_responses`, newest first."""
    _known(filters, FeedbackResponseFilters)
    query = _page_params(filters, FEEDBACK_RESPONSES)
    query += _times(filters, ("created_since", "updated_since"), FEEDBACK_RESPONSES)
    if filters.get("email") is not None:
        query.append(("email", str(filters["email"])))
    query += _id_lists(filters)
    return Call("GET", FEEDBACK_RESPONSES, FeedbackResponse, params=query)


# --- metrics -------------------------------------------------------------

_P = TypeVar("_P")


def _metric(path: str, model: type[_P], filters: Mapping[str, Any]) -> Call[_P]:
    """`GET /response_rate`, `/nps` or `/csat` with from/to times or a period."""
    _known(filters, MetricFilters)
    query = _times(filters, ("from_time", "to_time"), path)
    period = filters.get("period")
    if period is not None:
        _choice(period, DATE_PERIODS, path, "period")
        query.append(("period", period))
    if filters.get("company_name") is not None:
        query.append(("company_name", str(filters["company_name"])))
    query += _id_lists(filters)
    return Call("GET", path, model, params=query)


def response_rate(filters: Mapping[str, Any]) -> Call[ResponseRate]:
    return _metric("/response_rate", ResponseRate, filters)


def nps(filters: Mapping[str, Any]) -> Call[NPS]:
    return _metric("/nps", NPS, filters)


def csat(filters: Mapping[str, Any]) -> Call[CSAT]:
    return _metric("/csat", CSAT, filters)


# --- sites, staff, surveys, templates --------------------------------------


def create_site(params: Mapping[str, Any]) -> Call[Site]:
    body = _site_body(params, resource=api_rules.SITES_RESOURCE, partial=False)
    return Call("POST", SITES, Site, body=body)


def update_site(id: int | str, params: Mapping[str, Any]) -> Call[Site]:
    path = f"{SITES}/{path_id(id)}"
    return Call("PATCH", path, Site, body=_site_body(params, resource=path, partial=True))


def get_site(id: int | str) -> Call[Site]:
    return Call("GET", f"{SITES}/{path_id(id)}", Site)


def list_sites(filters: Mapping[str, Any]) -> Call[Site]:
    _known(filters, PageFilters)
    return Call("GET", SITES, Site, params=_page_params(filters, SITES))


def get_staff(id: int | str) -> Call[Staff]:
    return Call("GET", f"{STAFF}/{path_id(id)}", Staff)


def list_staff(filters: Mapping[str, Any]) -> Call[Staff]:
    _known(filters, StaffFilters)
    query = _page_params(filters, STAFF)
    query += [(name, str(filters[name])) for name in ("email", "code") if filters.get(name)]
    return Call("GET", STAFF, Staff, params=query)


def list_surveys(filters: Mapping[str, Any]) -> Call[Survey]:
    _known(filters, PageFilters)
    return Call("GET", "/surveys", Survey, params=_page_params(filters, "/surveys"))


def list_email_templates(filters: Mapping[str, Any]) -> Call[EmailTemplate]:
    _known(filters, PageFilters)
    path = "/email_templates"
    return Call("GET", path, EmailTemplate, params=_page_params(filters, path))


def list_text_message_templates(filters: Mapping[str, Any]) -> Call[TextMessageTemplate]:
    _known(filters, PageFilters)
    path = "/text_message_templates"
    return Call("GET", path, TextMessageTemplate, params=_page_params(filters, path))


# --- helpers ---------------------------------------------------------------


def data_entries(data: object) -> list[dict[str, Any]]:
    """`data=` as the API's `data[]`: from a SurveyParams (its segments and
    metadata, see `_merge_data` for its customer fields), a mapping, or a
    list of (key, value) pairs or {"key", "value"} objects. Values that are
    not text are sent as their JSON text (true, 12); None stays null.

    >>> data_entries({"staff_code": "luke", "priority": 2})
    [{'key': 'staff_code', 'value': 'luke'}, {'key': 'priority', 'value': '2'}]
    """
    if isinstance(data, SurveyParams):
        pairs: list[tuple[Any, Any]] = [
            (entry["key"], entry["value"]) for entry in data.feedback_request_data()
        ]
    elif isinstance(data, Mapping):
        pairs = list(data.items())
    elif isinstance(data, list | tuple):
        pairs = []
        for item in data:
            if isinstance(item, Mapping) and set(item) == {"key", "value"}:
                pairs.append((item["key"], item["value"]))
            elif isinstance(item, list | tuple) and len(item) == 2:
                pairs.append((item[0], item[1]))
            else:
                return list(data)  # api_rules names what is wrong
    else:
        return data  # type: ignore[return-value]  # api_rules refuses it, naming "data"
    return [{"key": key, "value": _data_value(value)} for key, value in pairs]


def _data_value(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return value  # api_rules refuses it


# SurveyParams' customer fields and special metadata that a feedback
# request carries as attributes of its own rather than as data[].
_CUSTOMER_ATTRIBUTES = {"email": "email", "name": "first_name"}
_OWN_ATTRIBUTES = ("reference", "machine_id")


def _merge_data(body: dict[str, Any]) -> None:
    """Turn `data=` into `data[]`, filling attributes from a SurveyParams.

    From a SurveyParams, the customer's `email` fills `email` and `name`
    fills `first_name`, and the metadata `reference` and `machine_id` fill
    the request's own `reference` and `machine_id`, each only when the
    call does not give that parameter itself (the parameter wins). The
    other customer fields (telephone_number, company_name, postcode) go into
    `data[]`, which the API stores against the response's `fields`.
    """
    data = body["data"]
    if not isinstance(data, SurveyParams):
        body["data"] = data_entries(data)
        return
    for key, attribute in _CUSTOMER_ATTRIBUTES.items():
        if key in data.customer and body.get(attribute) is None:
            if attribute == "first_name" and body.get("surname") is not None:
                continue
            body[attribute] = data.customer[key]
    for key in _OWN_ATTRIBUTES:
        if key in data.metadata and body.get(key) is None:
            body[key] = data.metadata[key]
    customer = [
        {"key": key, "value": _data_value(value)}
        for key, value in data.customer.items()
        if key not in _CUSTOMER_ATTRIBUTES
    ]
    body["data"] = customer + [
        entry for entry in data_entries(data) if entry["key"] not in _OWN_ATTRIBUTES
    ]


def _with_times(reminder: object) -> object:
    if isinstance(reminder, Mapping) and isinstance(reminder.get("send_at"), datetime):
        return {**reminder, "send_at": api_rules.format_timestamp(reminder["send_at"])}
    return reminder


def _without_nulls(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if item is not None}
    return value


def _unexpected(error: api_rules.UnpermittedParameters) -> TypeError:
    names = ", ".join(error.names)
    return TypeError(f"unexpected parameters (the API would answer 403): {names}")


def _known(filters: Mapping[str, Any], typed: type) -> None:
    unknown = [name for name in filters if name not in typed.__annotations__]
    if unknown:
        allowed = ", ".join(typed.__annotations__)
        raise TypeError(f"unexpected parameters: {', '.join(unknown)} (allowed: {allowed})")


def _site_body(params: Mapping[str, Any], *, resource: str, partial: bool) -> dict[str, Any]:
    try:
        normalised = api_rules.check_site(params, resource=resource, partial=partial)
    except api_rules.UnpermittedParameters as error:
        raise _unexpected(error) from None
    return {name: normalised[name] for name in params}


def _page_params(filters: Mapping[str, Any], resource: str) -> list[tuple[str, str]]:
    per_page = filters.get("per_page")
    if per_page is None:
        return []
    if (
        isinstance(per_page, bool)
        or not isinstance(per_page, int)
        or not 1 <= per_page <= MAX_PER_PAGE
    ):
        raise ValidationError(
            [
                FieldError(
                    resource,
                    "per_page",
                    INVALID_VALUE,
                    {GREATER_THAN: 0, LESS_THAN: MAX_PER_PAGE + 1},
                )
            ]
        )
    return [("per_page", str(per_page))]


def _times(
    filters: Mapping[str, Any], names: Sequence[str], resource: str
) -> list[tuple[str, str]]:
    query = []
    errors: list[FieldError] = []
    for name in names:
        value = filters.get(name)
        if value is None:
            continue
        if isinstance(value, datetime):
            query.append((name, api_rules.format_timestamp(value)))
            continue
        try:
            moment = api_rules.parse_timestamp(value, resource=resource, field=name)
        except ValidationError as error:
            errors += error.errors
            continue
        query.append((name, api_rules.format_timestamp(moment)))
    if errors:
        raise ValidationError(errors)
    return query


def _id_lists(filters: Mapping[str, Any]) -> list[tuple[str, str]]:
    query = []
    for name in ("survey_ids", "site_ids", "staff_ids"):
        query += field_list(filters.get(name), name)
    return query


def _choice(value: object, allowed: Sequence[str], resource: str, field: str) -> None:
    if value not in allowed:
        raise ValidationError(
            [FieldError(resource, field, INVALID_VALUE, {ALLOWED_VALUES: list(allowed)})]
        )
