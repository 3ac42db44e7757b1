"""JSON on the wire: the base of every REST API v1 shape, and decoding that is
exact when the API is and tolerant where the seed's own examples are not.

`cswidget.contract` declares each shape once, as a frozen msgspec Struct
subclassing `Shape`. This module decodes JSON into them in two ways:

- the exact path, msgspec's typed decoder straight from bytes: every
  documented field present, of its documented type, nothing unknown. That is
  what the sandbox sends, and it costs less than `json.loads` building dicts;
- the tolerant path, taken only when the exact one refuses: ids given as
  digits ("id": "1"), timestamps with an offset or none (UTC assumed) or the
  text "null", fields missing (None, or the field's default), and fields the
  seed does not name, kept in `.extra`. A value of the wrong type raises
  `ShapeError` naming the field.

Both paths give the same objects: aware UTC datetimes, read-only mappings.

    >>> from cswidget.contract import Site
    >>> site = decode(Site, b'{"id": 111, "site_code": "hq", "name": "Head Office",'
    ...                     b' "city": null, "region": "North", "opened": "2024"}')
    >>> site.id, site.site_type, dict(site.extra)
    ('111', None, {'opened': '2024'})
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, Self, TypeVar

import msgspec
import msgspec.inspect as inspect

from .api_rules import format_timestamp

__all__ = [
    "MAX_JSON_DEPTH",
    "Shape",
    "ShapeError",
    "TimedShape",
    "decode",
    "decode_list",
    "encode",
    "json_too_deep",
]

S = TypeVar("S", bound="Shape")
# The API's deepest answer (a response's answers' choices) nests 4 levels; a
# body nested deeper than this is refused before an untyped decoder, which
# recurses once per level, sees it. (The exact path stops at the first level
# of the wrong type by itself.)
MAX_JSON_DEPTH: Final = 32
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class ShapeError(ValueError):
    """JSON that is not the documented shape; `field` names where
    (`FeedbackRequest.reminders[0].send_at`), or is empty for the whole body."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class Shape(msgspec.Struct, frozen=True, kw_only=True, dict=True, forbid_unknown_fields=True):
    """A frozen, typed JSON object of the API.

    `extra` holds the fields a newer API sends that the seed does not name
    (read-only, empty for the exact path). Equality compares the documented
    fields only.
    """

    @property
    def extra(self) -> Mapping[str, Any]:
        """Fields the API sent that the seed does not document."""
        extra: Mapping[str, Any] = self.__dict__.get("_extra", _EMPTY)
        return extra

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Build from an already decoded JSON object (tolerantly); raises
        `ShapeError` naming the field when a value has the wrong type.

        >>> from cswidget.contract import Site
        >>> Site.from_json({"id": "1", "site_code": "hq", "name": "HQ", "city": None,
        ...                 "region": "North"}).site_type is None
        True
        """
        return _tolerant(cls, data, cls.__name__)

    def to_json(self) -> dict[str, Any]:
        """The object as the API's JSON: the same names, `extra` merged back,
        times as `YYYY-MM-DDTHH:MM:SSZ`.

        >>> from cswidget.contract import Site
        >>> Site.from_json({"id": "1", "site_code": "hq", "name": "HQ", "city": None,
        ...                 "region": "North", "opened": 2024}).to_json()["opened"]
        2024
        """
        body = {name: _plain(getattr(self, name)) for name in self.__struct_fields__}
        body.update(self.extra)
        return body


class TimedShape(Shape, frozen=True):
    """A shape with timestamps: every one is made UTC when the object is built."""

    def __post_init__(self) -> None:
        # "We will always return times in UTC": an offset a server sends
        # anyway (the seed's reminders say +0100) becomes UTC here, so every
        # datetime a caller sees is UTC whichever path decoded it.
        times = _TIMES.get(type(self))
        if times is None:
            times = _TIMES[type(self)] = tuple(
                name
                for name, kind in _field_kinds(type(self))
                if isinstance(_unwrap_optional(kind), inspect.DateTimeType)
            )
        for name in times:
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is not UTC:
                msgspec.structs.force_setattr(self, name, _utc(moment))


_TIMES: dict[type[Shape], tuple[str, ...]] = {}


def _utc(moment: datetime) -> datetime:
    # Naive means UTC ("Omitting the timezone specifier ... we assume UTC").
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, Shape):
        return value.to_json()
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


# --- encoding ---------------------------------------------------------------


def _enc_hook(value: Any) -> Any:
    if isinstance(value, MappingProxyType):
        return dict(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_ENCODER = msgspec.json.Encoder(enc_hook=_enc_hook)


def encode(value: Any) -> bytes:
    """`value` (shapes, lists of them, plain JSON values) as UTF-8 JSON.

    Times come out as the API writes them (`2023-08-20T17:00:00Z`), as long
    as they hold whole seconds, as every time the sandbox stores does.
    """
    return _ENCODER.encode(value)


# --- the exact path -----------------------------------------------------------


@functools.cache
def _decoder(kind: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(kind)


def decode(cls: type[S], content: bytes | str) -> S:
    """One `cls` from JSON text; raises `ShapeError` if it is not one."""
    try:
        result: S = _decoder(cls).decode(content)
    except msgspec.ValidationError:
        return _tolerant(cls, _untyped(content), cls.__name__)
    except msgspec.DecodeError as error:
        raise ShapeError(f"the response is not valid JSON ({error})") from None
    except RecursionError:
        raise ShapeError(
            f"the response nests deeper than {MAX_JSON_DEPTH} levels, the most the client reads"
        ) from None
    return result


def decode_list(cls: type[S], content: bytes | str) -> list[S]:
    """A JSON array of `cls` (one page of a list)."""
    try:
        result: list[S] = _decoder(list[cls]).decode(content)  # type: ignore[valid-type]
    except msgspec.ValidationError:
        items = _untyped(content)
        if not isinstance(items, list):
            raise ShapeError("expected a JSON array of items") from None
        return [
            _tolerant(cls, item, f"{cls.__name__}[{index}]") for index, item in enumerate(items)
        ]
    except msgspec.DecodeError as error:
        raise ShapeError(f"the response is not valid JSON ({error})") from None
    except RecursionError:
        raise ShapeError(
            f"the response nests deeper than {MAX_JSON_DEPTH} levels, the most the client reads"
        ) from None
    return result


def _untyped(content: bytes | str) -> Any:
    raw = content.encode() if isinstance(content, str) else content
    if json_too_deep(raw):
        raise ShapeError(
            f"the response nests deeper than {MAX_JSON_DEPTH} levels, the most the client reads"
        )
    return msgspec.json.decode(content)


_QUOTE = ord('"')
_OPENERS = b"[{"
_CLOSERS = b"]}"
_KEPT = {_QUOTE, *_OPENERS, *_CLOSERS}
_NOT_KEPT = bytes(byte for byte in range(256) if byte not in _KEPT)
# One byte a position: 1 for a quote, else 0; 2 for an opener, 4 for a closer.
_QUOTE_LANES = bytes(1 if byte == _QUOTE else 0 for byte in range(256))
_BRACKET_LANES = bytes(
    2 if byte in _OPENERS else 4 if byte in _CLOSERS else 0 for byte in range(256)
)
# Lanes back to brackets: 2 -> "[", 4 -> "]"; everything else (a quote, or a
# bracket inside a string, which carries 8) is dropped.
_LANES_TO_BRACKETS = bytes.maketrans(b"\x02\x04", b"[]")
_NOT_OUTSIDE_BRACKET = bytes(byte for byte in range(256) if byte not in (2, 4))
_TO_SQUARE = bytes.maketrans(b"{}", b"[]")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit`,
    read from its bytes before a decoder that recurses once per level sees
    them (brackets inside strings do not count). Exact for well-formed JSON;
    a text that is not (a lone bracket too many) may pass with up to 2 *
    `limit` levels, where the decoder refuses it safely.

    Written with bytes and int operations only, which run in C: 16 MiB of
    `[` is checked in well under a second, where a loop over the bytes in
    Python takes several.

    >>> json_too_deep(b'{"a": [1, {"b": "]]]"}]}', limit=3)
    False
    >>> json_too_deep(b"[" * 100_000)
    True
    """
    brackets = _outside_strings(body).translate(_TO_SQUARE)
    # Each pass removes the innermost pairs, one level: a text nested `limit`
    # deep is empty after `limit` passes.
    for _ in range(limit):
        shorter = brackets.replace(b"[]", b"")
        if shorter == brackets:
            break
        brackets = shorter
    # A pair still there nests deeper than `limit`; what is left besides is
    # "]]][[[": brackets never closed, as deep as there are openers.
    return b"[]" in brackets or brackets.count(b"[") > limit


def _outside_strings(body: bytes) -> bytes:
    """The brackets of `body` that are not inside a JSON string, in order."""
    # Escapes first: an escaped backslash or quote ends no string.
    kept = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_KEPT)
    # An empty string (or two strings back to back) encloses nothing.
    kept = kept.replace(b'""', b"")
    if b'"' not in kept:
        return kept
    # A bracket is inside a string when an odd number of quotes come before
    # it: a running XOR of the quote lanes, computed on one big int (lanes
    # are bytes, and XOR never carries from one lane into the next).
    size = len(kept)
    parity = int.from_bytes(kept.translate(_QUOTE_LANES), "little")
    shift = 8
    while shift < 8 * size:
        parity ^= parity << shift
        shift *= 2
    parity &= (1 << (8 * size)) - 1
    lanes = int.from_bytes(kept.translate(_BRACKET_LANES), "little") + (parity << 3)
    return lanes.to_bytes(size, "little").translate(_LANES_TO_BRACKETS, _NOT_OUTSIDE_BRACKET)


# --- the tolerant path --------------------------------------------------------

_Convert = Callable[[Any, str], Any]


class _Wrong(Exception):
    """A value of the wrong type: `expected` says what was wanted."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def _field_kinds(cls: type[Shape]) -> tuple[tuple[str, inspect.Type], ...]:
    info = inspect.type_info(cls)
    assert isinstance(info, inspect.StructType)
    return tuple((field.name, _unwrap(field.type)) for field in info.fields)


def _unwrap(kind: inspect.Type) -> inspect.Type:
    while isinstance(kind, inspect.Metadata):
        kind = kind.type
    return kind


@functools.cache
def _plan(cls: type[Shape]) -> tuple[tuple[str, _Convert, bool, bool, Any], ...]:
    """(name, convert, nullable, required, default) for each field of `cls`."""
    info = inspect.type_info(cls)
    assert isinstance(info, inspect.StructType)
    plan = []
    for field in info.fields:
        kind = _unwrap(field.type)
        nullable = False
        if isinstance(kind, inspect.UnionType):
            members = [_unwrap(member) for member in kind.types]
            nullable = any(isinstance(member, inspect.NoneType) for member in members)
            rest = [member for member in members if not isinstance(member, inspect.NoneType)]
            kind = rest[0] if len(rest) == 1 else inspect.AnyType()
        default = field.default
        if field.default_factory is not msgspec.NODEFAULT:
            default = field.default_factory()
        plan.append((field.name, _converter(kind), nullable, field.required, default))
    return tuple(plan)


def _converter(kind: inspect.Type) -> _Convert:
    if isinstance(kind, inspect.IntType):
        return _integer
    if isinstance(kind, inspect.StrType):
        return _text
    if isinstance(kind, inspect.BoolType):
        return _flag
    if isinstance(kind, inspect.FloatType):
        return _number
    if isinstance(kind, inspect.DateTimeType):
        return _timestamp
    if isinstance(kind, inspect.StructType) and issubclass(kind.cls, Shape):
        model: type[Shape] = kind.cls
        return lambda value, where: _tolerant(model, value, where)
    if isinstance(kind, inspect.VarTupleType | inspect.ListType):
        return _many(_converter(_unwrap(kind.item_type)))
    if isinstance(kind, inspect.DictType):
        return _mapping(_nullable(_converter(_unwrap_optional(kind.value_type))))
    return lambda value, where: value


def _unwrap_optional(kind: inspect.Type) -> inspect.Type:
    kind = _unwrap(kind)
    if isinstance(kind, inspect.UnionType):
        rest = [m for m in map(_unwrap, kind.types) if not isinstance(m, inspect.NoneType)]
        return rest[0] if len(rest) == 1 else inspect.AnyType()
    return kind


def _nullable(convert: _Convert) -> _Convert:
    return lambda value, where: None if value is None else convert(value, where)


def _integer(value: Any, where: str) -> int:
    # The seed shows ids both as numbers and as digit strings ("id": "1").
    if type(value) is int:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    raise _Wrong("an integer")


def _text(value: Any, where: str) -> str:
    if type(value) is str:
        return value
    if type(value) is int:  # sites' and staff's ids: "id": "111" in one example, 111 in others
        return str(value)
    raise _Wrong("a string")


def _number(value: Any, where: str) -> float:
    if type(value) in (int, float):
        return value  # type: ignore[no-any-return]  # int is a float to the type checker
    raise _Wrong("a number")


def _flag(value: Any, where: str) -> bool:
    if type(value) is bool:
        return value
    raise _Wrong("true or false")


def _timestamp(value: Any, where: str) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise _Wrong("an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Wrong("an ISO 8601 timestamp") from None
    return moment if moment.tzinfo is UTC else _utc(moment)


def _many(convert: _Convert) -> _Convert:
    def many(value: Any, where: str) -> tuple[Any, ...]:
        if type(value) is not list:
            raise _Wrong("an array")
        return tuple(convert(item, f"{where}[{index}]") for index, item in enumerate(value))

    return many


def _mapping(convert: _Convert) -> _Convert:
    def mapping(value: Any, where: str) -> Mapping[str, Any]:
        if type(value) is not dict:
            raise _Wrong("an object")
        return MappingProxyType(
            {key: convert(item, f"{where}.{key}") for key, item in value.items()}
        )

    return mapping


def _tolerant(cls: type[S], data: Any, where: str) -> S:
    if type(data) is not dict:
        raise ShapeError("expected a JSON object", field=where)
    values: dict[str, Any] = {}
    for name, convert, nullable, required, default in _plan(cls):
        field = f"{where}.{name}"
        if name not in data:
            if not required:
                values[name] = default
            elif nullable:
                values[name] = None
            else:
                raise ShapeError("missing", field=field)
            continue
        value = data[name]
        # The seed's staff example writes a null time as the text "null".
        if value is None or (value == "null" and convert is _timestamp):
            if nullable:
                values[name] = None
            elif not required:
                values[name] = default
            else:
                raise ShapeError("null, where the API documents a value", field=field)
            continue
        try:
            values[name] = convert(value, field)
        except _Wrong as wrong:
            raise ShapeError(f"expected {wrong.expected}, got {value!r:.80}", field=field) from None
    result = cls(**values)
    if data.keys() - values.keys():
        result.__dict__["_extra"] = MappingProxyType(
            {key: item for key, item in data.items() if key not in values}
        )
    return result
