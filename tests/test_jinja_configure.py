"""cswidget.jinja.configure(): one typed call, checked at once, and a loader that stays."""

from __future__ import annotations

import jinja2
import pytest

from cswidget import ValidationError
from cswidget.jinja import WidgetDefaults, WidgetExtension, configure

DEFAULTS = WidgetDefaults(org="acme", script_src="/w.js")
IMPORTS_MACROS = '{% import "cswidget/macros.html" as cs %}{{ cs.init() }}'
INIT = "<script>CustomerSureSurveyWidget.init();</script>"


def test_configure_adds_the_extension_once_and_returns_env() -> None:
    env = jinja2.Environment(autoescape=True, extensions=[WidgetExtension])
    assert configure(env, DEFAULTS) is env
    assert configure(env, DEFAULTS) is env
    assert list(env.extensions) == [WidgetExtension.identifier]
    assert env.from_string("{{ cswidget_script() }}").render() == '<script src="/w.js"></script>'


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"nonce_variable": "csp nonce"}, TypeError),
        ({"on_error": "ignore"}, ValidationError),
    ],
)
def test_bad_settings_fail_at_start_up(kwargs: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error):
        configure(jinja2.Environment(), DEFAULTS, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="configure\\(\\) needs a WidgetDefaults, not dict"):
        configure(jinja2.Environment(), {"org": "acme"})  # type: ignore[arg-type]


@pytest.mark.parametrize("initial", [None, jinja2.DictLoader({})])
def test_the_macros_survive_replacing_the_loader(initial: jinja2.BaseLoader | None) -> None:
    env = configure(jinja2.Environment(autoescape=True, loader=initial), DEFAULTS)
    assert env.from_string(IMPORTS_MACROS).render() == INIT
    env.loader = jinja2.DictLoader({"page.html": IMPORTS_MACROS})
    assert env.get_template("page.html").render() == INIT
    overlay = env.overlay(loader=jinja2.DictLoader({"other.html": IMPORTS_MACROS}))
    assert overlay.get_template("other.html").render() == INIT
    assert overlay.from_string("{{ cswidget_init() }}").render() == INIT


def test_the_user_s_own_templates_come_first() -> None:
    env = configure(jinja2.Environment(), DEFAULTS)
    env.loader = jinja2.DictLoader({"cswidget/macros.html": "mine"})
    assert env.get_template("cswidget/macros.html").render() == "mine"


def test_on_error_may_be_decided_by_a_function_at_render_time() -> None:
    mode = ["raise"]
    env = configure(jinja2.Environment(autoescape=True), DEFAULTS, on_error=lambda: mode[0])  # type: ignore[arg-type,return-value]
    page = env.from_string("{{ cswidget_container('S', customer={'email': 'x'}) }}")
    with pytest.raises(ValidationError):
        page.render()
    mode[0] = "omit"
    assert page.render() == "<!-- cswidget: survey params rejected: customer.email -->"
