"""The off switch: ENABLED and INTERNAL_IPS, in the core, Jinja and Django."""

from __future__ import annotations

from typing import Any, ClassVar

import jinja2
import pytest
from django.template import engines
from django.test import RequestFactory

from cswidget import ValidationError
from cswidget.django.runtime import widget_enabled as django_widget_enabled
from cswidget.jinja import WidgetDefaults, configure
from cswidget.switch import client_address_from, request_client_address, widget_enabled

OFF = "<!-- cswidget: widget disabled: ENABLED is off -->"
INTERNAL = "<!-- cswidget: widget disabled: internal IP address -->"


@pytest.mark.parametrize(
    ("enabled", "internal_ips", "address", "reason"),
    [
        (True, (), "10.1.2.3", ""),
        (False, (), "203.0.113.9", "ENABLED is off"),
        (lambda request: request == "beta", (), None, "ENABLED is off"),
        (True, ["10.0.0.0/8"], "10.1.2.3", "internal IP address"),
        (True, ["10.0.0.0/8"], "203.0.113.9", ""),
        (True, ["127.0.0.1", "::1"], "::1", "internal IP address"),
        (True, ["127.0.0.1"], None, ""),
        (True, ["127.0.0.1"], "not an address", ""),
    ],
)
def test_widget_enabled(enabled: Any, internal_ips: Any, address: Any, reason: str) -> None:
    decision = widget_enabled(
        "request", enabled=enabled, internal_ips=internal_ips, client_address=address
    )
    assert (decision.enabled, decision.reason) == (reason == "", reason)


@pytest.mark.parametrize(
    ("forwarded", "trusted", "expected"),
    [
        ("6.6.6.6", 0, "10.0.0.2"),  # nobody trusted: the header is ignored
        ("6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),  # what our one proxy saw
        ("6.6.6.6, 203.0.113.9, 10.0.0.5", 2, "203.0.113.9"),
        ("203.0.113.9", 2, "10.0.0.2"),  # fewer hops than proxies: not through them
        (None, 1, "10.0.0.2"),
    ],
)
def test_x_forwarded_for_only_behind_trusted_proxies(
    forwarded: str | None, trusted: int, expected: str
) -> None:
    assert (
        client_address_from("10.0.0.2", forwarded_for=forwarded, trusted_proxies=trusted)
        == expected
    )


def test_request_client_address_reads_django_starlette_flask_and_asgi() -> None:
    django_request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert request_client_address(django_request) == "10.0.0.2"
    assert request_client_address(django_request, trusted_proxies=1) == "1.2.3.4"
    scope = {
        "type": "http",
        "client": ("10.0.0.3", 1),
        "headers": [(b"x-forwarded-for", b"5.6.7.8")],
    }
    assert request_client_address(scope) == "10.0.0.3"
    assert request_client_address(scope, trusted_proxies=1) == "5.6.7.8"


def test_widget_defaults_refuse_a_bad_switch_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        WidgetDefaults(
            org="acme",
            script_src="/w.js",
            enabled="yes",  # type: ignore[arg-type]
            internal_ips=["intranet"],
            trusted_proxies=-1,
        )
    assert caught.value.fields == ("enabled", "internal_ips", "trusted_proxies")


class Client:
    host = "10.9.9.9"


class StarletteLikeRequest:
    method = "GET"
    client = Client()
    headers: ClassVar[dict[str, str]] = {}


PAGE = "{{ cswidget_embed('S') }}{{ cswidget_toggle_script() }}{{ cswidget_trigger('Feedback') }}"
TRIGGER = '<button type="button" data-cswidget-toggle aria-haspopup="dialog">Feedback</button>'


def test_jinja_renders_a_comment_and_no_scripts_when_off() -> None:
    env = configure(
        jinja2.Environment(autoescape=True),
        WidgetDefaults(org="acme", script_src="/w.js", internal_ips=["10.0.0.0/8"]),
    )
    html = env.from_string(PAGE).render(request=StarletteLikeRequest())
    assert html == INTERNAL + INTERNAL + TRIGGER
    off = configure(
        jinja2.Environment(autoescape=True),
        WidgetDefaults(org="acme", script_src="/w.js", enabled=False),
    )
    assert off.from_string(PAGE).render() == OFF + OFF + TRIGGER


DJANGO_PAGE = '{% load cswidget %}{% cswidget_embed "S" %}{% cswidget_init %}'


def test_django_internal_ips_fall_back_to_django_s_own(settings: Any) -> None:
    settings.INTERNAL_IPS = ["127.0.0.1"]
    template = engines["django"].from_string(DJANGO_PAGE)
    assert template.render({}, RequestFactory().get("/")) == INTERNAL + INTERNAL
    other = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    assert "<script" in template.render({}, other)
    assert django_widget_enabled(other).enabled


def test_django_enabled_may_be_a_dotted_path(settings: Any) -> None:
    settings.CSWIDGET = {**settings.CSWIDGET, "ENABLED": "tests_switch_flags.never"}
    import sys
    import types

    module = types.ModuleType("tests_switch_flags")
    module.never = lambda request: False  # type: ignore[attr-defined]
    sys.modules["tests_switch_flags"] = module
    try:
        html = engines["django"].from_string(DJANGO_PAGE).render({}, RequestFactory().get("/"))
    finally:
        del sys.modules["tests_switch_flags"]
    assert html == OFF + OFF


def test_django_x_forwarded_for_needs_trusted_proxies(settings: Any) -> None:
    settings.CSWIDGET = {**settings.CSWIDGET, "INTERNAL_IPS": ["10.0.0.0/8"]}
    spoofed = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert django_widget_enabled(spoofed).enabled
    settings.CSWIDGET = {**settings.CSWIDGET, "TRUSTED_PROXIES": 1}
    assert not django_widget_enabled(spoofed).enabled
