"""`WidgetDefaults`: an account's widget settings, stored once, for template tags.

    defaults = WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js")
    defaults.embed("AKknWccEFf7", customer={"name": "Kate"}, metadata={"reference": "INV-2090"})

Template tags (cswidget.jinja, cswidget.django) hold one of these and only
pass their arguments on, so their output is byte-identical to
`Widget.embed/container/script_tag`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import rules
from .consent import Consent
from .errors import FieldError, ValidationError
from .params import SurveyParams
from .policy import OnError, checked_on_error
from .sampling import SampleKey
from .switch import Enabled, SwitchDecision, internal_networks, widget_enabled
from .vocabulary import INVALID_VALUE, MESSAGE
from .widget import SurveyParamsInput, Widget

__all__ = ["WidgetDefaults"]

# Widget needs a survey code; the defaults are checked with this stand-in and
# every tag replaces it with its own.
_ANY_SURVEY = "any-survey"


@dataclass(frozen=True, init=False)
class WidgetDefaults:
    """The account-wide part of every `Widget`: all but the survey code.

    >>> defaults = WidgetDefaults(org="acme", script_src="/survey_widget.js")
    >>> defaults.widget("AKknWccEFf7").survey
    'AKknWccEFf7'

    `on_error` is the live-page error policy (see `cswidget.policy`).
    `enabled` (a bool or a function of the request), `internal_ips` (IPs or
    networks that never get the widget) and `trusted_proxies` (how many of
    your proxies append to X-Forwarded-For; 0 ignores it) are the off switch
    (see `cswidget.switch`). Raises `ValidationError` listing every problem
    at once.
    """

    org: str
    script_src: str
    segment_keys: tuple[str, ...]
    extra_params: Mapping[str, Any]
    on_error: OnError
    enabled: Enabled
    internal_ips: tuple[str, ...]
    trusted_proxies: int

    def __init__(
        self,
        *,
        org: str,
        script_src: str,
        segment_keys: Iterable[str] = (),
        extra_params: Mapping[str, Any] | None = None,
        on_error: OnError = "raise",
        enabled: Enabled = True,
        internal_ips: Iterable[str] = (),
        trusted_proxies: int = 0,
    ) -> None:
        errors: list[FieldError] = []
        try:
            base = Widget(
                org=org,
                survey=_ANY_SURVEY,
                script_src=script_src,
                segment_keys=segment_keys,
                extra_params=extra_params,
            )
        except ValidationError as error:
            errors += error.errors
        try:
            checked_on_error(on_error)
        except ValidationError as error:
            errors += error.errors
        switch_errors, networks = _checked_switch(enabled, internal_ips, trusted_proxies)
        errors += switch_errors
        if errors:
            raise ValidationError(errors)
        object.__setattr__(self, "org", base.org)
        object.__setattr__(self, "script_src", base.script_src)
        object.__setattr__(self, "segment_keys", base.segment_keys)
        object.__setattr__(self, "extra_params", base.extra_params)
        object.__setattr__(self, "on_error", on_error)
        object.__setattr__(self, "enabled", enabled)
        object.__setattr__(self, "internal_ips", tuple(map(str, networks)))
        object.__setattr__(self, "trusted_proxies", trusted_proxies)
        object.__setattr__(self, "_networks", networks)
        object.__setattr__(self, "_base", base)

    __hash__ = None  # type: ignore[assignment]  # holds a mapping

    def switch(self, request: object, *, client_address: str | None) -> SwitchDecision:
        """Whether `request` (from `client_address`) gets the widget."""
        return widget_enabled(
            request,
            enabled=self.enabled,
            internal_ips=self._networks,
            client_address=client_address,
        )

    def widget(self, survey: str) -> Widget:
        """The `Widget` for one survey on this account."""
        return self._base._with_survey(survey)

    def survey_params(
        self,
        *,
        customer: Mapping[str, Any] | None = None,
        segments: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        params: SurveyParamsInput = None,
    ) -> SurveyParamsInput:
        """What a tag's keyword arguments mean as `Widget` params.

        `params` is a flat mapping (classified with `segment_keys`) or a
        `SurveyParams`; `customer`, `segments` and `metadata` are added to
        it, their keys winning. No arguments at all means no params.
        """
        if customer is None and segments is None and metadata is None:
            return params
        if params is None:
            return SurveyParams(customer=customer, segments=segments, metadata=metadata)
        flat = self._base.survey_params(params) or SurveyParams()
        return SurveyParams(
            customer=_merged(flat.customer, customer),
            segments=_merged(flat.segments, segments),
            metadata=_merged(flat.metadata, metadata),
        )

    def script_tag(
        self,
        *,
        defer: bool = False,
        nonce: str | None = None,
        consent: str | Consent | None = None,
    ) -> Markup:
        """`Widget.script_tag()`: it depends on `script_src` alone."""
        return self._base.script_tag(defer=defer, nonce=nonce, consent=consent)

    def container(
        self,
        survey: str,
        *,
        customer: Mapping[str, Any] | None = None,
        segments: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        params: SurveyParamsInput = None,
    ) -> Markup:
        """`Widget.container()` for `survey`."""
        survey_params = self.survey_params(
            customer=customer, segments=segments, metadata=metadata, params=params
        )
        return self.widget(survey).container(survey_params)

    def embed(
        self,
        survey: str,
        *,
        customer: Mapping[str, Any] | None = None,
        segments: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        params: SurveyParamsInput = None,
        defer: bool = False,
        nonce: str | None = None,
        consent: str | Consent | None = None,
        sample: float | None = None,
        sample_key: SampleKey | None = None,
        eligible: Callable[[], bool] | bool | None = None,
    ) -> Markup:
        """`Widget.embed()` for `survey`."""
        survey_params = self.survey_params(
            customer=customer, segments=segments, metadata=metadata, params=params
        )
        return self.widget(survey).embed(
            survey_params,
            defer=defer,
            nonce=nonce,
            consent=consent,
            sample=sample,
            sample_key=sample_key,
            eligible=eligible,
        )

    _base: Widget = dataclasses.field(init=False, repr=False, compare=False)
    _networks: tuple[Any, ...] = dataclasses.field(init=False, repr=False, compare=False)


def _checked_switch(
    enabled: object, internal_ips: Iterable[str], trusted_proxies: object
) -> tuple[list[FieldError], tuple[Any, ...]]:
    errors: list[FieldError] = []
    if not isinstance(enabled, bool) and not callable(enabled):
        message = {MESSAGE: "must be True, False or a function of the request"}
        errors.append(FieldError(rules.WIDGET, "enabled", INVALID_VALUE, message))
    networks: tuple[Any, ...] = ()
    try:
        networks = internal_networks(internal_ips)
    except (ValueError, TypeError) as error:
        message = {MESSAGE: f"must be a list of IP addresses or networks: {error}"}
        errors.append(FieldError(rules.WIDGET, "internal_ips", INVALID_VALUE, message))
    if type(trusted_proxies) is not int or trusted_proxies < 0:
        message = {MESSAGE: "must be a whole number of proxies, 0 or more"}
        errors.append(FieldError(rules.WIDGET, "trusted_proxies", INVALID_VALUE, message))
    return errors, networks


def _merged(base: Mapping[str, Any], extra: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if extra is None:
        return base
    if not isinstance(extra, Mapping):
        return extra  # SurveyParams reports it in the API's error language
    return {**base, **extra}
