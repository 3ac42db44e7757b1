"""Jinja support: macros, and an extension with one global per tag.

    env = jinja2.Environment(autoescape=True)
    configure(env, WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js"))

    {{ cswidget_embed("AKknWccEFf7", customer=customer, metadata=order) }}

The globals find the CSP nonce by themselves (cswidget.jinja_runtime.nonce)
and decide the error policy and the off switch at render time. Without the extension,
`setup(env)` makes `{% import "cswidget/macros.html" as cs %}` work.
Both only call the Python API, so they render byte-identical output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import jinja2.ext
from jinja2.runtime import Context
from markupsafe import Markup

from .defaults import WidgetDefaults
from .jinja_runtime import JinjaSettings, settings_of, switch
from .jinja_runtime import nonce as _resolved_nonce
from .jinja_runtime import on_error as _render_on_error
from .lifecycle import lifecycle_script
from .policy import OnError, checked_on_error, render_or_omit
from .sampling import SampleKey
from .scripts import init_script, toggle_script
from .trigger import trigger
from .widget import SurveyParamsInput

__all__ = [
    "TEMPLATES_DIR",
    "JinjaSettings",
    "WidgetDefaults",
    "WidgetExtension",
    "configure",
    "loader",
    "setup",
    "widgets",
]


def _templates_dir() -> Path:
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    # A source checkout, or an editable install of one: the wheel's copy is
    # made at build time from templates/ at the repository root.
    return Path(__file__).resolve().parents[2] / "templates"


TEMPLATES_DIR = _templates_dir()

# What the macros call; one namespaced global rather than three loose names.
_MACRO_GLOBALS = SimpleNamespace(
    init_script=init_script,
    toggle_script=toggle_script,
    trigger=trigger,
    lifecycle_script=lifecycle_script,
)


class _CswidgetLoader(jinja2.PrefixLoader):
    """cswidget's own loader, recognisable in a ChoiceLoader."""


def loader() -> jinja2.BaseLoader:
    """A loader that answers only for `cswidget/...` template names."""
    return _CswidgetLoader({"cswidget": jinja2.FileSystemLoader(TEMPLATES_DIR / "cswidget")})


def _with_cswidget(user_loader: jinja2.BaseLoader | None) -> jinja2.BaseLoader:
    if user_loader is None:
        return loader()
    if isinstance(user_loader, _CswidgetLoader) or (
        isinstance(user_loader, jinja2.ChoiceLoader)
        and any(isinstance(each, _CswidgetLoader) for each in user_loader.loaders)
    ):
        return user_loader
    return jinja2.ChoiceLoader([user_loader, loader()])


def _get_loader(env: Any) -> jinja2.BaseLoader | None:
    found: jinja2.BaseLoader | None = env.__dict__.get("loader")
    return found


def _set_loader(env: Any, value: jinja2.BaseLoader | None) -> None:
    env.__dict__["loader"] = _with_cswidget(value)


# Environment class -> its subclass whose `loader` keeps cswidget's loader.
_KEEPING: dict[type[Any], type[Any]] = {}


def _keeping_class(cls: type[Any]) -> type[Any]:
    if cls in _KEEPING.values():
        return cls
    if cls not in _KEEPING:
        _KEEPING[cls] = type(
            cls.__name__,
            (cls,),
            {"__module__": cls.__module__, "loader": property(_get_loader, _set_loader)},
        )
    return _KEEPING[cls]


def setup(env: jinja2.Environment) -> jinja2.Environment:
    """Let `env` import "cswidget/macros.html", keeping its own loader first.

    The arrangement survives replacing the loader later: `env.loader = ...`
    and `env.overlay(loader=...)` keep cswidget's loader after the new one.
    Safe to call more than once. Returns `env`.
    """
    if type(env) not in _KEEPING.values():
        # A subclass with a `loader` property: the one way to see a later
        # `env.loader = ...` without asking every user to call setup again.
        env.__class__ = _keeping_class(type(env))
        env.loader = env.__dict__.get("loader")
        env.globals["cswidget"] = _MACRO_GLOBALS
    return env


def configure(
    env: jinja2.Environment,
    defaults: WidgetDefaults,
    *,
    nonce_variable: str = "csp_nonce",
    on_error: OnError | Callable[[], OnError] | None = None,
) -> jinja2.Environment:
    """Everything cswidget needs on `env`, in one typed call. Returns `env`.

        configure(app.jinja_env, WidgetDefaults(org="acme", script_src="/survey_widget.js"))

    Adds `WidgetExtension` (the `cswidget_*` globals and the macros), stores
    the account settings, and names the template variable holding the CSP
    nonce. `on_error` ("raise", "omit", or a function returning one, called
    at render time) defaults to Flask's `app.debug`/`app.testing` on a
    Flask environment, else `defaults.on_error`. Raises TypeError or
    ValidationError at once for bad settings.
    """
    if not isinstance(defaults, WidgetDefaults):
        raise TypeError(f"configure() needs a WidgetDefaults, not {type(defaults).__name__}")
    if not isinstance(nonce_variable, str) or not nonce_variable.isidentifier():
        raise TypeError(f"nonce_variable must be a template variable name, not {nonce_variable!r}")
    if on_error is not None and not callable(on_error):
        checked_on_error(on_error)
    if WidgetExtension.identifier not in env.extensions:
        env.add_extension(WidgetExtension)
    settings = JinjaSettings(defaults=defaults, nonce_variable=nonce_variable, on_error=on_error)
    # Set, not env.extend(): extend() leaves attributes that already exist.
    vars(env).update(
        cswidget=defaults, cswidget_nonce_variable=nonce_variable, cswidget_settings=settings
    )
    return env


class WidgetExtension(jinja2.ext.Extension):
    """Adds the `cswidget_*` globals and the macros to an environment.

        env = jinja2.Environment(autoescape=True, extensions=["cswidget.jinja.widgets"])
        env.cswidget = WidgetDefaults(org="acme", script_src="/survey_widget.js")

    `env.cswidget` holds the account settings (None until set);
    `env.cswidget_nonce_variable` names the context variable holding the
    CSP nonce ("csp_nonce").
    """

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        setup(environment)
        environment.extend(
            cswidget=None, cswidget_nonce_variable="csp_nonce", cswidget_settings=None
        )
        environment.globals.update(
            cswidget_script=cswidget_script,
            cswidget_container=cswidget_container,
            cswidget_embed=cswidget_embed,
            cswidget_init=cswidget_init,
            cswidget_toggle_script=cswidget_toggle_script,
            cswidget_trigger=cswidget_trigger,
            cswidget_lifecycle_script=cswidget_lifecycle_script,
        )


# The short name for `extensions=[...]`, as jinja2.ext.i18n is for its class.
widgets = WidgetExtension


def _defaults(context: Context) -> WidgetDefaults:
    return settings_of(context).defaults


def _nonce(context: Context, nonce: object) -> str | None:
    # Resolved before rendering, outside the error policy: a bad nonce is
    # the developer's mistake and always raises (cswidget.nonce.NonceError).
    return _resolved_nonce(context, nonce)


def _render(context: Context, build: Callable[[], Markup], *, switchable: bool = True) -> Markup:
    if switchable:
        decision = switch(context)
        if not decision.enabled:
            return decision.comment
    # "Once per request" is once per render here: Jinja has no request,
    # and each render (an {% include %} too) gets its own Context.
    return render_or_omit(build, on_error=_render_on_error(context), scope=context)


@jinja2.pass_context
def cswidget_script(
    context: Context, *, defer: bool = False, nonce: str | None = None, consent: str | None = None
) -> Markup:
    """`Widget.script_tag()` with the environment's `script_src`."""
    defaults = _defaults(context)
    return _render(
        context,
        lambda: defaults.script_tag(defer=defer, nonce=_nonce(context, nonce), consent=consent),
    )


@jinja2.pass_context
def cswidget_container(
    context: Context,
    survey: str,
    *,
    customer: Mapping[str, Any] | None = None,
    segments: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    params: SurveyParamsInput = None,
) -> Markup:
    """`Widget.container()` for `survey` on the environment's account."""
    defaults = _defaults(context)
    return _render(
        context,
        lambda: defaults.container(
            survey, customer=customer, segments=segments, metadata=metadata, params=params
        ),
    )


@jinja2.pass_context
def cswidget_embed(
    context: Context,
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
    """`Widget.embed()` for `survey` on the environment's account."""
    defaults = _defaults(context)
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


@jinja2.pass_context
def cswidget_init(
    context: Context, *, defer: bool = False, nonce: str | None = None, consent: str | None = None
) -> Markup:
    """`cswidget.init_script()`."""
    return _render(
        context, lambda: init_script(nonce=_nonce(context, nonce), defer=defer, consent=consent)
    )


@jinja2.pass_context
def cswidget_toggle_script(context: Context, *, nonce: str | None = None) -> Markup:
    """`cswidget.toggle_script()`."""
    return _render(context, lambda: toggle_script(nonce=_nonce(context, nonce)))


@jinja2.pass_context
def cswidget_lifecycle_script(context: Context, *, nonce: str | None = None) -> Markup:
    """`cswidget.lifecycle_script()`."""
    return _render(context, lambda: lifecycle_script(nonce=_nonce(context, nonce)))


@jinja2.pass_context
def cswidget_trigger(context: Context, label: str, *, tag: str = "button", **attrs: Any) -> Markup:
    """`cswidget.trigger()`."""
    # A trigger is the page's own button: it stays when the widget is off.
    return _render(context, lambda: trigger(label, tag=tag, **attrs), switchable=False)
