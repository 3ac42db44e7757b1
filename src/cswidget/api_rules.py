"""The REST API v1's request rules that a client can check before sending.

Everything here needs no account data and does no I/O: the sandbox server
(`cswidget.sandbox`) runs these checks on every request, and the API client
(`cswidget.api`) can run the same checks before a request leaves. Rules that
need the account (does survey 1484 exist? is site code "hq" taken?) are the
server's.

    >>> body = check_feedback_request({
    ...     "email": "john.smith@example.com", "send_at": "2023-08-20T18:00:00+0100",
    ...     "survey_id": 1484, "email_template_id": 10})
    >>> body["send_at"]
    '2023-08-20T17:00:00Z'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

from . import rules
from .errors import FieldError, ValidationError
from .vocabulary import (
    DATA_PARAMETERS,
    FEEDBACK_REQUEST_PARAMETERS,
    GREATER_THAN,
    INVALID_DATE,
    INVALID_FORMAT,
    INVALID_VALUE,
    LESS_THAN,
    MAX_KEY_LENGTH,
    MAX_MACHINE_ID_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_VALUE_LENGTH,
    MAXIMUM,
    MESSAGE,
    MUST_BE,
    REMINDER_PARAMETERS,
    REQUIRED,
    SITE_PARAMETERS,
    SITE_REQUIRED_PARAMETERS,
    SMS_PARAMETERS,
    VALID_FORMAT,
    WRONG_LENGTH,
)

__all__ = [
    "FEEDBACK_REQUESTS_RESOURCE",
    "SITES_RESOURCE",
    "TIMESTAMP_PATTERN",
    "UnpermittedParameters",
    "check_feedback_request",
    "check_id",
    "check_site",
    "format_timestamp",
    "parse_timestamp",
]

# "For new resources, this will point to the collection URL, i.e. /feedback_requests/"
FEEDBACK_REQUESTS_RESOURCE: Final = "/feedback_requests/"
SITES_RESOURCE: Final = "/sites/"

# --- Patterns. The OpenAPI document states these, and the server enforces
# them with the same text, so a tool that generates requests from the
# document sends nothing the server refuses for its form. Written so that
# Python's re and ECMA-262 (what JSON Schema tools use) read them alike: no
# \s, \d or \w (the two disagree on their sets), every class spelled out,
# and `$(?!\n)` because Python's `$` also matches before a final newline.

# What str.isspace() (and so str.strip()) counts as space: "blank" text.
SPACE_CLASS: Final = (
    "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
# Text never holds NUL: SQLite's text functions stop at it, so a filter with
# one would silently mean less than it says.
TEXT_PATTERN: Final = "^[^\\u0000]*$(?!\\n)"
# Required text: at least one character that is neither space nor NUL.
NONBLANK_TEXT_PATTERN: Final = f"^[^\\u0000]*[^{SPACE_CLASS}\\u0000][^\\u0000]*$(?!\\n)"
# The widget's loose email check (rules.EMAIL_PATTERN: one @, no space, no
# NUL, a dot in the domain) with its \\s spelled out: ECMA-262's \\s is not
# Python's (it leaves out U+001C-U+001F and U+0085, and takes U+FEFF), so a
# tool reading `\\s` would send addresses the server refuses.
_NOT_IN_EMAIL = f"[^@{SPACE_CLASS}\\u0000]+"
EMAIL_PATTERN: Final = f"^{_NOT_IN_EMAIL}@{_NOT_IN_EMAIL}\\.{_NOT_IN_EMAIL}$(?!\\n)"

# Ids: 1 to 15 digits with no leading zero, as a JSON integer or as its
# digits (the seed shows both, "survey_id": 1484 and "id": "1"). Fifteen
# digits stay inside JavaScript's safe integers and need no pattern that
# compares numbers.
MAX_ID: Final = 10**15 - 1
ID_TEXT_PATTERN: Final = "^[1-9][0-9]{0,14}$(?!\\n)"

# Timestamps: ISO 8601 as the seed writes them ("2023-08-20T18:00:00+0100",
# "2015-01-01T00:00Z", "2023-08-20T17:00:00Z", a date alone): a real calendar
# date, years 1000 to 9998 (so that no zone offset carries a time past what
# a datetime holds), an optional time (seconds and up to nine decimals
# optional) and, after a time, an optional zone (Z, or +hh, +hhmm, +hh:mm up
# to 23:59). No zone means UTC, as the API documents.
_YEAR = "(?:1[0-9]{3}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
_LEAP_YEAR = "(?:[1-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[13579][26]|[2468][048])00)"
DATE_PATTERN: Final = (
    f"(?:{_YEAR}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    "|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    f"|{_LEAP_YEAR}-02-29)"
)
_HOUR = "(?:[01][0-9]|2[0-3])"
_MINUTE = "[0-5][0-9]"
TIMESTAMP_PATTERN: Final = (
    f"^{DATE_PATTERN}(?:[T ]{_HOUR}:{_MINUTE}(?::{_MINUTE}(?:\\.[0-9]{{1,9}})?)?"
    f"(?:Z|z|[+-]{_HOUR}(?::?{_MINUTE})?)?)?$(?!\\n)"
)
# What the API returns: "YYYY-MM-DDTHH:MM:SSZ", always UTC.
UTC_TIMESTAMP_PATTERN: Final = f"^{DATE_PATTERN}T{_HOUR}:{_MINUTE}:{_MINUTE}Z$(?!\\n)"
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?"
    r"(Z|z|([+-])(\d{2})(?::?(\d{2}))?)?)?",
    re.ASCII,
)
_TIMESTAMP_RULE = re.compile(TIMESTAMP_PATTERN)
_ID_TEXT = re.compile(ID_TEXT_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)
_SURROGATE: Final = re.compile(rules.SURROGATE_PATTERN)
# Reminders and data entries per request: bounded so one request stays small.
MAX_REMINDERS: Final = 10
MAX_DATA_ENTRIES: Final = 100
# The seed gives no limit for a phone number; E.164 allows 15 digits, and
# 30 leaves room for spaces, dashes and a leading +.
MAX_PHONE_NUMBER_LENGTH: Final = 30


class UnpermittedParameters(Exception):
    """Parameters the endpoint does not document; the API answers 403.

    >>> try:
    ...     check_site({"site_code": "hq", "colour": "red"}, resource="/sites/")
    ... except UnpermittedParameters as error:
    ...     error.names
    ('colour',)
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.names: tuple[str, ...] = tuple(names)
        super().__init__(f"Unpermitted parameters: {', '.join(self.names)}")


def format_timestamp(moment: datetime) -> str:
    """`moment` in UTC as the API returns it (naive means UTC).

    >>> format_timestamp(datetime(2023, 8, 20, 18, tzinfo=timezone(timedelta(hours=1))))
    '2023-08-20T17:00:00Z'
    """
    if moment.utcoffset() is not None:
        moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def parse_timestamp(value: object, *, resource: str, field: str) -> datetime:
    """An ISO 8601 timestamp in any zone as an aware UTC datetime.

    No zone means UTC, as the API documents; a date alone means its
    midnight. Anything else raises `ValidationError` (invalid_date).

    >>> parse_timestamp("2015-01-01T00:00Z", resource="/nps", field="from_time")
    datetime.datetime(2015, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    error = _timestamp_error(resource, field, value)
    if error is not None:
        raise ValidationError([error])
    return _parse(value)  # type: ignore[arg-type]  # a str: checked above


def _parse(text: str) -> datetime:
    match = _TIMESTAMP.fullmatch(text)
    assert match is not None  # callers check first
    year, month, day, hour, minute, second = (int(g or 0) for g in match.groups()[:6])
    zone = UTC
    if match.group(8):
        offset = timedelta(hours=int(match.group(9)), minutes=int(match.group(10) or 0))
        zone = timezone(-offset if match.group(8) == "-" else offset)
    moment = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    return moment.astimezone(UTC)


def _timestamp_error(resource: str, field: str, value: object) -> FieldError | None:
    if isinstance(value, str) and _TIMESTAMP_RULE.fullmatch(value):
        return None
    info = {VALID_FORMAT: TIMESTAMP_PATTERN, MESSAGE: "an ISO 8601 time, e.g. 2023-08-20T18:00Z"}
    return FieldError(resource, field, INVALID_DATE, info)


def check_id(value: object, *, resource: str, field: str, errors: list[FieldError]) -> int | None:
    """A positive integer id, given as a JSON integer or as its digits.

    The seed shows ids both ways ("survey_id": 1484 and "id": "1"), so both
    are accepted: an integer from 1 to MAX_ID (1484.0 too, as JSON Schema
    counts it), or its digits without a leading zero (ID_TEXT_PATTERN);
    problems go to `errors`.

    >>> errors: list[FieldError] = []
    >>> check_id("1484", resource="/feedback_requests/", field="survey_id", errors=errors)
    1484
    """
    if isinstance(value, str) and _ID_TEXT.fullmatch(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    # JSON Schema's integer is any number without a fraction, so 1484.0 is
    # the document's integer 1484 (Schemathesis sends such ids).
    if isinstance(value, float) and value.is_integer() and 1 <= value <= MAX_ID:
        return int(value)
    errors.append(
        FieldError(
            resource,
            field,
            INVALID_VALUE,
            {
                GREATER_THAN: 0,
                LESS_THAN: MAX_ID + 1,
                MUST_BE: "integer",
                VALID_FORMAT: ID_TEXT_PATTERN,
                MESSAGE: "a positive integer id, or its digits",
            },
        )
    )
    return None


def _text(
    body: Mapping[str, Any],
    name: str,
    *,
    resource: str,
    errors: list[FieldError],
    field: str | None = None,
    required: bool = False,
    maximum: int = MAX_TEXT_LENGTH,
) -> str | None:
    """Text of at most `maximum` characters, never holding NUL.

    Optional text that is absent, null, empty or only space is None (the API
    returns blank fields as null); required text must have a character
    that is not space (NONBLANK_TEXT_PATTERN).
    """
    field = field or name
    value = body.get(name)
    if value is None:
        if required:
            errors.append(FieldError(resource, field, REQUIRED, {}))
        return None
    if not isinstance(value, str):
        errors.append(FieldError(resource, field, INVALID_VALUE, {MESSAGE: "must be a string"}))
        return None
    problems = []
    if len(value) > maximum:
        problems.append(FieldError(resource, field, WRONG_LENGTH, {MAXIMUM: maximum}))
    if "\x00" in value:
        message = "text must not contain NUL (U+0000)"
        problems.append(
            FieldError(
                resource, field, INVALID_FORMAT, {VALID_FORMAT: TEXT_PATTERN, MESSAGE: message}
            )
        )
    if not value.isascii() and _SURROGATE.search(value):
        message = "text must not contain lone surrogates (it cannot be encoded as UTF-8)"
        problems.append(FieldError(resource, field, INVALID_VALUE, {MESSAGE: message}))
    if problems:
        errors += problems
        return None
    if not value.strip():
        if required:
            errors.append(FieldError(resource, field, REQUIRED, {}))
        return None
    return value


def _boolean(
    body: Mapping[str, Any], name: str, *, resource: str, errors: list[FieldError]
) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        errors.append(FieldError(resource, name, INVALID_VALUE, {"allowed_values": [True, False]}))
        return False
    return value


def _time(
    body: Mapping[str, Any],
    name: str,
    *,
    resource: str,
    field: str,
    now: datetime | None,
    errors: list[FieldError],
) -> str | None:
    value = body.get(name)
    if value is None:
        errors.append(FieldError(resource, field, REQUIRED, {}))
        return None
    error = _timestamp_error(resource, field, value)
    if error is not None:
        errors.append(error)
        return None
    moment = _parse(value)
    if now is not None and moment <= now:
        errors.append(
            FieldError(
                resource,
                field,
                INVALID_DATE,
                {GREATER_THAN: format_timestamp(now), MESSAGE: "must be in the future"},
            )
        )
        return None
    return format_timestamp(moment)


def _unpermitted(value: object, permitted: Sequence[str], prefix: str) -> list[str]:
    if not isinstance(value, Mapping):
        return []
    return [
        f"{prefix}{key}" if isinstance(key, str) else f"{prefix}{key!r}"
        for key in value
        if key not in permitted
    ]


def _items(value: object) -> list[Any] | None:
    return list(value) if isinstance(value, list | tuple) else None


def _feedback_request_unpermitted(body: Mapping[str, Any]) -> list[str]:
    names = _unpermitted(body, FEEDBACK_REQUEST_PARAMETERS, "")
    names += _unpermitted(body.get("sms"), SMS_PARAMETERS, "sms.")
    for index, entry in enumerate(_items(body.get("data")) or ()):
        names += _unpermitted(entry, DATA_PARAMETERS, f"data[{index}].")
    for index, entry in enumerate(_items(body.get("reminders")) or ()):
        names += _unpermitted(entry, REMINDER_PARAMETERS, f"reminders[{index}].")
    return names


def check_feedback_request(
    body: Mapping[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """The normalised body of `POST /feedback_requests`, or every error at once.

    Every parameter is present in the result (absent ones as null, or false
    for the two flags); timestamps are UTC text. `now` (aware) turns on the
    "in the future" checks of `send_at`; a client leaves it None, as its
    clock is not the server's. Raises `UnpermittedParameters` (403) before
    any field check, and `ValidationError` (422) with resource
    "/feedback_requests/".

    >>> check_feedback_request({"survey_id": 1})
    Traceback (most recent call last):
    ...
    cswidget.errors.ValidationError: Validation error; email: required; send_at: required; \
email_template_id: required
    """
    if not isinstance(body, Mapping):
        raise ValidationError(
            [FieldError(FEEDBACK_REQUESTS_RESOURCE, "body", INVALID_VALUE, {MESSAGE: "an object"})]
        )
    unpermitted = _feedback_request_unpermitted(body)
    if unpermitted:
        raise UnpermittedParameters(unpermitted)
    resource = FEEDBACK_REQUESTS_RESOURCE
    errors: list[FieldError] = []
    sms = _sms(body.get("sms"), errors)
    is_sms = body.get("sms") is not None
    email: str | None = None
    if body.get("email") is not None or not is_sms:
        email = _text(body, "email", resource=resource, errors=errors, required=not is_sms)
        if email is not None and not _EMAIL.search(email):
            info = {VALID_FORMAT: EMAIL_PATTERN}
            errors.append(FieldError(resource, "email", INVALID_FORMAT, info))
            email = None
    send_at = _time(body, "send_at", resource=resource, field="send_at", now=now, errors=errors)
    survey_id = None
    if body.get("survey_id") is None:
        errors.append(FieldError(resource, "survey_id", REQUIRED, {}))
    else:
        survey_id = check_id(body["survey_id"], resource=resource, field="survey_id", errors=errors)
    email_template_id = None
    if body.get("email_template_id") is not None:
        email_template_id = check_id(
            body["email_template_id"], resource=resource, field="email_template_id", errors=errors
        )
    elif not is_sms:
        errors.append(FieldError(resource, "email_template_id", REQUIRED, {}))
    normalised = {
        "email": email,
        "send_at": send_at,
        "survey_id": survey_id,
        "email_template_id": email_template_id,
        "first_name": _text(body, "first_name", resource=resource, errors=errors),
        "surname": _text(body, "surname", resource=resource, errors=errors),
        "reference": _text(body, "reference", resource=resource, errors=errors),
        "machine_id": _text(
            body, "machine_id", resource=resource, errors=errors, maximum=MAX_MACHINE_ID_LENGTH
        ),
        "external_link": _boolean(body, "external_link", resource=resource, errors=errors),
        "ignore_throttle": _boolean(body, "ignore_throttle", resource=resource, errors=errors),
        "data": _data(body.get("data"), errors),
        "sms": sms,
        "reminders": _reminders(body.get("reminders"), now, errors),
    }
    if errors:
        raise ValidationError(errors)
    return normalised


def _list(value: object, name: str, maximum: int, errors: list[FieldError]) -> list[Any] | None:
    if value is None:
        return None
    items = _items(value)
    if items is None:
        errors.append(
            FieldError(FEEDBACK_REQUESTS_RESOURCE, name, INVALID_VALUE, {MESSAGE: "an array"})
        )
        return None
    if len(items) > maximum:
        errors.append(
            FieldError(FEEDBACK_REQUESTS_RESOURCE, name, WRONG_LENGTH, {MAXIMUM: maximum})
        )
        return None
    return items


def _entry(value: object, field: str, errors: list[FieldError]) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    errors.append(
        FieldError(FEEDBACK_REQUESTS_RESOURCE, field, INVALID_VALUE, {MESSAGE: "an object"})
    )
    return None


def _data(value: object, errors: list[FieldError]) -> list[dict[str, str | None]]:
    resource = FEEDBACK_REQUESTS_RESOURCE
    result = []
    for index, item in enumerate(_list(value, "data", MAX_DATA_ENTRIES, errors) or ()):
        entry = _entry(item, f"data[{index}]", errors)
        if entry is None:
            continue
        key = _text(
            entry, "key", resource=resource, errors=errors, field=f"data[{index}].key",
            required=True, maximum=MAX_KEY_LENGTH,
        )  # fmt: skip
        text = _text(
            entry, "value", resource=resource, errors=errors, field=f"data[{index}].value",
            maximum=MAX_VALUE_LENGTH,
        )  # fmt: skip
        if key is not None:
            result.append({"key": key, "value": text})
    return result


def _sms(value: object, errors: list[FieldError]) -> dict[str, Any] | None:
    resource = FEEDBACK_REQUESTS_RESOURCE
    if value is None:
        return None
    sms = _entry(value, "sms", errors)
    if sms is None:
        return None
    number = _text(
        sms, "number", resource=resource, errors=errors, field="sms.number", required=True,
        maximum=MAX_PHONE_NUMBER_LENGTH,
    )  # fmt: skip
    template_id = None
    if sms.get("text_message_template_id") is None:
        errors.append(FieldError(resource, "sms.text_message_template_id", REQUIRED, {}))
    else:
        template_id = check_id(
            sms["text_message_template_id"],
            resource=resource,
            field="sms.text_message_template_id",
            errors=errors,
        )
    return {"number": number, "text_message_template_id": template_id}


def _reminders(
    value: object, now: datetime | None, errors: list[FieldError]
) -> list[dict[str, Any]]:
    resource = FEEDBACK_REQUESTS_RESOURCE
    result = []
    for index, item in enumerate(_list(value, "reminders", MAX_REMINDERS, errors) or ()):
        field = f"reminders[{index}]"
        entry = _entry(item, field, errors)
        if entry is None:
            continue
        send_at = _time(
            entry, "send_at", resource=resource, field=f"{field}.send_at", now=now, errors=errors
        )
        ids: dict[str, int | None] = {}
        for name in ("email_template_id", "text_message_template_id"):
            given = entry.get(name)
            ids[name] = (
                None
                if given is None
                else check_id(given, resource=resource, field=f"{field}.{name}", errors=errors)
            )
        given_names = [name for name in ids if entry.get(name) is not None]
        if len(given_names) != 1:
            message = "give either email_template_id or text_message_template_id, not both"
            error = REQUIRED if not given_names else INVALID_VALUE
            errors.append(
                FieldError(resource, f"{field}.email_template_id", error, {MESSAGE: message})
            )
        result.append({"send_at": send_at, **ids})
    return result


def check_site(body: Mapping[str, Any], *, resource: str, partial: bool = False) -> dict[str, Any]:
    """The normalised body of `POST /sites` (or, `partial`, `PATCH /sites/:id`).

    `resource` names the site in errors: "/sites/" for a new one, "/sites/hq"
    for an update. A new site has every attribute (null where not given); an
    update has only the attributes given.

    >>> check_site({"site_code": "hq", "name": "Head Office", "region": "Tyne and Wear"},
    ...            resource="/sites/")["city"] is None
    True
    """
    if not isinstance(body, Mapping):
        raise ValidationError([FieldError(resource, "body", INVALID_VALUE, {MESSAGE: "an object"})])
    unpermitted = _unpermitted(body, SITE_PARAMETERS, "")
    if unpermitted:
        raise UnpermittedParameters(unpermitted)
    errors: list[FieldError] = []
    normalised: dict[str, Any] = {}
    for name in SITE_PARAMETERS:
        if partial and name not in body:
            continue
        normalised[name] = _text(
            body, name, resource=resource, errors=errors, required=name in SITE_REQUIRED_PARAMETERS
        )
    if errors:
        raise ValidationError(errors)
    return normalised
