"""`make bench` only: the client's models before issue 16, kept as the
baseline the msgspec models are measured against (benchmarks/models.py).
Not used by cswidget. The original docstring follows.

The API's resources as frozen, typed objects.

Each class has the attributes the seed documents, typed as documented;
timestamps are aware UTC datetimes. Fields a newer API adds are kept in
`extra`, never an error:

    >>> site = Site.from_json({"id": 111, "site_code": "hq", "name": "Head Office",
    ...                        "city": None, "region": "North", "site_type": None,
    ...                        "opened": "2024"})
    >>> site.id, site.extra
    ('111', mappingproxy({'opened': '2024'}))

A response that breaks the documented types raises `InvalidResponseError`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, ClassVar, Self

from cswidget.api.errors import InvalidResponseError
from cswidget.api_rules import format_timestamp

__all__ = [
    "CSAT",
    "NPS",
    "Answer",
    "DataItem",
    "EmailTemplate",
    "FeedbackRequest",
    "FeedbackResponse",
    "Model",
    "Question",
    "Reminder",
    "ResponseRate",
    "Site",
    "Staff",
    "Survey",
    "SurveySummary",
    "TextMessageTemplate",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_Convert = Callable[[Any], Any]


def _no_extra() -> Mapping[str, Any]:
    return _EMPTY


class _Wrong(Exception):
    """A value of the wrong type; from_json names the field."""


def _integer(value: Any) -> int:
    # The seed shows ids both as numbers and as digit strings ("id": "1").
    if type(value) is int:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise _Wrong("an integer")


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if type(value) is int:  # sites' and staff's ids: "id": "111" in one example, 111 in others
        return str(value)
    raise _Wrong("a string")


def _number(value: Any) -> float:
    if type(value) in (int, float):
        return value  # type: ignore[no-any-return]  # int is a float to the type checker
    raise _Wrong("a number")


def _flag(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise _Wrong("true or false")


def _timestamp(value: Any) -> datetime | None:
    if value == "null":  # the seed's staff example writes null as a string
        return None
    if not isinstance(value, str):
        raise _Wrong("an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Wrong("an ISO 8601 timestamp") from None
    if moment.tzinfo is UTC:  # "Z", as the API returns every time
        return moment
    # "Omitting the timezone specifier ... will result in us assuming UTC."
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _mapping(value: Any) -> Mapping[str, Any]:
    if isinstance(value, dict):
        return MappingProxyType(value)
    raise _Wrong("an object")


def _nested(model: type[Model]) -> _Convert:
    return model.from_json


def _many(model: type[Model]) -> _Convert:
    def convert(value: Any) -> tuple[Model, ...]:
        if type(value) is not list:
            raise _Wrong("an array")
        # The compiled parser itself: from_json would look it up per item.
        return tuple(map(model.__dict__.get("_parse") or _compile(model), value))

    return convert


@dataclass(frozen=True, slots=True)
class Model:
    """Base of every resource: `extra` holds the fields the seed does not name."""

    # name -> converter; fields not listed are taken as they come.
    _CONVERT: ClassVar[Mapping[str, _Convert]] = {}
    _FIELDS: ClassVar[tuple[str, ...]] = ()
    # Fields typed without None: a response without them is not the API's.
    _REQUIRED: ClassVar[tuple[str, ...]] = ("id",)

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Build from the API's JSON object; missing fields are None."""
        parse = cls.__dict__.get("_parse") or _compile(cls)
        result: Self = parse(data)
        return result

    @classmethod
    def _checked(cls, data: Any) -> Self:
        # The plain version of what _compile() generates, used when a value
        # is wrong, to name the field in the error.
        if not isinstance(data, dict):
            raise InvalidResponseError(f"expected a JSON object for {cls.__name__}")
        convert = cls._CONVERT
        values: dict[str, Any] = {}
        for name in _field_names(cls):
            value = data.get(name)
            if value is not None and name in convert:
                try:
                    value = convert[name](value)
                except _Wrong as wrong:
                    raise InvalidResponseError(
                        f"{cls.__name__}.{name}: expected {wrong}, got {value!r:.80}"
                    ) from None
            values[name] = value
        for name in cls._REQUIRED:
            if values.get(name, "") is None:
                raise InvalidResponseError(f"{cls.__name__}.{name}: missing")
        extra = {key: value for key, value in data.items() if key not in values}
        extra_fields = MappingProxyType(extra) if extra else _EMPTY
        return cls(**values, extra=extra_fields)  # type: ignore[call-arg]  # every subclass has it

    def to_json(self) -> dict[str, Any]:
        """The object as the API's JSON: the same names, `extra` merged back,
        times as `YYYY-MM-DDTHH:MM:SSZ`.

        >>> Site.from_json({"id": "1", "name": "HQ", "opened": 2024}).to_json()["opened"]
        2024
        """
        names = type(self)._FIELDS or _field_names(type(self))
        body = {name: _plain(getattr(self, name)) for name in names}
        body.update(self.extra)  # type: ignore[attr-defined]  # every subclass has it
        return body


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_json()
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, MappingProxyType):
        return dict(value)
    return value


def _field_names(cls: type[Model]) -> tuple[str, ...]:
    names = cls.__dict__.get("_FIELDS")
    if not names:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name != "extra")
        cls._FIELDS = names
    return names


# Converters that return a value of this type unchanged.
_UNCHANGED: dict[_Convert, type] = {_text: str, _integer: int, _flag: bool}


def _compile(cls: type[Model]) -> Callable[[Any], Any]:
    """A parser for `cls` written out field by field, as dataclasses writes
    its __init__: paging 100 responses spent four times as long building
    objects through a generic loop as decoding their JSON. The result is
    the same as _checked()'s, which it falls back to when a value is wrong."""
    names = _field_names(cls)
    scope: dict[str, Any] = {
        "cls": cls,
        "new": object.__new__,
        "Wrong": _Wrong,
        "Invalid": InvalidResponseError,
        "proxy": MappingProxyType,
        "EMPTY": _EMPTY,
        "NAMES": frozenset(names),
        "set_extra": cls.__dict__["extra"].__set__,
    }
    lines = [
        "def parse(data):",
        "    if type(data) is not dict:",
        "        return cls._checked(data)",
        "    get = data.get",
        "    try:",
    ]
    for index, name in enumerate(names):
        lines.append(f"        v{index} = get({name!r})")
        if name in cls._CONVERT:
            convert = cls._CONVERT[name]
            scope[f"c{index}"] = convert
            # A value already of the documented type needs no call.
            kind = _UNCHANGED.get(convert)
            test = f" and type(v{index}) is not {kind.__name__}" if kind else ""
            lines.append(f"        if v{index} is not None{test}: v{index} = c{index}(v{index})")
    lines += ["    except Wrong:", "        return cls._checked(data)"]
    for name in cls._REQUIRED:
        if name in names:
            lines.append(f"    if v{names.index(name)} is None: return cls._checked(data)")
    lines += [
        "    if data.keys() <= NAMES:",
        "        extra = EMPTY",
        "    else:",
        "        extra = proxy({k: v for k, v in data.items() if k not in NAMES})",
        "    obj = new(cls)",
    ]
    for index, name in enumerate(names):
        # Slot descriptors set the attributes past the frozen __setattr__,
        # as the dataclass's own __init__ does.
        scope[f"s{index}"] = cls.__dict__[name].__set__
        lines.append(f"    s{index}(obj, v{index})")
    lines += ["    set_extra(obj, extra)", "    return obj"]
    exec("\n".join(lines), scope)  # generated from field names only
    parse: Callable[[Any], Any] = scope["parse"]
    cls._parse = parse  # type: ignore[attr-defined]
    return parse


@dataclass(frozen=True, slots=True)
class DataItem(Model):
    """One entry of a feedback request's `data[]`."""

    id: int | None
    key: str | None
    value: str | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _REQUIRED: ClassVar[tuple[str, ...]] = ()
    _CONVERT: ClassVar[Mapping[str, _Convert]] = {"id": _integer, "key": _text, "value": _text}


@dataclass(frozen=True, slots=True)
class Reminder(Model):
    """One of a feedback request's `reminders[]`."""

    id: int | None
    send_at: datetime | None
    sent_at: datetime | None
    email_template_id: int | None
    text_message_template_id: int | None
    not_sent_reason: str | None
    delivery_failure: str | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _REQUIRED: ClassVar[tuple[str, ...]] = ()
    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "id": _integer,
        "send_at": _timestamp,
        "sent_at": _timestamp,
        "email_template_id": _integer,
        "text_message_template_id": _integer,
        "not_sent_reason": _text,
        "delivery_failure": _text,
    }


_TIMES = ("send_at", "sent_at", "created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class FeedbackRequest(Model):
    """A feedback request: who to ask, when, and with which survey."""

    id: int
    email: str | None
    state: str | None
    first_name: str | None
    surname: str | None
    survey_id: int | None
    email_template_id: int | None
    reference: str | None
    machine_id: str | None
    send_at: datetime | None
    sent_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    not_sent_reason: str | None
    delivery_failure: str | None
    ignore_throttle: bool | None
    link: str | None
    data: tuple[DataItem, ...] | None
    reminders: tuple[Reminder, ...] | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "id": _integer,
        "survey_id": _integer,
        "email_template_id": _integer,
        "ignore_throttle": _flag,
        **dict.fromkeys(_TIMES, _timestamp),
        **dict.fromkeys(
            (
                "email", "state", "first_name", "surname", "reference", "machine_id",
                "not_sent_reason", "delivery_failure", "link",
            ),
            _text,
        ),
        "data": _many(DataItem),
        "reminders": _many(Reminder),
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Answer(Model):
    """One answer of a feedback response."""

    question_id: int | None
    question: str | None
    answer: str | None
    type: str | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "question_id": _integer,
        "question": _text,
        "answer": _text,
        "type": _text,
    }


@dataclass(frozen=True, slots=True)
class SurveySummary(Model):
    """The survey a feedback response answers: its id and name."""

    id: int | None
    name: str | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _REQUIRED: ClassVar[tuple[str, ...]] = ()
    _CONVERT: ClassVar[Mapping[str, _Convert]] = {"id": _integer, "name": _text}


@dataclass(frozen=True, slots=True)
class FeedbackResponse(Model):
    """A customer's completed survey.

    `fields` holds the customer's name, email, telephone_number and
    company_name, and the data the feedback request set.
    """

    id: int
    reference: str | None
    machine_id: str | None
    fields: Mapping[str, Any] | None
    answers: tuple[Answer, ...] | None
    submitted_at: datetime | None
    updated_at: datetime | None
    feedback_request: FeedbackRequest | None
    survey: SurveySummary | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "id": _integer,
        "reference": _text,
        "machine_id": _text,
        "fields": _mapping,
        "answers": _many(Answer),
        "submitted_at": _timestamp,
        "updated_at": _timestamp,
        "feedback_request": _nested(FeedbackRequest),
        "survey": _nested(SurveySummary),
    }


@dataclass(frozen=True, slots=True)
class ResponseRate(Model):
    """`GET /response_rate`."""

    response_rate_percent: float | None
    sent_count: int | None
    delivered_count: int | None
    reply_count: int | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "response_rate_percent": _number,
        **dict.fromkeys(("sent_count", "delivered_count", "reply_count"), _integer),
    }


@dataclass(frozen=True, slots=True)
class NPS(Model):
    """`GET /nps`: Net Promoter Score and its counts."""

    net_promoter_score: float | None
    promoter_count: int | None
    passive_count: int | None
    detractor_count: int | None
    total_number_of_ratings: int | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "net_promoter_score": _number,
        **dict.fromkeys(
            ("promoter_count", "passive_count", "detractor_count", "total_number_of_ratings"),
            _integer,
        ),
    }


@dataclass(frozen=True, slots=True)
class CSAT(Model):
    """`GET /csat`: the CSAT score and its counts."""

    csat: float | None
    very_negative_count: int | None
    negative_count: int | None
    neutral_count: int | None
    positive_count: int | None
    very_positive_count: int | None
    total_number_of_ratings: int | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "csat": _number,
        **dict.fromkeys(
            (
                "very_negative_count", "negative_count", "neutral_count", "positive_count",
                "very_positive_count", "total_number_of_ratings",
            ),
            _integer,
        ),
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Site(Model):
    """A site: a hotel, shop, branch or office."""

    id: str
    site_code: str | None
    name: str | None
    city: str | None
    region: str | None
    site_type: str | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = dict.fromkeys(
        ("id", "site_code", "name", "city", "region", "site_type"), _text
    )


@dataclass(frozen=True, slots=True)
class Staff(Model):
    """A staff member."""

    id: str
    code: str | None
    first_name: str | None
    surname: str | None
    email: str | None
    time_zone: str | None
    deactivated_at: datetime | None
    team_id: str | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        **dict.fromkeys(
            ("id", "code", "first_name", "surname", "email", "time_zone", "team_id"), _text
        ),
        "deactivated_at": _timestamp,
    }


@dataclass(frozen=True, slots=True)
class Question(Model):
    """One question of a survey."""

    id: int | None
    question: str | None
    answer_type: str | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _REQUIRED: ClassVar[tuple[str, ...]] = ()
    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "id": _integer,
        "question": _text,
        "answer_type": _text,
    }


@dataclass(frozen=True, slots=True)
class Survey(Model):
    """A survey, with its questions."""

    id: int
    name: str | None
    locale: str | None
    questions: tuple[Question, ...] | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "id": _integer,
        "name": _text,
        "locale": _text,
        "questions": _many(Question),
    }


@dataclass(frozen=True, slots=True)
class EmailTemplate(Model):
    """An email template for feedback requests and reminders."""

    id: int
    name: str | None
    from_name: str | None
    from_email: str | None
    subject: str | None
    body: str | None
    locale: str | None
    archived: bool | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "id": _integer,
        **dict.fromkeys(("name", "from_name", "from_email", "subject", "body", "locale"), _text),
        "archived": _flag,
    }


@dataclass(frozen=True, slots=True)
class TextMessageTemplate(Model):
    """A text message (SMS) template."""

    id: int
    name: str | None
    body: str | None
    locale: str | None
    archived: bool | None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=_no_extra)

    _CONVERT: ClassVar[Mapping[str, _Convert]] = {
        "id": _integer,
        **dict.fromkeys(("name", "body", "locale"), _text),
        "archived": _flag,
    }
