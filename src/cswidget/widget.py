"""`Widget`: one survey's widget on a CustomerSure account, and its markup."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from . import rules
from .checks import (
    JsonScalar,
    field_name,
    key_count_errors,
    key_errors,
    normalise_mapping,
    pattern_errors,
    plain_key,
)
from .codepoints import escape_json_text, text_problem
from .consent import Consent, checked_consent, gated_script_tag
from .errors import FieldError, ValidationError
from .html import attributes, element
from .params import SurveyParams
from .sampling import SampleKey, shows
from .scripts import checked_nonce, init_script
from .vocabulary import (
    BUILTIN_SEGMENT_KEYS,
    CONTAINER_ATTRIBUTE,
    CUSTOMER_FIELDS,
    DISALLOWED_VALUES,
    FORBIDDEN_VALUE,
    INVALID_VALUE,
    MESSAGE,
    REQUIRED,
    SPECIAL_METADATA_KEYS,
    SURVEY_PARAMS_ATTRIBUTE,
    WIDGET_PARAMS_ATTRIBUTE,
)

__all__ = ["Widget", "encode_json"]

# Compact, and non-ASCII kept as is: the page is UTF-8 and the HTML escaping
# below covers every character that matters inside an attribute.
_encode_json = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
).encode


def encode_json(value: Any) -> str:
    """`value` as compact JSON text that an HTML page may carry: code points
    HTML forbids (DEL, C1 controls, noncharacters) are written as escapes.

    >>> encode_json({"note": "Zoë\\x7f"})
    '{"note":"Zoë\\\\u007f"}'
    """
    return escape_json_text(_encode_json(value))


SurveyParamsInput = SurveyParams | Mapping[str, Any] | None


@dataclass(frozen=True, init=False)
class Widget:
    """One survey's website widget.

    >>> widget = Widget(org="acme", survey="AKknWccEFf7",
    ...                 script_src="https://acme.example/survey_widget.js")
    >>> print(widget.embed({"email": "kate@example.com", "reference": "INV-2090"}))
    <script src="https://acme.example/survey_widget.js"></script>
    <div data-customersure-survey-widget data-widget-params="{&#34;org&#34;:&#34;acme&#34;,\
&#34;survey&#34;:&#34;AKknWccEFf7&#34;}" data-survey-params="{&#34;email&#34;:\
&#34;kate@example.com&#34;,&#34;reference&#34;:&#34;INV-2090&#34;}"></div>
    <script>CustomerSureSurveyWidget.init();</script>

    `org` is the account subdomain, `survey` the survey URL code and
    `script_src` the script URL from CustomerSure's "Make a website widget"
    snippet. `segment_keys` declares the account's custom segments;
    `extra_params` passes further keys through in `data-widget-params`.
    Use `dataclasses.replace(widget, survey=...)` for another survey.
    """

    org: str
    survey: str
    script_src: str
    segment_keys: tuple[str, ...]
    extra_params: Mapping[str, JsonScalar]

    def __init__(
        self,
        *,
        org: str,
        survey: str,
        script_src: str,
        segment_keys: Iterable[str] = (),
        extra_params: Mapping[str, Any] | None = None,
    ) -> None:
        errors = _required_errors("org", org, rules.ORG_PATTERN)
        errors += _required_errors("survey", survey, rules.SURVEY_PATTERN)
        errors += _required_errors("script_src", script_src, rules.SCRIPT_SRC_PATTERN)
        declared, segment_errors = _checked_segment_keys(segment_keys)
        extra, extra_errors = _checked_extra_params(extra_params)
        errors += segment_errors + extra_errors
        if errors:
            raise ValidationError(errors)
        object.__setattr__(self, "org", str.__str__(org))
        object.__setattr__(self, "survey", str.__str__(survey))
        object.__setattr__(self, "script_src", str.__str__(script_src))
        object.__setattr__(self, "segment_keys", declared)
        object.__setattr__(self, "extra_params", MappingProxyType(extra))
        object.__setattr__(self, "_segment_names", frozenset(BUILTIN_SEGMENT_KEYS).union(declared))
        object.__setattr__(self, "_declared_segments", frozenset(declared))
        # The same on every render of this widget: escaped once.
        object.__setattr__(
            self,
            "_script_tags",
            tuple(
                element("script", [("src", self.script_src), ("defer", defer)])
                for defer in (False, True)
            ),
        )
        self._set_widget_params()

    def _set_widget_params(self) -> None:
        widget_params = {"org": self.org, "survey": self.survey, **self.extra_params}
        object.__setattr__(self, "_widget_params_json", encode_json(widget_params))
        object.__setattr__(
            self,
            "_container_attributes",
            attributes(
                [(CONTAINER_ATTRIBUTE, True), (WIDGET_PARAMS_ATTRIBUTE, self._widget_params_json)]
            ),
        )

    def _with_survey(self, survey: str) -> Widget:
        # dataclasses.replace(self, survey=survey) without validating the
        # rest again: account settings are checked once, not on every render.
        if type(survey) is str and survey == self.survey:
            return self
        errors = _required_errors("survey", survey, rules.SURVEY_PATTERN)
        if errors:
            raise ValidationError(errors)
        widget = object.__new__(Widget)
        widget.__dict__.update(self.__dict__)
        object.__setattr__(widget, "survey", str.__str__(survey))
        widget._set_widget_params()
        return widget

    __hash__ = None  # type: ignore[assignment]  # holds a mapping

    def __reduce__(self) -> tuple[Any, ...]:
        # Mapping proxies do not pickle or deep-copy; rebuilding re-validates.
        fields = (self.org, self.survey, self.script_src, self.segment_keys)
        return (_rebuild, (*fields, dict(self.extra_params)))

    def widget_params(self) -> dict[str, JsonScalar]:
        """The object that goes into `data-widget-params`."""
        return {"org": self.org, "survey": self.survey, **self.extra_params}

    def survey_params(self, params: SurveyParamsInput) -> SurveyParams | None:
        """`params` validated for this widget: a `SurveyParams`, or a flat
        mapping classified with this widget's `segment_keys`."""
        if params is None:
            return None
        if not isinstance(params, SurveyParams):
            # type() first: the ABC check costs more than the rest of a render step.
            if type(params) is not dict and not isinstance(params, Mapping):
                raise ValidationError(
                    [
                        FieldError(
                            rules.SURVEY_PARAMS,
                            "params",
                            INVALID_VALUE,
                            {MESSAGE: "must be a SurveyParams or a mapping"},
                        )
                    ]
                )
            # Classified with this widget's own segments: consistent by construction.
            return SurveyParams.from_flat(params, segment_keys=self._segment_names)
        params.check_segment_keys(self._declared_segments)
        return params

    def _survey_params_dict(self, params: SurveyParamsInput) -> dict[str, JsonScalar] | None:
        if type(params) is dict:
            # The common case, classified without building a SurveyParams.
            return SurveyParams._flat_dict(params, segment_keys=self._segment_names)
        survey_params = self.survey_params(params)
        return None if survey_params is None else survey_params.to_dict()

    def attributes(self, params: SurveyParamsInput = None) -> dict[str, str]:
        """The container's attributes as name -> value (JSON text, unescaped),
        for frameworks that set attributes themselves."""
        attributes = {
            CONTAINER_ATTRIBUTE: "",
            WIDGET_PARAMS_ATTRIBUTE: self._widget_params_json,
        }
        survey_params = self._survey_params_dict(params)
        if survey_params is not None:
            attributes[SURVEY_PARAMS_ATTRIBUTE] = encode_json(survey_params)
        return attributes

    def container(self, params: SurveyParamsInput = None) -> Markup:
        """The `<div data-customersure-survey-widget ...>` element.

        Without params there is no `data-survey-params` attribute.
        """
        survey_params = self._survey_params_dict(params)
        if survey_params is None:
            return element("div", [self._container_attributes])
        survey_json = encode_json(survey_params)
        return element("div", [self._container_attributes, (SURVEY_PARAMS_ATTRIBUTE, survey_json)])

    def script_tag(
        self,
        *,
        defer: bool = False,
        nonce: str | None = None,
        consent: str | Consent | None = None,
    ) -> Markup:
        """The `<script src=...>` that loads the widget; with `consent=`, the
        inert tag the consent manager activates (see `cswidget.consent`)."""
        gated = checked_consent(consent)
        if gated is not None:
            return gated_script_tag(
                gated, script_src=self.script_src, nonce=checked_nonce(nonce), defer=defer
            )
        if nonce is None:
            return self._script_tags[bool(defer)]
        return element(
            "script", [("src", self.script_src), ("nonce", checked_nonce(nonce)), ("defer", defer)]
        )

    def embed(
        self,
        params: SurveyParamsInput = None,
        *,
        defer: bool = False,
        nonce: str | None = None,
        consent: str | Consent | None = None,
        sample: float | None = None,
        sample_key: SampleKey | None = None,
        eligible: Callable[[], bool] | bool | None = None,
    ) -> Markup:
        """Script tag, container and init script, in the order that works:
        `data-survey-params` is in place before `init()` runs.

        With `defer=True` the widget script is deferred and init waits for
        DOMContentLoaded. With `consent=` (see `cswidget.consent`) it is the
        container, the consent gate and the inert script tag. With `sample=`
        (0 to 1) and `sample_key`, or `eligible=`, it is empty for people
        outside the sample or not eligible (see `cswidget.sampling`).
        """
        # Build the container first: a validation error leaves nothing behind.
        container = self.container(params)
        gated = checked_consent(consent)
        if not shows(survey=self.survey, sample=sample, sample_key=sample_key, eligible=eligible):
            checked_nonce(nonce)
            return Markup("")
        if gated is not None:
            return Markup("\n").join(
                [
                    container,
                    init_script(nonce=nonce, consent=gated),
                    self.script_tag(defer=defer, nonce=nonce, consent=gated),
                ]
            )
        return Markup("\n").join(
            [
                self.script_tag(defer=defer, nonce=nonce),
                container,
                init_script(nonce=nonce, defer=defer),
            ]
        )

    _widget_params_json: str = field(init=False, repr=False, compare=False)
    _segment_names: frozenset[str] = field(init=False, repr=False, compare=False)
    _declared_segments: frozenset[str] = field(init=False, repr=False, compare=False)
    _container_attributes: Markup = field(init=False, repr=False, compare=False)
    _script_tags: tuple[Markup, Markup] = field(init=False, repr=False, compare=False)


def _rebuild(
    org: str,
    survey: str,
    script_src: str,
    segment_keys: tuple[str, ...],
    extra_params: dict[str, JsonScalar],
) -> Widget:
    return Widget(
        org=org,
        survey=survey,
        script_src=script_src,
        segment_keys=segment_keys,
        extra_params=extra_params,
    )


def _required_errors(field: str, value: object, pattern: str) -> list[FieldError]:
    if value is None or value == "":
        return [FieldError(rules.WIDGET, field, REQUIRED, {})]
    errors = pattern_errors(rules.WIDGET, field, value, pattern)
    # The URL pattern allows non-ASCII (IRIs), which may hold code points no
    # HTML page can carry.
    if not errors and (problem := text_problem(str.__str__(value))) is not None:
        errors.append(FieldError(rules.WIDGET, field, INVALID_VALUE, {MESSAGE: problem}))
    return errors


def _checked_segment_keys(segment_keys: Iterable[str]) -> tuple[tuple[str, ...], list[FieldError]]:
    if isinstance(segment_keys, str):
        # A lone string would otherwise be read as one key per character.
        segment_keys = (segment_keys,)
    elif isinstance(segment_keys, Mapping) or not isinstance(segment_keys, Iterable):
        message = {MESSAGE: "must be a list of strings"}
        return (), [FieldError(rules.WIDGET, "segment_keys", INVALID_VALUE, message)]
    # A dict: ordered, and linear to de-duplicate however many keys there are.
    declared: dict[str, None] = {}
    errors: list[FieldError] = []
    disallowed = [*CUSTOMER_FIELDS, *SPECIAL_METADATA_KEYS]
    for index, key in enumerate(map(plain_key, segment_keys)):
        field = f"segment_keys[{index}]"
        problems = key_errors(rules.WIDGET, field, key)
        if not problems and key in disallowed:
            problems.append(
                FieldError(rules.WIDGET, field, FORBIDDEN_VALUE, {DISALLOWED_VALUES: disallowed})
            )
        if problems:
            errors += problems
        else:
            declared[key] = None  # type: ignore[index]  # a str: key_errors passed
    return tuple(declared), errors


def _checked_extra_params(
    extra_params: Mapping[str, Any] | None,
) -> tuple[dict[str, JsonScalar], list[FieldError]]:
    if extra_params is None:
        return {}, []
    if not isinstance(extra_params, Mapping):
        return {}, [
            FieldError(rules.WIDGET, "extra_params", INVALID_VALUE, {MESSAGE: "must be a mapping"})
        ]
    count = len(extra_params) + len(rules.WIDGET_PARAMS_KEYS)
    if count > rules.MAX_PARAMS_KEYS:
        return {}, key_count_errors(rules.WIDGET, "extra_params", count)
    errors = [
        FieldError(
            rules.WIDGET,
            field_name("extra_params", key),
            FORBIDDEN_VALUE,
            {DISALLOWED_VALUES: list(rules.WIDGET_PARAMS_KEYS)},
        )
        for key in map(plain_key, extra_params)
        if key in rules.WIDGET_PARAMS_KEYS
    ]
    extra = normalise_mapping(rules.WIDGET, "extra_params", extra_params, errors)
    return extra, errors
