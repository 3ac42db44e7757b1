"""sample= / sample_key= / eligible=: a stable hash of survey and key, the same
in every process; surveys independent; rates within binomial bounds."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import jinja2
import pytest
from django.template import engines

import cswidget.jinja
from cswidget import ValidationError, Widget
from cswidget.jinja import WidgetDefaults
from cswidget.sampling import is_sampled, sample_point, shows

WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src="/widget.js")
KEYS = [f"user-{number}" for number in range(100_000)]
# Five standard deviations: a correct sampler fails this about once in 1.7 million.
SIGMAS = 5


def within_binomial_bounds(count: int, trials: int, rate: float) -> bool:
    spread = SIGMAS * math.sqrt(trials * rate * (1 - rate))
    return abs(count - trials * rate) <= spread


@pytest.fixture(scope="module")
def points() -> list[float]:
    return [sample_point(survey="AKknWccEFf7", sample_key=key) for key in KEYS]


@pytest.mark.parametrize("rate", [0.01, 0.1, 0.25, 0.5, 0.9])
def test_rates_are_within_binomial_bounds_over_100000_keys(
    rate: float, points: list[float]
) -> None:
    chosen = sum(point < rate for point in points)
    assert within_binomial_bounds(chosen, len(KEYS), rate), chosen
    # The decision is exactly "the key's point is below the rate".
    assert [
        is_sampled(survey="AKknWccEFf7", sample=rate, sample_key=key) for key in KEYS[:2000]
    ] == [point < rate for point in points[:2000]]


def test_zero_and_one_are_never_and_always() -> None:
    assert not any(is_sampled(survey="S", sample=0, sample_key=key) for key in KEYS[:1000])
    assert all(is_sampled(survey="S", sample=1, sample_key=key) for key in KEYS[:1000])


def test_surveys_choose_independently(points: list[float]) -> None:
    first = [point < 0.3 for point in points]
    second = [sample_point(survey="Chk0ut2166x", sample_key=key) < 0.5 for key in KEYS]
    both = sum(a and b for a, b in zip(first, second, strict=True))
    assert within_binomial_bounds(both, len(KEYS), 0.3 * 0.5), both
    # The same key is not at the same point for another survey.
    same = sum(
        sample_point(survey="A", sample_key=key) == sample_point(survey="B", sample_key=key)
        for key in KEYS[:1000]
    )
    assert same == 0


def test_a_larger_rate_keeps_everyone_a_smaller_one_chose() -> None:
    # Raising the rate from 10% to 20% adds people; nobody drops out.
    small = {key for key in KEYS[:5000] if is_sampled(survey="S", sample=0.1, sample_key=key)}
    large = {key for key in KEYS[:5000] if is_sampled(survey="S", sample=0.2, sample_key=key)}
    assert small < large


PROBE = """
import json, sys
from cswidget.sampling import sample_point
keys = json.loads(sys.argv[1])
print(json.dumps([sample_point(survey="AKknWccEFf7", sample_key=key) for key in keys]))
"""


@pytest.mark.parametrize("hash_seed", ["0", "1", "random"])
def test_the_same_answer_in_another_process(hash_seed: str) -> None:
    keys: list[str | int] = ["user-1", "kate@example.com", 42, "Ωμέγα", "x" * 500]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(keys)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
    )
    assert json.loads(result.stdout) == [
        sample_point(survey="AKknWccEFf7", sample_key=key) for key in keys
    ]


def test_the_decision_does_not_change_between_releases() -> None:
    # SHA-256 of "AKknWccEFf7\0user-42", first 8 bytes over 2**64: if this
    # changes, people already surveyed would be asked again.
    assert sample_point(survey="AKknWccEFf7", sample_key="user-42") == 0.5775045482453229
    assert sample_point(survey="AKknWccEFf7", sample_key=42) == sample_point(
        survey="AKknWccEFf7", sample_key="42"
    )


def test_without_a_key_each_page_view_decides_afresh() -> None:
    views = 20_000
    shown = sum(shows(survey="AKknWccEFf7", sample=0.25) for _ in range(views))
    assert within_binomial_bounds(shown, views, 0.25), shown


def test_embed_is_empty_outside_the_sample_and_whole_inside() -> None:
    inside = next(
        key for key in KEYS if is_sampled(survey=WIDGET.survey, sample=0.5, sample_key=key)
    )
    outside = next(
        key for key in KEYS if not is_sampled(survey=WIDGET.survey, sample=0.5, sample_key=key)
    )
    assert WIDGET.embed({"name": "Kate"}, sample=0.5, sample_key=inside) == WIDGET.embed(
        {"name": "Kate"}
    )
    assert WIDGET.embed({"name": "Kate"}, sample=0.5, sample_key=outside) == ""


def test_eligible_is_a_site_rule() -> None:
    assert WIDGET.embed(eligible=lambda: False) == ""
    assert WIDGET.embed(eligible=lambda: True) == WIDGET.embed()
    calls: list[int] = []
    WIDGET.embed(sample=1, eligible=lambda: calls.append(1) or True)
    assert calls == [1]


def test_params_are_checked_even_for_people_outside_the_sample() -> None:
    with pytest.raises(ValidationError) as raised:
        WIDGET.embed({"email": "not-an-email"}, sample=0)
    assert raised.value.fields == ("customer.email",)


@pytest.mark.parametrize("sample", [-0.1, 1.01, float("nan"), float("inf"), True, "0.5", object()])
def test_bad_rates_are_refused(sample: object) -> None:
    with pytest.raises(ValidationError) as raised:
        WIDGET.embed(sample=sample)  # type: ignore[arg-type]
    assert [error.to_dict() for error in raised.value.errors] == [
        {
            "resource": "widget",
            "field": "sample",
            "error": "invalid_value",
            "extra_info": {"minimum": 0, "maximum": 1},
        }
    ]


@pytest.mark.parametrize("sample_key", ["", True, 1.5, object(), ["user"]])
def test_bad_keys_are_refused(sample_key: object) -> None:
    with pytest.raises(ValidationError) as raised:
        WIDGET.embed(sample=0.5, sample_key=sample_key)  # type: ignore[arg-type]
    assert raised.value.fields == ("sample_key",)


def test_templates_take_sample_and_sample_key() -> None:
    outside = next(
        key for key in KEYS if not is_sampled(survey=WIDGET.survey, sample=0.5, sample_key=key)
    )
    env = jinja2.Environment(autoescape=True, extensions=[cswidget.jinja.widgets])
    env.cswidget = WidgetDefaults(org="acme", script_src="/widget.js")  # type: ignore[attr-defined]
    jinja_source = '{{ cswidget_embed("AKknWccEFf7", sample=0.5, sample_key=key) }}'
    macro_source = (
        '{% import "cswidget/macros.html" as cs %}'
        "{{ cs.embed(widget, sample=0.5, sample_key=key) }}"
    )
    django_source = (
        '{% load cswidget %}{% cswidget_embed "AKknWccEFf7" sample=0.5 sample_key=key %}'
    )
    inside = next(
        key for key in KEYS if is_sampled(survey=WIDGET.survey, sample=0.5, sample_key=key)
    )
    for key, expected in ((outside, ""), (inside, str(WIDGET.embed()))):
        assert env.from_string(jinja_source).render(key=key) == expected
        assert env.from_string(macro_source).render(widget=WIDGET, key=key) == expected
        assert engines["django"].from_string(django_source).render({"key": key}) == expected


def test_django_templates_pass_eligible_already_called() -> None:
    source = '{% load cswidget %}{% cswidget_embed "AKknWccEFf7" eligible=rule %}'
    template = engines["django"].from_string(source)
    assert template.render({"rule": lambda: False}) == ""
    assert template.render({"rule": lambda: True}) == str(WIDGET.embed())
