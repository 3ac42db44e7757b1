"""Jinja support: macros, and an extension with one global per tag.

    env = jinja2.Environment(autoescape=True, extensions=[WidgetExtension])
    env.cswidget = WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js")

    {{ cswidget_embed("AKknWccEFf7", customer=customer, metadata=order) }}

The globals read the CSP nonce from the template context (`csp_nonce`, or
the name in `env.cswidget_nonce_variable`). Without the extension,
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
from .lifecycle import lifecycle_script
from .policy import OnError, render_or_omit
from .sampling import SampleKey
from .scripts import init_script, toggle_script
from .trigger import trigger
from .widget import SurveyParamsInput

__all__ = [
    "TEMPLATES_DIR",
    "WidgetDefaults",
    "WidgetExtension",
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


def loader() -> jinja2.BaseLoader:
    """A loader that answers only for `cswidget/...` template names."""
    return jinja2.PrefixLoader({"cswidget": jinja2.FileSystemLoader(TEMPLATES_DIR / "cswidget")})


def setup(env: jinja2.Environment) -> jinja2.Environment:
    """Let `env` import "cswidget/macros.html", keeping its own loader first.

    Safe to call more than once. Returns `env`.
    """
    if not getattr(env, "_cswidget_setup", False):
        env.loader = loader() if env.loader is None else jinja2.ChoiceLoader([env.loader, loader()])
        env.globals["cswidget"] = _MACRO_GLOBALS
        env._cswidget_setup = True  # type: ignore[attr-defined]
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
        environment.extend(cswidget=None, cswidget_nonce_variable="csp_nonce")
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
    defaults = getattr(context.environment, "cswidget", None)
    if not isinstance(defaults, WidgetDefaults):
        raise RuntimeError(
            "cswidget needs the account settings: "
            'env.cswidget = cswidget.jinja.WidgetDefaults(org="...", script_src="...")'
        )
    return defaults


def _on_error(context: Context) -> OnError:
    defaults = getattr(context.environment, "cswidget", None)
    return defaults.on_error if isinstance(defaults, WidgetDefaults) else "raise"


def _nonce(context: Context, nonce: str | None) -> str | None:
    if nonce is not None:
        return nonce
    name = getattr(context.environment, "cswidget_nonce_variable", "csp_nonce")
    value = context.get(name)
    return None if value is None else str(value)


def _render(context: Context, build: Callable[[], Markup]) -> Markup:
    # "Once per request" is once per render here: Jinja has no request,
    # and each render (an {% include %} too) gets its own Context.
    return render_or_omit(build, on_error=_on_error(context), scope=context)


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
    return _render(context, lambda: trigger(label, tag=tag, **attrs))
