"""Fast checks: the JSON Schemas in `cswidget.schemas`, written as plain Python.

The rendering hot path calls these instead of jsonschema (about ten times
the cost of rendering). tests/test_schema_differential.py proves, over
generated valid and invalid inputs, that they accept exactly what the
schemas accept.
"""

from __future__ import annotations

import datetime
import math
import re
import sys
from collections.abc import Mapping
from typing import Any, Final, TypeAlias

from . import rules
from .errors import FieldError
from .vocabulary import (
    DISALLOWED_VALUES,
    FORBIDDEN_VALUE,
    GREATER_THAN,
    INVALID_DATE,
    INVALID_FORMAT,
    INVALID_VALUE,
    LESS_THAN,
    MAX_KEY_LENGTH,
    MAX_VALUE_LENGTH,
    MAXIMUM,
    MESSAGE,
    MINIMUM,
    VALID_FORMAT,
    WRONG_LENGTH,
)

JsonScalar: TypeAlias = str | int | float | bool | None

_FORBIDDEN_IN_KEYS = re.compile(rules.KEY_FORBIDDEN_CHARACTERS_PATTERN)
_SURROGATE = re.compile(rules.SURROGATE_PATTERN)
_EMAIL = re.compile(rules.EMAIL_PATTERN)

# Keys already found valid. Pages render the same few keys over and over, so
# remembering them takes the key checks off the hot path. Bounded so a
# stream of distinct keys cannot grow it without limit.
_valid_keys: set[str] = set()
_VALID_KEYS_LIMIT: Final = 4096

# How much of an invalid key an error message repeats.
MAX_ECHOED_KEY: Final = 100


def plain_key(key: object) -> object:
    """`key` as a plain str if it is any kind of str, else unchanged.

    Every check and classification runs on this: a str subclass's own
    `__eq__`/`__hash__` must not decide which rules apply to its characters.
    """
    return str.__str__(key) if isinstance(key, str) and type(key) is not str else key


def field_name(prefix: str, key: object) -> str:
    """`prefix.key` for errors, without running a hostile key's own code.

    A key longer than `MAX_ECHOED_KEY` characters is cut there and ends in
    "…": an error should name the key, not repeat a megabyte of it.
    """
    if isinstance(key, str):
        text = str.__str__(key)
        if len(text) > MAX_ECHOED_KEY:
            text = text[:MAX_ECHOED_KEY] + "…"
        return f"{prefix}.{text}"
    if isinstance(key, int | float):
        return f"{prefix}.{int.__repr__(key) if isinstance(key, int) else float.__repr__(key)}"
    return f"{prefix}.<{type(key).__name__}>"


def key_count_errors(resource: str, field: str, count: int) -> list[FieldError]:
    """A params object of `count` keys is too big beyond `MAX_PARAMS_KEYS`.

    Checked before any key is: the refusal costs the same for a million keys.
    """
    if count <= rules.MAX_PARAMS_KEYS:
        return []
    info = {MAXIMUM: rules.MAX_PARAMS_KEYS, MESSAGE: f"at most {rules.MAX_PARAMS_KEYS} keys"}
    return [FieldError(resource, field, WRONG_LENGTH, info)]


def key_errors(resource: str, field: str, key: object) -> list[FieldError]:
    """Problems with one params key; `field` names it in the errors."""
    if type(key) is str and key in _valid_keys:
        return []
    if not isinstance(key, str):
        return [FieldError(resource, field, INVALID_VALUE, {MESSAGE: "keys must be strings"})]
    # Checked as its characters: a str subclass may redefine == and hash.
    key = str.__str__(key)
    errors = []
    if not key:
        errors.append(FieldError(resource, field, WRONG_LENGTH, {MINIMUM: 1}))
    elif len(key) > MAX_KEY_LENGTH:
        # Too long says it all: a megabyte key is not searched character by
        # character, so refusing it costs no more than refusing a short one.
        return [FieldError(resource, field, WRONG_LENGTH, {MAXIMUM: MAX_KEY_LENGTH})]
    if _FORBIDDEN_IN_KEYS.search(key):
        errors.append(
            FieldError(
                resource,
                field,
                FORBIDDEN_VALUE,
                {MESSAGE: "keys must not contain control or invisible formatting characters"},
            )
        )
    if key in rules.PROTOTYPE_KEYS:
        errors.append(
            FieldError(
                resource, field, FORBIDDEN_VALUE, {DISALLOWED_VALUES: list(rules.PROTOTYPE_KEYS)}
            )
        )
    if _SURROGATE.search(key):
        errors.append(_surrogate_error(resource, field))
    if not errors and type(key) is str:
        if len(_valid_keys) >= _VALID_KEYS_LIMIT:
            _valid_keys.clear()
        _valid_keys.add(key)
    return errors


def _surrogate_error(resource: str, field: str) -> FieldError:
    return FieldError(
        resource,
        field,
        INVALID_VALUE,
        {MESSAGE: "text must not contain lone surrogates (it cannot be encoded as UTF-8)"},
    )


def normalise_value(
    resource: str, field: str, value: object
) -> tuple[JsonScalar, list[FieldError]]:
    """The JSON value `value` is sent as, and any problems with it.

    str subclasses (markupsafe.Markup included) become plain str: user data
    is never trusted as markup. Decimal and UUID become their text;
    date/datetime become ISO 8601 UTC text, naive meaning UTC (as the API
    documents).
    """
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        return text, _text_errors(resource, field, text)
    if kind is bool or value is None:
        return value, []  # type: ignore[return-value]
    if kind is int or kind is float:
        return value, _number_errors(resource, field, value)  # type: ignore[arg-type,return-value]
    return _normalise_other(resource, field, value)


def is_plain(key: object, value: object) -> bool:
    """Whether `key: value` is valid and already normal, by a quick test.

    The overwhelmingly common case on real pages: a plain str key seen (and
    checked) before, and a plain, short, well-formed str value. False means
    "check it properly", not "invalid". (type() rather than isinstance: a
    str subclass could redefine == and hash to pass as a key it is not.)
    """
    return (
        type(key) is str
        and key in _valid_keys
        and type(value) is str
        and len(value) <= MAX_VALUE_LENGTH
        and (value.isascii() or not _SURROGATE.search(value))
    )


def normalise_mapping(
    resource: str, prefix: str, mapping: Mapping[Any, Any], errors: list[FieldError]
) -> dict[str, JsonScalar]:
    """A normalised copy of `mapping`; problems go to `errors`, each field
    named `prefix.key`. Entries with problems are left out of the copy."""
    normalised: dict[str, JsonScalar] = {}
    for key, value in mapping.items():
        if is_plain(key, value):
            normalised[key] = value
            continue
        key = plain_key(key)
        field = field_name(prefix, key)
        problems = key_errors(resource, field, key)
        json_value, value_problems = normalise_value(resource, field, value)
        if problems or value_problems:
            errors += problems
            errors += value_problems
        else:
            normalised[key] = json_value  # type: ignore[index]  # a str: key_errors passed
    return normalised


def _text_errors(resource: str, field: str, text: str) -> list[FieldError]:
    if len(text) > MAX_VALUE_LENGTH:
        # As for keys: too long is enough, whatever the text holds.
        return [FieldError(resource, field, WRONG_LENGTH, {MAXIMUM: MAX_VALUE_LENGTH})]
    errors = []
    if not text.isascii() and _SURROGATE.search(text):
        errors.append(_surrogate_error(resource, field))
    return errors


def _number_errors(resource: str, field: str, number: float) -> list[FieldError]:
    if -rules.MAX_SAFE_INTEGER <= number <= rules.MAX_SAFE_INTEGER:
        return []
    # NaN fails the comparison above too, and Infinity is outside the range.
    info: dict[str, object]
    if isinstance(number, float) and not math.isfinite(number):
        info = {MESSAGE: "NaN and Infinity are not valid JSON"}
    else:
        info = {GREATER_THAN: -rules.MAX_SAFE_INTEGER - 1, LESS_THAN: rules.MAX_SAFE_INTEGER + 1}
    return [FieldError(resource, field, INVALID_VALUE, info)]


def _normalise_other(resource: str, field: str, value: Any) -> tuple[JsonScalar, list[FieldError]]:
    if isinstance(value, str):
        # str.__str__ returns the characters themselves, whatever a subclass
        # does to __str__ or __html__.
        text = str.__str__(value)
        return text, _text_errors(resource, field, text)
    if isinstance(value, bool):
        return bool(value), []
    if isinstance(value, int):
        number = int.__index__(value)
        return number, _number_errors(resource, field, number)
    if isinstance(value, float):
        real = float.__float__(value)
        return real, _number_errors(resource, field, real)
    # A value can only be a Decimal or a UUID if its module is loaded, so
    # those modules are looked up, not imported: uuid alone would add about a
    # tenth to `import cswidget`.
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(value, decimal.Decimal):
        Decimal = decimal.Decimal
        if not Decimal.is_finite(value):
            return None, _number_errors(resource, field, math.nan)
        text = Decimal.__str__(value)
        return text, _text_errors(resource, field, text)
    if isinstance(value, datetime.date):
        try:
            text = _iso_utc(value)
        except (OverflowError, ValueError, TypeError, ArithmeticError):
            # Out of range once in UTC, or a tzinfo that answers nonsense.
            info = {MESSAGE: "not a date and time between years 1 and 9999 in UTC"}
            return None, [FieldError(resource, field, INVALID_DATE, info)]
        return text, _text_errors(resource, field, text)
    uuid = sys.modules.get("uuid")
    if uuid is not None and isinstance(value, uuid.UUID):
        text = f"{uuid.UUID.__int__(value):032x}"
        text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
        return text, _text_errors(resource, field, text)
    return None, [
        FieldError(
            resource,
            field,
            INVALID_VALUE,
            {MESSAGE: f"must be {rules.PYTHON_VALUE_TYPES}, not {type(value).__name__}"},
        )
    ]


def _iso_utc(value: datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        if datetime.datetime.utcoffset(value) is not None:
            value = datetime.datetime.astimezone(value, datetime.UTC)
        fields = [value.year, value.month, value.day, value.hour, value.minute, value.second]
    else:
        fields = [value.year, value.month, value.day, 0, 0, 0]
    # Rebuilt as a plain datetime: a subclass's fields must be real numbers.
    year, month, day, hour, minute, second = fields
    moment = datetime.datetime(year, month, day, hour, minute, second)  # UTC now
    # Formatted by hand: strftime("%Y") drops the leading zeros of years
    # before 1000 on glibc. Sub-second precision is dropped, as the API does.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def pattern_errors(resource: str, field: str, value: object, pattern: str) -> list[FieldError]:
    """`value` must be a str matching `pattern` (a rules.*_PATTERN)."""
    if isinstance(value, str) and re.search(pattern, value):
        return []
    return [FieldError(resource, field, INVALID_FORMAT, {VALID_FORMAT: pattern})]


def email_errors(resource: str, field: str, value: JsonScalar) -> list[FieldError]:
    """A customer email is null or text that looks like an address."""
    if value is None or (isinstance(value, str) and _EMAIL.search(value)):
        return []
    return [FieldError(resource, field, INVALID_FORMAT, {VALID_FORMAT: rules.EMAIL_PATTERN})]
