"""The hostile corpus through every rendering function, parsed back by html5lib.

html5lib implements the WHATWG parsing algorithm browsers use. For each
value and key, the attribute a browser would read must decode to exactly
the JSON cswidget encoded, nothing may escape the element, and no element
other than the ones rendered may appear.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import html5lib
import pytest
from markupsafe import Markup

import hostile
from cswidget import ValidationError, Widget, init_script, toggle_script, trigger
from cswidget.codepoints import text_problem

WIDGET = Widget(
    org="acme",
    survey="AKknWccEFf7",
    script_src="https://cdn.example/survey_widget.js",
    extra_params={"theme": "dark"},
)
NS = "{http://www.w3.org/1999/xhtml}"


def parse(html: str) -> Any:
    """The <body> a browser builds for `html`."""
    document = html5lib.parse(f"<!doctype html><body>{html}</body>", namespaceHTMLElements=True)
    return document.find(f"{NS}body")


def children(body: Any) -> list[tuple[str, dict[str, str], str]]:
    return [
        (element.tag.removeprefix(NS), dict(element.attrib), element.text or "")
        for element in body.iter()
        if element is not body
    ]


def survey_params_read_back(html: Markup) -> tuple[Any, list[str]]:
    elements = children(parse(html))
    containers = [attrs for tag, attrs, _ in elements if tag == "div"]
    assert len(containers) == 1
    return json.loads(containers[0]["data-survey-params"]), [tag for tag, _, _ in elements]


def embed_parts(params: dict[str, Any]) -> list[Callable[[], Markup]]:
    return [
        lambda: WIDGET.container(params),
        lambda: WIDGET.embed(params),
        lambda: WIDGET.embed(params, defer=True, nonce="n0nce"),
    ]


@pytest.mark.parametrize("value", hostile.VALUES, ids=range(len(hostile.VALUES)))
def test_hostile_value_round_trips_through_every_container(value: str) -> None:
    params = {"reference": value, "name": value, "region": value}
    for render in embed_parts(params):
        read_back, tags = survey_params_read_back(render())
        assert read_back == params
        assert tags in (["div"], ["script", "div", "script"])


@pytest.mark.parametrize("key", hostile.KEYS, ids=range(len(hostile.KEYS)))
def test_hostile_key_round_trips(key: str) -> None:
    params = {key: key}
    for render in embed_parts(params):
        read_back, _ = survey_params_read_back(render())
        assert read_back == params
        assert list(read_back) == [key]


def test_all_hostile_values_in_as_few_containers_as_the_key_cap_allows() -> None:
    params = {f"value_{index}": value for index, value in enumerate(hostile.VALUES)}
    for batch in hostile.in_batches(params):
        read_back, tags = survey_params_read_back(WIDGET.embed(batch))
        assert read_back == batch
        assert tags == ["script", "div", "script"]


def test_widget_params_round_trip_with_hostile_extra_params() -> None:
    extra = dict(zip(hostile.KEYS, hostile.VALUES, strict=False))
    extra.pop("org", None)
    widget = Widget(org="acme", survey="s1", script_src="/w.js", extra_params=extra)
    ((_, attrs, _),) = children(parse(widget.container()))
    assert json.loads(attrs["data-widget-params"]) == {"org": "acme", "survey": "s1", **extra}


@pytest.mark.parametrize("value", hostile.VALUES, ids=range(len(hostile.VALUES)))
def test_hostile_trigger_labels_and_attributes_stay_text(value: str) -> None:
    if not value.strip() or text_problem(value) is not None:
        with pytest.raises(ValidationError):
            trigger(value, class_=value)
        return
    html = trigger(value, class_=value, aria_label=value, data_note=value)
    ((tag, attrs, text),) = children(parse(html))
    assert tag == "button"
    assert attrs == {
        "type": "button",
        "data-cswidget-toggle": "",
        "aria-haspopup": "dialog",
        "class": value,
        "aria-label": value,
        "data-note": value,
    }
    assert text == value


def test_scripts_parse_as_one_element_each() -> None:
    for html in (init_script(), init_script(defer=True, nonce="a+b/c="), toggle_script()):
        ((tag, _, body),) = children(parse(html))
        assert tag == "script"
        assert body == html[html.index(">") + 1 : -len("</script>")]
