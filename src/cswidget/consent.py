"""Consent gating: the widget script held back until a consent manager says yes.

    widget.embed(params, consent="cookiebot:statistics", nonce=nonce)

`consent` names a consent manager and what it calls the consent:

- `"cookiebot:<category>"`: Cookiebot's manual mode, `type="text/plain"
  data-cookieconsent="<category>"`; Cookiebot runs the tag once the visitor
  accepts that category.
- `"klaro:<service>"`: Klaro, `type="text/plain" data-type="text/javascript"
  data-name="<service>" data-src="<script_src>"`.
- `"onetrust:<group>"`: OneTrust's script type rewriting, `type="text/plain"
  class="optanon-category-<group>"`.
- `"event:<name>"`: no manager; the site says yes itself with
  `document.dispatchEvent(new CustomEvent("<name>"))`, and (for consent known
  before the page's scripts run) `(window.cswidgetConsent ||= []).push("<name>")`.

A gated embed is the container, then the gate (a constant inline script),
then the widget script as an inert `type="text/plain"` tag that the manager
activates. Before consent no request goes to `script_src`; afterwards the
gate calls `init()` once, from the widget script's `load` event. The markup
is the same for every visitor: consent lives in the browser, not the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup

from . import rules
from .errors import FieldError, ValidationError
from .html import Attribute, element
from .vocabulary import ALLOWED_VALUES, INVALID_FORMAT, INVALID_VALUE, VALID_FORMAT

__all__ = [
    "CONSENT_MANAGERS",
    "COOKIEBOT_CATEGORIES",
    "Consent",
    "checked_consent",
    "gate_script",
    "gated_script_tag",
]

CONSENT_MANAGERS: Final = ("cookiebot", "klaro", "onetrust", "event")
# Cookiebot's consent categories a script can wait for ("necessary" is
# always given, so gating on it would gate nothing).
COOKIEBOT_CATEGORIES: Final = ("preferences", "statistics", "marketing")
# Klaro service names, OneTrust group ids (C0002, or a custom id) and event
# names: identifiers that stay one token in a class list, a CSS attribute
# selector (Klaro builds `[data-name='...']` by concatenation) and an event type.
CONSENT_NAME_PATTERN: Final = "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$(?!\\n)"
CONSENT_FORMAT: Final = "^(?:cookiebot|klaro|onetrust|event):[^\\s]+$(?!\\n)"

# Where the gate and the event convention find their names.
CONSENT_EVENT_ATTRIBUTE: Final = "data-cswidget-consent-event"
INITIALISED_ATTRIBUTE: Final = "data-cswidget-initialised"

_NAME = re.compile(CONSENT_NAME_PATTERN)

# The gate. It waits, in the capture phase (load does not bubble), for the
# first script `load` after which the widget's global exists: that is the
# widget script's own load event, which fires right after it ran, so init()
# can never overtake it. Containers it initialises are marked, as the
# lifecycle script marks them, so the two never call init() twice.
# With data-cswidget-consent-event it is also the "event:" manager: on that
# event (or a name already in window.cswidgetConsent) it swaps each matching
# inert tag for a live one, carrying the nonce.
GATE_BODY: Final = Markup(
    "(function(){"
    "var gate=document.currentScript,"
    'name=gate&&gate.getAttribute("' + CONSENT_EVENT_ATTRIBUTE + '"),'
    'sel="[data-customersure-survey-widget]",'
    'mark="' + INITIALISED_ATTRIBUTE + '",'
    "started=false;"
    "function loaded(event){"
    "if(!(event.target instanceof HTMLScriptElement)||!window.CustomerSureSurveyWidget)return;"
    'document.removeEventListener("load",loaded,true);'
    "var fresh=Array.prototype.filter.call(document.querySelectorAll(sel),"
    "function(c){return!c.hasAttribute(mark);});"
    "if(!fresh.length)return;"
    'fresh.forEach(function(c){c.setAttribute(mark,"");});'
    "CustomerSureSurveyWidget.init();}"
    'document.addEventListener("load",loaded,true);'
    "if(!name)return;"
    "function start(){"
    "if(started)return;started=true;"
    'document.querySelectorAll(\'script[type="text/plain"][' + CONSENT_EVENT_ATTRIBUTE + "]')"
    ".forEach(function(inert){"
    'if(inert.getAttribute("' + CONSENT_EVENT_ATTRIBUTE + '")!==name)return;'
    'var live=document.createElement("script");'
    'live.src=inert.getAttribute("data-src");live.nonce=inert.nonce;inert.replaceWith(live);});}'
    "function consent(){"
    'if(document.readyState==="loading")'
    'document.addEventListener("DOMContentLoaded",start);else start();}'
    "document.addEventListener(name,consent);"
    "if((window.cswidgetConsent||[]).indexOf(name)>=0)consent();"
    "})();"
)


@dataclass(frozen=True)
class Consent:
    """A parsed `consent=` value.

    >>> Consent.parse("cookiebot:statistics")
    Consent(manager='cookiebot', name='statistics')
    """

    manager: str
    name: str

    @classmethod
    def parse(cls, value: object, *, field: str = "consent") -> Consent:
        """`value` ("manager:name") checked; raises ValidationError."""
        if not isinstance(value, str) or ":" not in value:
            raise ValidationError(
                [FieldError(rules.SCRIPT, field, INVALID_FORMAT, {VALID_FORMAT: CONSENT_FORMAT})]
            )
        manager, _, name = value.partition(":")
        if manager not in CONSENT_MANAGERS:
            raise ValidationError(
                [
                    FieldError(
                        rules.SCRIPT, field, INVALID_VALUE, {ALLOWED_VALUES: list(CONSENT_MANAGERS)}
                    )
                ]
            )
        if manager == "cookiebot":
            if name not in COOKIEBOT_CATEGORIES:
                raise ValidationError(
                    [
                        FieldError(
                            rules.SCRIPT,
                            field,
                            INVALID_VALUE,
                            {ALLOWED_VALUES: [f"cookiebot:{c}" for c in COOKIEBOT_CATEGORIES]},
                        )
                    ]
                )
        elif not _NAME.search(name):
            raise ValidationError(
                [
                    FieldError(
                        rules.SCRIPT, field, INVALID_FORMAT, {VALID_FORMAT: CONSENT_NAME_PATTERN}
                    )
                ]
            )
        return cls(str.__str__(manager), str.__str__(name))

    def script_attributes(self, script_src: str) -> list[Attribute]:
        """The inert tag's attributes, in the manager's documented form."""
        plain: Attribute = ("type", "text/plain")
        if self.manager == "cookiebot":
            return [plain, ("data-cookieconsent", self.name), ("src", script_src)]
        if self.manager == "klaro":
            return [
                plain,
                ("data-type", "text/javascript"),
                ("data-name", self.name),
                ("data-src", script_src),
            ]
        if self.manager == "onetrust":
            return [plain, ("class", f"optanon-category-{self.name}"), ("src", script_src)]
        # data-src, not src: a text/plain script is a data block, which HTML
        # does not allow a src on; the gate, ours, reads data-src.
        return [plain, (CONSENT_EVENT_ATTRIBUTE, self.name), ("data-src", script_src)]

    def gate_attributes(self) -> list[Attribute]:
        """The gate's own attributes: the event name for "event:"."""
        return [(CONSENT_EVENT_ATTRIBUTE, self.name)] if self.manager == "event" else []


def checked_consent(consent: str | Consent | None) -> Consent | None:
    """`consent` parsed (None stays None); raises ValidationError."""
    if consent is None or isinstance(consent, Consent):
        return consent
    return Consent.parse(consent)


def gated_script_tag(
    consent: Consent, *, script_src: str, nonce: str | None, defer: bool = False
) -> Markup:
    """The widget script as an inert tag the consent manager activates."""
    return element(
        "script", [*consent.script_attributes(script_src), ("nonce", nonce), ("defer", defer)]
    )


def gate_script(consent: Consent, *, nonce: str | None) -> Markup:
    """The gate: calls `init()` once, when the activated widget script loads."""
    return element("script", [*consent.gate_attributes(), ("nonce", nonce)], GATE_BODY)
