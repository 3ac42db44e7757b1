"""consent=: the exact markup for each manager, the same through every path
(Python, macros, Jinja globals, Django tags, CLI), and the usual error shape."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from django.template import engines

import cswidget.jinja
from cswidget import ValidationError, Widget, init_script
from cswidget.cli import main
from cswidget.consent import CONSENT_NAME_PATTERN, GATE_BODY, Consent
from cswidget.jinja import WidgetDefaults

WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src="/widget.js")
PARAMS = {"name": "Kate", "reference": "INV-2090"}
NONCE = "cHJvdmVkLW5vbmNl"
CONTAINER = (
    '<div data-customersure-survey-widget data-widget-params="{&#34;org&#34;:&#34;acme&#34;,'
    '&#34;survey&#34;:&#34;AKknWccEFf7&#34;}" data-survey-params="{&#34;name&#34;:&#34;Kate&#34;,'
    '&#34;reference&#34;:&#34;INV-2090&#34;}"></div>'
)
GATE = f'<script nonce="{NONCE}">{GATE_BODY}</script>'

# consent -> (the inert script tag, the gate), with NONCE.
EXPECTED = {
    "cookiebot:statistics": (
        f'<script type="text/plain" data-cookieconsent="statistics" src="/widget.js" '
        f'nonce="{NONCE}"></script>',
        GATE,
    ),
    "klaro:customersure": (
        '<script type="text/plain" data-type="text/javascript" data-name="customersure" '
        f'data-src="/widget.js" nonce="{NONCE}"></script>',
        GATE,
    ),
    "onetrust:C0002": (
        f'<script type="text/plain" class="optanon-category-C0002" src="/widget.js" '
        f'nonce="{NONCE}"></script>',
        GATE,
    ),
    "event:survey-consent": (
        '<script type="text/plain" data-cswidget-consent-event="survey-consent" '
        f'data-src="/widget.js" nonce="{NONCE}"></script>',
        f'<script data-cswidget-consent-event="survey-consent" nonce="{NONCE}">'
        f"{GATE_BODY}</script>",
    ),
}


@pytest.mark.parametrize(("consent", "expected"), EXPECTED.items())
def test_each_manager_gets_its_documented_markup(consent: str, expected: tuple[str, str]) -> None:
    script, gate = expected
    assert WIDGET.script_tag(consent=consent, nonce=NONCE) == script
    assert init_script(consent=consent, nonce=NONCE) == gate
    # Container first (inert data), then the gate, then the tag it waits for.
    assert WIDGET.embed(PARAMS, consent=consent, nonce=NONCE) == f"{CONTAINER}\n{gate}\n{script}"


def test_the_gate_is_a_constant_with_no_user_data() -> None:
    hostile_event = "a:b.c-d_e"
    gate = init_script(consent=f"event:{hostile_event}")
    assert gate == f'<script data-cswidget-consent-event="{hostile_event}">{GATE_BODY}</script>'
    assert hostile_event not in GATE_BODY
    for consent in EXPECTED:
        assert GATE_BODY in init_script(consent=consent)


def test_without_a_nonce_no_nonce_attribute() -> None:
    assert WIDGET.script_tag(consent="onetrust:C0002") == (
        '<script type="text/plain" class="optanon-category-C0002" src="/widget.js"></script>'
    )
    assert WIDGET.script_tag(consent="onetrust:C0002", defer=True).endswith(" defer></script>")


def test_the_markup_is_the_same_for_every_render() -> None:
    renders = {str(WIDGET.embed(PARAMS, consent="cookiebot:marketing")) for _ in range(3)}
    assert len(renders) == 1


MANAGERS = ["cookiebot", "klaro", "onetrust", "event"]


@pytest.mark.parametrize(
    ("consent", "error", "extra_info"),
    [
        ("google:ads", "invalid_value", {"allowed_values": MANAGERS}),
        ("Cookiebot:statistics", "invalid_value", {"allowed_values": MANAGERS}),
        (":statistics", "invalid_value", {"allowed_values": MANAGERS}),
        (
            "cookiebot:necessary",
            "invalid_value",
            {
                "allowed_values": [
                    "cookiebot:preferences",
                    "cookiebot:statistics",
                    "cookiebot:marketing",
                ]
            },
        ),
        ("cookiebot:Statistics", "invalid_value", None),
        *[
            (f"{manager}:{name}", "invalid_format", {"valid_format": CONSENT_NAME_PATTERN})
            for manager in ("klaro", "onetrust", "event")
            for name in (
                "",
                " x",
                "x y",
                "x'y",
                'x"y',
                "x]y",
                "x>y",
                "x\ty",
                "x\n",
                "-x",
                "x\u200b",
                "é",
                "x" * 65,
            )
        ],
    ],
)
def test_bad_consent_values_are_refused_in_the_api_error_language(
    consent: str, error: str, extra_info: dict[str, object] | None
) -> None:
    for call in (
        lambda: WIDGET.embed(PARAMS, consent=consent),
        lambda: WIDGET.script_tag(consent=consent),
        lambda: init_script(consent=consent),
    ):
        with pytest.raises(ValidationError) as raised:
            call()
        (field_error,) = raised.value.errors
        assert (field_error.resource, field_error.field, field_error.error) == (
            "script",
            "consent",
            error,
        )
        if extra_info is not None:
            assert field_error.extra_info == extra_info


@pytest.mark.parametrize("consent", [None, 3, "statistics", "cookiebot"])
def test_consent_must_be_manager_colon_name(consent: object) -> None:
    if consent is None:
        assert WIDGET.embed(PARAMS, consent=None) == WIDGET.embed(PARAMS)
        return
    with pytest.raises(ValidationError) as raised:
        WIDGET.embed(PARAMS, consent=consent)  # type: ignore[arg-type]
    assert raised.value.fields == ("consent",)
    assert raised.value.errors[0].error == "invalid_format"


def test_a_bad_nonce_is_refused_with_consent_too() -> None:
    with pytest.raises(ValidationError) as raised:
        WIDGET.embed(PARAMS, consent="event:go", nonce='"><script>')
    assert raised.value.fields == ("nonce",)


def test_parsed_consent_is_accepted_too() -> None:
    parsed = Consent.parse("klaro:customersure")
    assert WIDGET.embed(PARAMS, consent=parsed) == WIDGET.embed(
        PARAMS, consent="klaro:customersure"
    )


# --- The same markup through every path. ---


@pytest.mark.parametrize("consent", EXPECTED)
def test_macros_render_the_same(consent: str) -> None:
    env = cswidget.jinja.setup(jinja2.Environment(autoescape=True))
    source = (
        '{% import "cswidget/macros.html" as cs %}'
        "{{ cs.embed(widget, params, consent=consent, nonce=nonce) }}|"
        "{{ cs.script(widget, consent=consent, nonce=nonce) }}|"
        "{{ cs.init(consent=consent, nonce=nonce) }}"
    )
    html = env.from_string(source).render(
        widget=WIDGET, params=PARAMS, consent=consent, nonce=NONCE
    )
    assert html == "|".join(
        [
            WIDGET.embed(PARAMS, consent=consent, nonce=NONCE),
            WIDGET.script_tag(consent=consent, nonce=NONCE),
            init_script(consent=consent, nonce=NONCE),
        ]
    )


@pytest.mark.parametrize("consent", EXPECTED)
def test_jinja_globals_render_the_same(consent: str) -> None:
    env = jinja2.Environment(autoescape=True, extensions=[cswidget.jinja.widgets])
    env.cswidget = WidgetDefaults(org="acme", script_src="/widget.js")  # type: ignore[attr-defined]
    source = (
        '{{ cswidget_embed("AKknWccEFf7", params=params, consent=consent) }}|'
        "{{ cswidget_script(consent=consent) }}|{{ cswidget_init(consent=consent) }}"
    )
    html = env.from_string(source).render(params=PARAMS, consent=consent, csp_nonce=NONCE)
    assert html == "|".join(
        [
            WIDGET.embed(PARAMS, consent=consent, nonce=NONCE),
            WIDGET.script_tag(consent=consent, nonce=NONCE),
            init_script(consent=consent, nonce=NONCE),
        ]
    )


@pytest.mark.parametrize("consent", EXPECTED)
def test_django_tags_render_the_same(consent: str) -> None:
    template = engines["django"].from_string(
        "{% load cswidget %}"
        '{% cswidget_embed "AKknWccEFf7" params=params consent=consent nonce=nonce %}|'
        "{% cswidget_script consent=consent nonce=nonce %}|"
        "{% cswidget_init consent=consent nonce=nonce %}"
    )
    html = template.render({"params": PARAMS, "consent": consent, "nonce": NONCE})
    assert html == "|".join(
        [
            WIDGET.embed(PARAMS, consent=consent, nonce=NONCE),
            WIDGET.script_tag(consent=consent, nonce=NONCE),
            init_script(consent=consent, nonce=NONCE),
        ]
    )


@pytest.mark.parametrize("consent", EXPECTED)
def test_cli_snippet_renders_the_same(
    consent: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    flags = ["--org", "acme", "--survey", "AKknWccEFf7", "--script-src", "/widget.js"]
    status = main(
        [
            "snippet",
            *flags,
            "--consent",
            consent,
            "--nonce",
            NONCE,
            "--customer",
            "name=Kate",
            "--meta",
            "reference=INV-2090",
        ]
    )
    assert (status, capsys.readouterr().out) == (
        0,
        WIDGET.embed(PARAMS, consent=consent, nonce=NONCE) + "\n",
    )


def test_cli_refuses_an_unknown_manager_naming_the_flag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    flags = ["--org", "acme", "--survey", "AKknWccEFf7", "--script-src", "/widget.js"]
    status = main(["snippet", *flags, "--consent", "google:ads"])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err == (
        "cswidget: error: Validation error\n"
        "  consent must be one of: cookiebot, klaro, onetrust, event [--consent]\n"
    )
