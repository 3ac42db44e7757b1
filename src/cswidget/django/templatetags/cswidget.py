"""`{% load cswidget %}`: the survey widget's template tags.

    {% cswidget_embed "AKknWccEFf7" customer=customer metadata=order %}

Each tag passes its arguments to the Python API (through
`conf.widget_defaults`), so the output is byte-identical to `Widget.embed()`
and friends. The CSP nonce is found by itself (django-csp or Django 6's
built-in CSP, see cswidget.django.runtime); ENABLED and INTERNAL_IPS can
switch the widget off per request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import template
from markupsafe import Markup

from ...lifecycle import lifecycle_script
from ...policy import render_or_omit
from ...sampling import SampleKey
from ...scripts import init_script, toggle_script
from ...trigger import trigger
from ...userdata import fitted_user_params
from ...widget import SurveyParamsInput
from ..conf import conf
from ..runtime import nonce as _resolved_nonce
from ..runtime import widget_enabled

register = template.Library()


def _render(
    context: template.Context, build: Callable[[], Markup], *, switchable: bool = True
) -> Markup:
    request = getattr(context, "request", None)
    if switchable:
        decision = widget_enabled(request)
        if not decision.enabled:
            return decision.comment
    return render_or_omit(
        build, on_error=conf.on_error, scope=context if request is None else request
    )


def _nonce(context: template.Context, nonce: object) -> str | None:
    # A bad or unreadable nonce is the developer's mistake: NonceError is
    # raised whatever ON_ERROR says.
    return _resolved_nonce(context, nonce)


@register.simple_tag(takes_context=True)
def cswidget_script(
    context: template.Context,
    *,
    defer: bool = False,
    nonce: str | None = None,
    consent: str | None = None,
) -> Markup:
    """`Widget.script_tag()` with CSWIDGET's SCRIPT_SRC."""
    defaults = conf.widget_defaults
    return _render(
        context,
        lambda: defaults.script_tag(defer=defer, nonce=_nonce(context, nonce), consent=consent),
    )


@register.simple_tag(takes_context=True)
def cswidget_container(
    context: template.Context,
    survey: str,
    *,
    customer: Mapping[str, Any] | None = None,
    segments: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    params: SurveyParamsInput = None,
) -> Markup:
    """`Widget.container()` for `survey` on CSWIDGET's account."""
    defaults = conf.widget_defaults
    return _render(
        context,
        lambda: defaults.container(
            survey, customer=customer, segments=segments, metadata=metadata, params=params
        ),
    )


@register.simple_tag(takes_context=True)
def cswidget_embed(
    context: template.Context,
    survey: str,
    *,
    customer: Mapping[str, Any] | None = None,
    segments: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    params: SurveyParamsInput = None,
    defer: bool = False,
    nonce: str | None = None,
    consent: str | None = None,
    sample: float | None = None,
    sample_key: SampleKey | None = None,
    eligible: Callable[[], bool] | bool | None = None,
) -> Markup:
    """`Widget.embed()` for `survey` on CSWIDGET's account."""
    defaults = conf.widget_defaults
    return _render(
        context,
        lambda: defaults.embed(
            survey,
            customer=customer,
            segments=segments,
            metadata=metadata,
            params=params,
            defer=defer,
            nonce=_nonce(context, nonce),
            consent=consent,
            sample=sample,
            sample_key=sample_key,
            eligible=eligible,
        ),
    )


@register.simple_tag(takes_context=True)
def cswidget_init(
    context: template.Context,
    *,
    defer: bool = False,
    nonce: str | None = None,
    consent: str | None = None,
) -> Markup:
    """`cswidget.init_script()`."""
    return _render(
        context, lambda: init_script(nonce=_nonce(context, nonce), defer=defer, consent=consent)
    )


@register.simple_tag(takes_context=True)
def cswidget_lifecycle_script(context: template.Context, *, nonce: str | None = None) -> Markup:
    """`cswidget.lifecycle_script()`."""
    return _render(context, lambda: lifecycle_script(nonce=_nonce(context, nonce)))


@register.simple_tag(takes_context=True)
def cswidget_toggle_script(context: template.Context, *, nonce: str | None = None) -> Markup:
    """`cswidget.toggle_script()`."""
    return _render(context, lambda: toggle_script(nonce=_nonce(context, nonce)))


@register.simple_tag(takes_context=True)
def cswidget_trigger(
    context: template.Context, label: str, *, tag: str = "button", **attrs: Any
) -> Markup:
    """`cswidget.trigger()`: `{% cswidget_trigger "Feedback" class_="btn" %}`."""
    # A trigger is the page's own button: it stays when the widget is off.
    return _render(context, lambda: trigger(label, tag=tag, **attrs), switchable=False)


@register.simple_tag(takes_context=True)
def cswidget_user_params(context: template.Context) -> Mapping[str, Any]:
    """The logged-in user's survey params (CSWIDGET's USER_PARAMS):
    `{% cswidget_user_params as user_params %}`. A field the API would
    refuse is shortened or dropped on its own (cswidget.userdata)."""
    request = getattr(context, "request", None)
    user = context.get("user") if request is None else getattr(request, "user", None)
    return fitted_user_params(
        conf.user_params(user),
        defaults=conf.widget_defaults,
        scope=context if request is None else request,
    )
