"""The Jinja macros: byte-identical to the Python API, through a real Environment."""

from __future__ import annotations

import jinja2
import pytest

import cswidget.jinja
import hostile
from cswidget import SurveyParams, Widget, init_script, toggle_script, trigger

WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src="/static/survey_widget.js")
PARAMS = {"name": "O'Brien", "email": "kate@example.com", "reference": '"><script>x</script>'}


def environment(autoescape: bool = True, **templates: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=autoescape)
    return cswidget.jinja.setup(env)


def render(source: str, autoescape: bool = True, **context: object) -> str:
    env = environment(autoescape, page=source)
    return env.get_template("page").render(**context)


IMPORT = '{% import "cswidget/macros.html" as cs %}'


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("cs.embed(widget, params)", lambda: WIDGET.embed(PARAMS)),
        ("cs.embed(widget)", lambda: WIDGET.embed()),
        (
            'cs.embed(widget, params, defer=true, nonce="abc")',
            lambda: WIDGET.embed(PARAMS, defer=True, nonce="abc"),
        ),
        ("cs.container(widget, params)", lambda: WIDGET.container(PARAMS)),
        ("cs.container(widget)", lambda: WIDGET.container()),
        ("cs.script(widget)", lambda: WIDGET.script_tag()),
        (
            'cs.script(widget, defer=true, nonce="abc")',
            lambda: WIDGET.script_tag(defer=True, nonce="abc"),
        ),
        ("cs.init()", lambda: init_script()),
        ('cs.init(nonce="abc", defer=true)', lambda: init_script(nonce="abc", defer=True)),
        ("cs.toggle_script()", lambda: toggle_script()),
        ('cs.toggle_script(nonce="abc")', lambda: toggle_script(nonce="abc")),
        ('cs.trigger("Feedback")', lambda: trigger("Feedback")),
        (
            'cs.trigger("<Tell us>", class_="btn", aria_label="Open survey")',
            lambda: trigger("<Tell us>", class_="btn", aria_label="Open survey"),
        ),
        (
            'cs.trigger("Tell us", tag="a", href="https://acme.customersure.com/s")',
            lambda: trigger("Tell us", tag="a", href="https://acme.customersure.com/s"),
        ),
    ],
)
def test_macro_is_byte_identical_to_the_python_api(
    call: str, expected: object, autoescape: bool
) -> None:
    html = render(IMPORT + "{{ " + call + " }}", autoescape, widget=WIDGET, params=PARAMS)
    assert html == str(expected())  # type: ignore[operator]


def test_macros_with_structured_params() -> None:
    params = SurveyParams(customer={"name": "Kate"}, metadata={"order": 7})
    assert render(IMPORT + "{{ cs.embed(widget, params) }}", widget=WIDGET, params=params) == (
        WIDGET.embed(params)
    )


def test_macros_with_every_hostile_value() -> None:
    params = {f"k{index}": value for index, value in enumerate(hostile.VALUES)}
    params.update({key: key for key in hostile.KEYS})
    for batch in hostile.in_batches(params):
        assert render(IMPORT + "{{ cs.embed(widget, params) }}", widget=WIDGET, params=batch) == (
            WIDGET.embed(batch)
        )


def test_setup_keeps_the_users_own_loader_first() -> None:
    env = environment(**{"page": "<p>my page</p>", "cswidget/macros.html": "my macros"})
    assert env.get_template("cswidget/macros.html").render() == "my macros"
    assert env.get_template("page").render() == "<p>my page</p>"


def test_setup_works_without_a_loader_and_twice() -> None:
    env = jinja2.Environment(autoescape=True)
    cswidget.jinja.setup(env)
    cswidget.jinja.setup(env)
    assert isinstance(env.loader, jinja2.PrefixLoader)
    assert env.from_string(IMPORT + "{{ cs.init() }}").render() == init_script()


def test_the_loader_answers_only_for_cswidget_names() -> None:
    env = jinja2.Environment(loader=cswidget.jinja.loader())
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("macros.html")
    assert "macro embed" in env.loader.get_source(env, "cswidget/macros.html")[0]  # type: ignore[union-attr]


def test_macro_errors_propagate_as_validation_errors() -> None:
    from cswidget import ValidationError

    with pytest.raises(ValidationError) as caught:
        render(IMPORT + "{{ cs.embed(widget, {'email': 'nope'}) }}", widget=WIDGET)
    assert caught.value.fields == ("customer.email",)
