"""Survey params: the data a page passes to a survey in `data-survey-params`.

CustomerSure files each key by its name: customer fields, segment keys and
everything else as unique metadata. `SurveyParams` keeps the three apart so a
key cannot land in the wrong place unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

from . import rules
from .checks import (
    JsonScalar,
    email_errors,
    is_plain,
    key_count_errors,
    normalise_mapping,
    plain_key,
)
from .errors import FieldError, ValidationError
from .vocabulary import (
    ALLOWED_VALUES,
    BUILTIN_SEGMENT_KEYS,
    CUSTOMER_FIELDS,
    DISALLOWED_VALUES,
    FORBIDDEN_VALUE,
    INVALID_VALUE,
    MESSAGE,
)

__all__ = ["SurveyParams"]

_CUSTOMER_FIELDS = frozenset(CUSTOMER_FIELDS)
_BUILTIN_SEGMENT_KEYS = frozenset(BUILTIN_SEGMENT_KEYS)
_SEGMENT_DISALLOWED = frozenset(rules.SEGMENT_DISALLOWED_KEYS)
_METADATA_DISALLOWED = frozenset(rules.METADATA_DISALLOWED_KEYS)
_EMPTY: Mapping[str, JsonScalar] = MappingProxyType({})


@dataclass(frozen=True, init=False, eq=True)
class SurveyParams:
    """Validated survey params, by the category CustomerSure files them in.

    >>> params = SurveyParams(
    ...     customer={"name": "Kate", "email": "kate@example.com"},
    ...     segments={"site_code": "hq"},
    ...     metadata={"reference": "INV-2090"},
    ... )
    >>> params.to_dict()
    {'name': 'Kate', 'email': 'kate@example.com', 'site_code': 'hq', 'reference': 'INV-2090'}

    Values are normalised to JSON: str subclasses to plain str, Decimal and
    UUID to text, date/datetime to `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    Raises `ValidationError` listing every problem at once.
    """

    customer: Mapping[str, JsonScalar]
    segments: Mapping[str, JsonScalar]
    metadata: Mapping[str, JsonScalar]

    __hash__ = None  # type: ignore[assignment]  # holds mappings

    def __init__(
        self,
        *,
        customer: Mapping[str, Any] | None = None,
        segments: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self._build(customer, segments, metadata, classified=False)

    def _build(
        self,
        customer: Mapping[str, Any] | None,
        segments: Mapping[str, Any] | None,
        metadata: Mapping[str, Any] | None,
        *,
        classified: bool,
    ) -> None:
        count = sum(
            len(part) for part in (customer, segments, metadata) if isinstance(part, Mapping)
        )
        errors = key_count_errors(rules.SURVEY_PARAMS, "params", count)
        if errors:
            raise ValidationError(errors)
        normalised_customer = _normalise("customer", customer, errors)
        normalised_segments = _normalise("segments", segments, errors)
        normalised_metadata = _normalise("metadata", metadata, errors)
        for key, value in normalised_customer.items():
            if key not in _CUSTOMER_FIELDS:
                errors.append(
                    FieldError(
                        rules.SURVEY_PARAMS,
                        f"customer.{key}",
                        INVALID_VALUE,
                        {ALLOWED_VALUES: list(CUSTOMER_FIELDS)},
                    )
                )
            elif key == "email":
                errors += email_errors(rules.SURVEY_PARAMS, "customer.email", value)
        for key in normalised_segments:
            if key in _SEGMENT_DISALLOWED:
                errors.append(
                    FieldError(
                        rules.SURVEY_PARAMS,
                        f"segments.{key}",
                        FORBIDDEN_VALUE,
                        {DISALLOWED_VALUES: list(rules.SEGMENT_DISALLOWED_KEYS)},
                    )
                )
        # A metadata key named like a customer field or a segment key, built
        # in or used in this object, would be filed as that instead. from_flat
        # classified every key by that very rule, so it cannot happen there.
        if normalised_metadata and not classified:
            custom_segments = normalised_segments.keys() - _BUILTIN_SEGMENT_KEYS
            if normalised_metadata.keys() & (_METADATA_DISALLOWED | custom_segments):
                disallowed = [*rules.METADATA_DISALLOWED_KEYS]
                disallowed += [k for k in normalised_segments if k in custom_segments]
                errors += _clash_errors("metadata", normalised_metadata, disallowed)
        if errors:
            raise ValidationError(sorted(errors, key=_error_order))
        self._set(normalised_customer, normalised_segments, normalised_metadata)

    def _set(
        self,
        customer: dict[str, JsonScalar],
        segments: dict[str, JsonScalar],
        metadata: dict[str, JsonScalar],
    ) -> None:
        # One update instead of three frozen-dataclass-proof setattr calls.
        self.__dict__.update(
            customer=MappingProxyType(customer),
            segments=MappingProxyType(segments),
            metadata=MappingProxyType(metadata),
        )

    @classmethod
    def from_flat(
        cls, mapping: Mapping[str, Any], *, segment_keys: Iterable[str] = ()
    ) -> SurveyParams:
        """Classify a flat mapping by the documented rules.

        Customer field names go to `customer`; `staff_code`, `site_code` and
        the account's own `segment_keys` to `segments`; everything else to
        `metadata`.

        >>> SurveyParams.from_flat({"email": "a@b.co", "region": "north"},
        ...                        segment_keys=["region"]).segments
        mappingproxy({'region': 'north'})
        """
        customer, segments, metadata, ready = _split(mapping, segment_keys)
        params = cls.__new__(cls)
        if ready:
            params._set(customer, segments, metadata)
        else:
            params._build(customer, segments, metadata, classified=True)
        return params

    @classmethod
    def _flat_dict(
        cls, mapping: Mapping[str, Any], *, segment_keys: Iterable[str] = ()
    ) -> dict[str, JsonScalar]:
        # from_flat(mapping, segment_keys=...).to_dict(), without building
        # the object when the mapping needs nothing but classifying: the
        # rendering hot path. Raises ValidationError as from_flat does.
        customer, segments, metadata, ready = _split(mapping, segment_keys)
        if ready:
            return {**customer, **segments, **metadata}
        params = cls.__new__(cls)
        params._build(customer, segments, metadata, classified=True)
        return params.to_dict()

    def __reduce__(self) -> tuple[Any, ...]:
        # Mapping proxies do not pickle or deep-copy; rebuilding re-validates.
        return (_rebuild, (dict(self.customer), dict(self.segments), dict(self.metadata)))

    def to_dict(self) -> dict[str, JsonScalar]:
        """The flat JSON object for `data-survey-params`: customer fields,
        then segments, then metadata, each in the order given."""
        return {**self.customer, **self.segments, **self.metadata}

    def feedback_request_data(self) -> list[dict[str, JsonScalar]]:
        """The same data as the REST API's feedback request `data[]` list.

        Customer fields are left out: feedback requests carry them as their
        own attributes (`email`, `first_name`, ...), not as data.

        >>> SurveyParams(segments={"staff_code": "luke"}).feedback_request_data()
        [{'key': 'staff_code', 'value': 'luke'}]
        """
        return [
            {"key": key, "value": value}
            for part in (self.segments, self.metadata)
            for key, value in part.items()
        ]

    def check_segment_keys(self, segment_keys: Iterable[str]) -> None:
        """Check the params against an account's declared custom segments.

        With declared segments, a segment key that is neither built in nor
        declared would be filed as metadata, and a metadata key that is a
        declared segment would be filed as a segment. No declared segments
        means: accept any segment key.
        """
        declared = (
            segment_keys
            if isinstance(segment_keys, frozenset)
            else frozenset(_as_keys(segment_keys))
        )
        if not declared or (
            all(key in _BUILTIN_SEGMENT_KEYS or key in declared for key in self.segments)
            and self.metadata.keys().isdisjoint(declared)
        ):
            return
        allowed = [*BUILTIN_SEGMENT_KEYS, *sorted(declared - _BUILTIN_SEGMENT_KEYS)]
        errors = [
            FieldError(
                rules.SURVEY_PARAMS, f"segments.{key}", INVALID_VALUE, {ALLOWED_VALUES: allowed}
            )
            for key in self.segments
            if key not in _BUILTIN_SEGMENT_KEYS and key not in declared
        ]
        errors += _clash_errors(
            "metadata", self.metadata, [*rules.METADATA_DISALLOWED_KEYS, *sorted(declared)]
        )
        if errors:
            raise ValidationError(errors)


def _split(
    mapping: Mapping[str, Any], segment_keys: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], bool]:
    """A flat mapping's customer, segments and metadata, by the documented
    rules, and whether they are ready as they are (every entry plain and
    every category rule met), so that _build()'s second pass can be skipped.
    """
    # type() first: the ABC check costs more than classifying a key.
    if type(mapping) is not dict and not isinstance(mapping, Mapping):
        raise ValidationError(
            [
                FieldError(
                    rules.SURVEY_PARAMS, "params", INVALID_VALUE, {MESSAGE: "must be a mapping"}
                )
            ]
        )
    if len(mapping) > rules.MAX_PARAMS_KEYS:
        raise ValidationError(key_count_errors(rules.SURVEY_PARAMS, "params", len(mapping)))
    segment_names = (
        segment_keys
        if isinstance(segment_keys, frozenset) and segment_keys >= _BUILTIN_SEGMENT_KEYS
        else _BUILTIN_SEGMENT_KEYS.union(_as_keys(segment_keys))
    )
    customer: dict[str, Any] = {}
    segments: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    plain = True
    for key, value in mapping.items():
        plain = plain and is_plain(key, value)
        if type(key) is not str:
            key = cast(str, plain_key(key))
        if key in _CUSTOMER_FIELDS:
            customer[key] = value
        elif key in segment_names:
            segments[key] = value
        else:
            metadata[key] = value
    ready = (
        plain
        and ("email" not in customer or not email_errors("", "", customer["email"]))
        and segments.keys().isdisjoint(_SEGMENT_DISALLOWED)
    )
    return customer, segments, metadata, ready


def _as_keys(segment_keys: Iterable[str]) -> Iterable[str]:
    # A lone string would otherwise be read as one key per character.
    return (segment_keys,) if isinstance(segment_keys, str) else segment_keys


def _rebuild(
    customer: dict[str, Any], segments: dict[str, Any], metadata: dict[str, Any]
) -> SurveyParams:
    return SurveyParams(customer=customer, segments=segments, metadata=metadata)


def _normalise(
    category: str, mapping: Mapping[str, Any] | None, errors: list[FieldError]
) -> dict[str, JsonScalar]:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        errors.append(
            FieldError(rules.SURVEY_PARAMS, category, INVALID_VALUE, {MESSAGE: "must be a mapping"})
        )
        return {}
    return normalise_mapping(rules.SURVEY_PARAMS, category, mapping, errors)


def _clash_errors(
    category: str, mapping: Mapping[str, JsonScalar], disallowed: list[str]
) -> list[FieldError]:
    clashing = mapping.keys() & set(disallowed)
    return [
        FieldError(
            rules.SURVEY_PARAMS,
            f"{category}.{key}",
            FORBIDDEN_VALUE,
            {DISALLOWED_VALUES: disallowed},
        )
        for key in mapping
        if key in clashing
    ]


_CATEGORY_ORDER = {"customer": 0, "segments": 1, "metadata": 2}


def _error_order(error: FieldError) -> int:
    # Errors read in the order of the snippet: customer, segments, metadata.
    return _CATEGORY_ORDER.get(error.field.partition(".")[0], 3)
