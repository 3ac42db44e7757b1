"""cswidget.jinja.WidgetExtension: globals, settings on the environment, CSP nonces."""

from __future__ import annotations

import jinja2
import pytest

from cswidget import ValidationError
from cswidget.jinja import WidgetDefaults, WidgetExtension
from cswidget.nonce import NonceError

WIDGET_PARAMS = (
    'data-widget-params="{&#34;org&#34;:&#34;acme&#34;,&#34;survey&#34;:&#34;AKknWccEFf7&#34;}"'
)
CONTAINER = f"<div data-customersure-survey-widget {WIDGET_PARAMS}></div>"
CONTAINER_KATE = (
    f"<div data-customersure-survey-widget {WIDGET_PARAMS} "
    'data-survey-params="{&#34;name&#34;:&#34;Kate&#34;,&#34;region&#34;:&#34;north&#34;,'
    '&#34;reference&#34;:&#34;INV-2090&#34;}"></div>'
)


def environment(**settings: object) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=[WidgetExtension])
    env.cswidget = WidgetDefaults(  # type: ignore[attr-defined]
        org="acme", script_src="/widget.js", segment_keys=["region"], **settings
    )
    return env


def render(source: str, env: jinja2.Environment | None = None, **context: object) -> str:
    return (env or environment()).from_string(source).render(**context)


def test_embed_with_customer_segments_and_metadata() -> None:
    html = render(
        '{{ cswidget_embed("AKknWccEFf7", customer={"name": "Kate"},'
        ' segments={"region": "north"}, metadata={"reference": "INV-2090"}) }}'
    )
    assert html == (
        '<script src="/widget.js"></script>\n'
        f"{CONTAINER_KATE}\n"
        "<script>CustomerSureSurveyWidget.init();</script>"
    )


def test_flat_params_are_classified_with_the_environments_segment_keys() -> None:
    html = render(
        '{{ cswidget_container("AKknWccEFf7", params=p) }}',
        p={"name": "Kate", "region": "north", "reference": "INV-2090"},
    )
    assert html == CONTAINER_KATE


def test_keyword_arguments_are_added_to_flat_params() -> None:
    html = render(
        '{{ cswidget_container("AKknWccEFf7", params={"name": "Kate", "region": "north"},'
        ' metadata={"reference": "INV-2090"}) }}'
    )
    assert html == CONTAINER_KATE


def test_no_params_means_no_survey_params_attribute() -> None:
    assert render('{{ cswidget_container("AKknWccEFf7") }}') == CONTAINER


def test_script_deferred_embed_and_the_scripts() -> None:
    assert render("{{ cswidget_script(defer=true) }}") == (
        '<script src="/widget.js" defer></script>'
    )
    assert render("{{ cswidget_init(defer=true) }}") == (
        '<script>document.addEventListener("DOMContentLoaded",function()'
        "{CustomerSureSurveyWidget.init();});</script>"
    )
    assert render("{{ cswidget_toggle_script() }}").startswith(
        '<script>document.addEventListener("click",'
    )
    assert render('{{ cswidget_trigger("Feedback", class_="btn") }}') == (
        '<button type="button" data-cswidget-toggle aria-haspopup="dialog" class="btn">'
        "Feedback</button>"
    )


def test_csp_nonce_comes_from_the_context() -> None:
    html = render('{{ cswidget_embed("AKknWccEFf7") }}', csp_nonce="bm9uY2U=")
    assert html == (
        '<script src="/widget.js" nonce="bm9uY2U="></script>\n'
        f"{CONTAINER}\n"
        '<script nonce="bm9uY2U=">CustomerSureSurveyWidget.init();</script>'
    )
    assert render("{{ cswidget_toggle_script() }}", csp_nonce="bm9uY2U=").startswith(
        '<script nonce="bm9uY2U=">'
    )


def test_an_explicit_nonce_wins_and_the_variable_name_is_configurable() -> None:
    env = environment()
    env.cswidget_nonce_variable = "request_nonce"  # type: ignore[attr-defined]
    assert render("{{ cswidget_script() }}", env, request_nonce="YWJj", csp_nonce="eHl6") == (
        '<script src="/widget.js" nonce="YWJj"></script>'
    )
    assert render('{{ cswidget_script(nonce="ZGVm") }}', env, request_nonce="YWJj") == (
        '<script src="/widget.js" nonce="ZGVm"></script>'
    )


def test_the_macros_resolve_and_the_users_loader_stays_first() -> None:
    user_loader = jinja2.DictLoader(
        {
            "page.html": '{% import "cswidget/macros.html" as cs %}{{ cs.init() }}',
            "cswidget/macros.html": "the user's own",
        }
    )
    env = jinja2.Environment(loader=user_loader, extensions=["cswidget.jinja.widgets"])
    assert isinstance(env.loader, jinja2.ChoiceLoader)
    assert env.loader.loaders[0] is user_loader
    assert env.get_template("cswidget/macros.html").render() == "the user's own"

    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "x"}))
    env.add_extension(WidgetExtension)
    page = env.from_string('{% import "cswidget/macros.html" as cs %}{{ cs.init() }}')
    assert page.render() == "<script>CustomerSureSurveyWidget.init();</script>"


def test_the_short_alias_is_the_extension() -> None:
    env = jinja2.Environment(extensions=["cswidget.jinja.widgets"])
    assert WidgetExtension.identifier in env.extensions


def test_the_extension_keeps_settings_already_on_the_environment() -> None:
    env = jinja2.Environment(autoescape=True)
    defaults = WidgetDefaults(org="acme", script_src="/widget.js")
    env.cswidget = defaults  # type: ignore[attr-defined]
    env.add_extension(WidgetExtension)
    assert env.cswidget is defaults  # type: ignore[attr-defined]
    assert env.cswidget_nonce_variable == "csp_nonce"  # type: ignore[attr-defined]


def test_without_account_settings_the_error_says_how_to_set_them() -> None:
    env = jinja2.Environment(extensions=[WidgetExtension])
    with pytest.raises(RuntimeError, match=r"cswidget\.jinja\.configure\(env, WidgetDefaults"):
        env.from_string('{{ cswidget_embed("AKknWccEFf7") }}').render()
    # Tags that need no account work without it.
    assert env.from_string("{{ cswidget_init() }}").render() == (
        "<script>CustomerSureSurveyWidget.init();</script>"
    )


def test_widget_defaults_report_every_bad_setting_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        WidgetDefaults(
            org="not an org",
            script_src="javascript:alert(1)",
            segment_keys=["email"],
            on_error="ignore",  # type: ignore[arg-type]
        )
    assert caught.value.fields == ("org", "script_src", "segment_keys[0]", "on_error")
    assert caught.value.to_dict()["errors"][-1] == {
        "resource": "widget",
        "field": "on_error",
        "error": "invalid_value",
        "extra_info": {"allowed_values": ["raise", "omit"]},
    }


def test_a_bad_nonce_in_the_context_names_its_provider() -> None:
    with pytest.raises(NonceError, match="the template variable 'csp_nonce' is not a valid nonce"):
        render("{{ cswidget_script() }}", csp_nonce='"><script>')
