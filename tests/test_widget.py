"""Widget markup, exactly: what each public rendering function returns."""

from __future__ import annotations

import dataclasses

import pytest
from markupsafe import Markup

from cswidget import SurveyParams, ValidationError, Widget, init_script, toggle_script, trigger

WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src="https://cdn.example/survey_widget.js")
WIDGET_PARAMS = "{&#34;org&#34;:&#34;acme&#34;,&#34;survey&#34;:&#34;AKknWccEFf7&#34;}"
INIT = "<script>CustomerSureSurveyWidget.init();</script>"
DEFERRED_INIT = (
    '<script nonce="r4nd0m">document.addEventListener("DOMContentLoaded",function(){'
    "CustomerSureSurveyWidget.init();});</script>"
)


def test_container_without_params_has_no_survey_params_attribute() -> None:
    assert WIDGET.container() == (
        f'<div data-customersure-survey-widget data-widget-params="{WIDGET_PARAMS}"></div>'
    )


def test_container_escapes_the_json_once_in_a_double_quoted_attribute() -> None:
    html = WIDGET.container({"name": "O'Brien", "reference": '"><script>alert(1)</script>'})
    assert html == (
        f'<div data-customersure-survey-widget data-widget-params="{WIDGET_PARAMS}" '
        'data-survey-params="{&#34;name&#34;:&#34;O&#39;Brien&#34;,&#34;reference&#34;:'
        '&#34;\\&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;}"></div>'
    )


def test_container_and_embed_return_markup() -> None:
    assert isinstance(WIDGET.container(), Markup)
    assert isinstance(WIDGET.embed(), Markup)
    assert isinstance(WIDGET.script_tag(), Markup)


def test_key_order_is_customer_then_segments_then_metadata() -> None:
    params = SurveyParams(
        metadata={"reference": "R1", "colour": "red"},
        segments={"site_code": "hq"},
        customer={"email": "kate@example.com", "name": "Kate"},
    )
    assert list(params.to_dict()) == ["email", "name", "site_code", "reference", "colour"]
    assert WIDGET.attributes(params)["data-survey-params"] == (
        '{"email":"kate@example.com","name":"Kate","site_code":"hq",'
        '"reference":"R1","colour":"red"}'
    )


def test_embed_is_script_then_container_then_init() -> None:
    assert WIDGET.embed({"name": "Kate"}) == (
        '<script src="https://cdn.example/survey_widget.js"></script>\n'
        f'<div data-customersure-survey-widget data-widget-params="{WIDGET_PARAMS}" '
        'data-survey-params="{&#34;name&#34;:&#34;Kate&#34;}"></div>\n'
        f"{INIT}"
    )


def test_embed_deferred_with_nonce() -> None:
    assert WIDGET.embed(defer=True, nonce="r4nd0m") == (
        '<script src="https://cdn.example/survey_widget.js" nonce="r4nd0m" defer></script>\n'
        f'<div data-customersure-survey-widget data-widget-params="{WIDGET_PARAMS}"></div>\n'
        f"{DEFERRED_INIT}"
    )


def test_script_tag() -> None:
    assert WIDGET.script_tag() == '<script src="https://cdn.example/survey_widget.js"></script>'
    assert WIDGET.script_tag(defer=True) == (
        '<script src="https://cdn.example/survey_widget.js" defer></script>'
    )


def test_script_src_is_escaped_in_its_attribute() -> None:
    widget = Widget(org="acme", survey="s", script_src="/static/w.js?a=1&b='2'")
    assert widget.script_tag() == '<script src="/static/w.js?a=1&amp;b=&#39;2&#39;"></script>'


def test_attributes_are_raw_json_for_frameworks() -> None:
    assert WIDGET.attributes({"reference": "<&>"}) == {
        "data-customersure-survey-widget": "",
        "data-widget-params": '{"org":"acme","survey":"AKknWccEFf7"}',
        "data-survey-params": '{"reference":"<&>"}',
    }
    assert WIDGET.attributes() == {
        "data-customersure-survey-widget": "",
        "data-widget-params": '{"org":"acme","survey":"AKknWccEFf7"}',
    }


def test_empty_params_render_an_empty_object() -> None:
    assert WIDGET.attributes({})["data-survey-params"] == "{}"


def test_extra_params_pass_through_after_org_and_survey() -> None:
    widget = Widget(org="acme", survey="s1", script_src="/w.js", extra_params={"theme": "dark"})
    assert widget.widget_params() == {"org": "acme", "survey": "s1", "theme": "dark"}
    assert (
        widget.attributes()["data-widget-params"] == '{"org":"acme","survey":"s1","theme":"dark"}'
    )


def test_flat_mapping_is_classified_with_the_widgets_segment_keys() -> None:
    widget = Widget(org="acme", survey="s1", script_src="/w.js", segment_keys=["region"])
    params = widget.survey_params({"region": "north", "name": "Kate", "order": 7})
    assert params == SurveyParams(
        customer={"name": "Kate"}, segments={"region": "north"}, metadata={"order": 7}
    )


def test_replace_gives_another_survey_on_the_same_account() -> None:
    other = dataclasses.replace(WIDGET, survey="Other1")
    assert other.widget_params() == {"org": "acme", "survey": "Other1"}
    assert other.script_src == WIDGET.script_src


def test_widget_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        WIDGET.org = "other"  # type: ignore[misc]


def test_params_copy_their_input() -> None:
    customer = {"name": "Kate"}
    params = SurveyParams(customer=customer)
    customer["name"] = "Changed"
    assert params.to_dict() == {"name": "Kate"}
    with pytest.raises(TypeError):
        params.customer["name"] = "x"  # type: ignore[index]


def test_feedback_request_data_is_the_rest_apis_data_list() -> None:
    params = SurveyParams(
        customer={"email": "john.smith@example.com"},
        segments={"staff_code": "luke", "site_code": "newcastle", "category": "api-support"},
        metadata={"ticket_date": "20th Aug 2023"},
    )
    assert params.feedback_request_data() == [
        {"key": "staff_code", "value": "luke"},
        {"key": "site_code", "value": "newcastle"},
        {"key": "category", "value": "api-support"},
        {"key": "ticket_date", "value": "20th Aug 2023"},
    ]


def test_init_script() -> None:
    assert init_script() == INIT
    assert init_script(nonce="r4nd0m", defer=True) == DEFERRED_INIT


def test_toggle_script_binds_one_delegated_listener() -> None:
    assert toggle_script(nonce="abc") == (
        '<script nonce="abc">document.addEventListener("click",function(event){'
        "var target=event.target instanceof Element&&"
        'event.target.closest("[data-cswidget-toggle]");'
        "if(target&&window.CustomerSureSurveyWidget){"
        "event.preventDefault();CustomerSureSurveyWidget.toggleWidget();}});"
        "</script>"
    )


def test_trigger_is_an_accessible_native_button() -> None:
    assert trigger("Give feedback") == (
        '<button type="button" data-cswidget-toggle aria-haspopup="dialog">Give feedback</button>'
    )


def test_trigger_escapes_label_and_attributes() -> None:
    assert trigger('<b>"Tell us"</b>', class_="btn 'x'", aria_label="Open & go", hidden=False) == (
        '<button type="button" data-cswidget-toggle aria-haspopup="dialog" '
        'class="btn &#39;x&#39;" aria-label="Open &amp; go">'
        "&lt;b&gt;&#34;Tell us&#34;&lt;/b&gt;</button>"
    )


def test_trigger_never_trusts_markup_labels() -> None:
    assert trigger(Markup("<img src=x onerror=alert(1)>")) == (
        '<button type="button" data-cswidget-toggle aria-haspopup="dialog">'
        "&lt;img src=x onerror=alert(1)&gt;</button>"
    )


def test_trigger_link_keeps_its_href_as_the_no_script_fallback() -> None:
    assert trigger("Feedback", tag="a", href="https://acme.customersure.com/s/1") == (
        '<a data-cswidget-toggle aria-haspopup="dialog" '
        'href="https://acme.customersure.com/s/1">Feedback</a>'
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "error"),
    [
        ({"label": ""}, "label", "required"),
        ({"label": "   "}, "label", "required"),
        ({"label": "x", "tag": "div"}, "tag", "invalid_value"),
        ({"label": "x", "tag": "a"}, "attrs.href", "required"),
        (
            {"label": "x", "tag": "a", "href": "javascript:alert(1)"},
            "attrs.href",
            "forbidden_value",
        ),
        ({"label": "x", "tag": "a", "href": " Java\tScript:x"}, "attrs.href", "forbidden_value"),
        ({"label": "x", "onclick": "alert(1)"}, "attrs.onclick", "forbidden_value"),
        ({"label": "x", "type": "submit"}, "attrs.type", "forbidden_value"),
        (
            {"label": "x", "data_cswidget_toggle": "no"},
            "attrs.data-cswidget-toggle",
            "forbidden_value",
        ),
        ({"label": "x", "style": {"a": 1}}, "attrs.style", "invalid_value"),
    ],
)
def test_trigger_errors(kwargs: dict[str, object], field: str, error: str) -> None:
    label = kwargs.pop("label")
    with pytest.raises(ValidationError) as caught:
        trigger(label, **kwargs)  # type: ignore[arg-type]
    assert [(e.resource, e.field, e.error) for e in caught.value.errors] == [
        ("trigger", field, error)
    ]


def test_trigger_attribute_names_with_markup_characters_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        trigger("x", **{'a"><script>': "1"})
    assert caught.value.errors[0].error == "invalid_format"
