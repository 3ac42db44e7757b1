"""What the Jinja globals decide at render time: settings, nonce, error policy, off switch.

    settings = JinjaSettings(defaults=WidgetDefaults(org="acme", script_src="/w.js"))

`cswidget.jinja.configure()` stores a `JinjaSettings` on the environment;
the globals read it here on every render, so Flask's `app.debug` and the
request's nonce and address count as they are when the page renders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2.runtime import Context

from .defaults import WidgetDefaults
from .nonce import resolve_nonce
from .policy import OnError, checked_on_error
from .switch import ON, SwitchDecision, request_client_address

__all__ = ["JinjaSettings", "jinja_settings", "nonce", "on_error", "switch"]

NO_SETTINGS = (
    "cswidget needs the account settings: cswidget.jinja.configure(env, "
    'WidgetDefaults(org="...", script_src="..."))'
)


@dataclass(frozen=True, kw_only=True)
class JinjaSettings:
    """cswidget's settings for one Jinja environment.

    `nonce_variable` names the context variable (or global) holding the
    CSP nonce. `on_error` overrides the error policy: "raise", "omit" or a
    function returning one, called on every render; None means Flask's
    `app.debug`/`app.testing` on a Flask environment, else
    `defaults.on_error`.
    """

    defaults: WidgetDefaults
    nonce_variable: str = "csp_nonce"
    on_error: OnError | Callable[[], OnError] | None = None


def jinja_settings(environment: Any) -> JinjaSettings | None:
    """The settings `configure()` stored, or those of the older
    `env.cswidget = WidgetDefaults(...)` route; None when there are none."""
    settings = getattr(environment, "cswidget_settings", None)
    defaults = getattr(environment, "cswidget", None)
    if isinstance(settings, JinjaSettings) and settings.defaults is defaults:
        return settings
    if not isinstance(defaults, WidgetDefaults):
        return None
    variable = getattr(environment, "cswidget_nonce_variable", "csp_nonce")
    return JinjaSettings(defaults=defaults, nonce_variable=variable)


def settings_of(context: Context) -> JinjaSettings:
    settings = jinja_settings(context.environment)
    if settings is None:
        raise RuntimeError(NO_SETTINGS)
    return settings


def on_error(context: Context) -> OnError:
    """The error policy for this render."""
    settings = jinja_settings(context.environment)
    if settings is None:
        return "raise"
    if callable(settings.on_error):
        return checked_on_error(settings.on_error())
    if settings.on_error is not None:
        return settings.on_error
    app = getattr(context.environment, "app", None)  # flask.templating.Environment
    if app is not None and hasattr(app, "debug"):
        return "raise" if app.debug or getattr(app, "testing", False) else "omit"
    return settings.defaults.on_error


def _request(context: Context) -> Any:
    request = context.get("request")
    try:
        # Flask's `request` is a proxy: outside a request it raises RuntimeError.
        return request if request is not None and bool(getattr(request, "method", True)) else None
    except RuntimeError:
        return None


def nonce(context: Context, explicit: object) -> str | None:
    """The CSP nonce for this render: `explicit` (the `nonce=` argument),
    else the context variable or global (`csp_nonce`, which Django 6's `csp`
    context processor and flask-talisman publish), else `request.csp_nonce`
    (django-csp, flask-talisman), else `request.state.csp_nonce` (the
    Starlette/FastAPI convention). Raises `cswidget.nonce.NonceError`."""
    if explicit is not None:
        return resolve_nonce(explicit, provider="the nonce= argument")
    settings = jinja_settings(context.environment)
    name = "csp_nonce" if settings is None else settings.nonce_variable
    value = context.get(name)
    if value is not None:
        function = callable(value) and not isinstance(value, str)
        provider = f"the template {'function' if function else 'variable'} {name!r}"
        if function:
            provider += " (flask-talisman's csp_nonce())"
        # flask-talisman's csp_nonce() is "" when nonces are off.
        return resolve_nonce(value, provider=provider, empty_is_none=function)
    request = _request(context)
    if request is None:
        return None
    value = getattr(request, "csp_nonce", None)
    if value is not None:
        return resolve_nonce(value, provider="request.csp_nonce (django-csp or flask-talisman)")
    value = getattr(getattr(request, "state", None), "csp_nonce", None)
    if value is not None:
        return resolve_nonce(value, provider="request.state.csp_nonce")
    return None


def switch(context: Context) -> SwitchDecision:
    """The off switch for this render's request (always on without one,
    unless `enabled` is False)."""
    settings = jinja_settings(context.environment)
    if settings is None:
        return ON  # init and toggle scripts need no account; the others raise
    defaults = settings.defaults
    if defaults.enabled is True and not defaults.internal_ips:
        return ON
    request = _request(context)
    address = (
        None
        if request is None
        else request_client_address(request, trusted_proxies=defaults.trusted_proxies)
    )
    return defaults.switch(request, client_address=address)
