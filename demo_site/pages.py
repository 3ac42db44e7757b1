"""The demo's scenarios: one page per way of embedding the widget.

Each page's snippet is rendered once, from templates/snippets/<slug>.html
(the library's Jinja macros), and the same text is what the index shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cswidget import SurveyParams, Widget
from cswidget.vocabulary import CUSTOMER_FIELDS

from . import gallery

SCRIPT_SRC = "/static/survey_widget.js"
ORG = "acme"
SURVEY = "AKknWccEFf7"
CHECKOUT_SURVEY = "Chk0ut2166x"

# The stand-in's documented opt-out of its pre-built trigger button.
NO_PREBUILT_TRIGGER = {"trigger": "none"}

# What a real site would read from its session and order tables.
FAKE_SESSION: dict[str, Any] = {
    "user": {
        "name": "Kate Jones",
        "email": "kate@example.com",
        "telephone_number": "01234 567 890",
        "company_name": "Acme Ltd",
        "postcode": "AB1 2CD",
        "account_type": "business",
    },
    "store": {"staff_code": "leia", "site_code": "leeds"},
    "last_order": {
        "reference": "INV-2090",
        "machine_id": "a87ee488-645c-432a-817f-6690152da8c9",
        "basket_total": "42.50",
        "delivery": "next-day",
    },
}


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str
    # Long snippets are folded on the index.
    long_snippet: bool = False
    # The nav's short name; the title when not given.
    short_title: str = ""

    @property
    def nav_label(self) -> str:
        return self.short_title or self.title

    @property
    def path(self) -> str:
        return f"/{self.slug}"

    @property
    def snippet_template(self) -> str:
        return f"snippets/{self.slug}.html"


SCENARIOS = (
    Scenario(
        "prebuilt",
        "Pre-built trigger",
        "The plain embed: the widget's own feedback button opens the survey in a popover.",
        short_title="Pre-built",
    ),
    Scenario(
        "native",
        "Native trigger",
        "The site's own button, rendered by cs.trigger(), opens the survey; "
        "the pre-built button is turned off.",
        short_title="Native",
    ),
    Scenario(
        "scripted",
        "Scripted",
        "The survey opens from script: when a fake checkout completes, "
        "or after a delay on the page.",
        short_title="Scripted",
    ),
    Scenario(
        "deferred",
        "Deferred loading",
        "The widget script loads with defer and init() waits for DOMContentLoaded.",
        short_title="Deferred",
    ),
    Scenario(
        "csp",
        "Strict Content-Security-Policy",
        "Served with a nonce-only script-src policy, fresh nonce per request, "
        "and everything works.",
        short_title="Strict CSP",
    ),
    Scenario(
        "logged-in",
        "Logged-in customer",
        "Customer fields, staff and site segments, a custom segment and order metadata "
        "come from a (fake) session and end up in the stored response.",
        short_title="Logged in",
    ),
    Scenario(
        "hostile",
        "Hostile values gallery",
        "Every value and key of the project's hostile corpus goes through the widget; "
        "none of it runs and all of it reads back exactly.",
        long_snippet=True,
        short_title="Hostile values",
    ),
    Scenario(
        "consent",
        "Consent banner",
        "The widget waits for consent: Cookiebot, Klaro, OneTrust or the site's own event; "
        "no request to the widget script and no init() before the visitor says yes.",
    ),
    Scenario(
        "turbo",
        "Turbo Drive",
        "Pages swapped by Turbo, a form that re-renders with 422, and a container kept "
        "across pages: the lifecycle script initialises each new container once.",
    ),
    Scenario(
        "htmx",
        "htmx",
        "Boosted links and fragment swaps with htmx 2: each container swapped in is "
        "initialised once.",
    ),
    Scenario(
        "auto-embed",
        "Auto-insert middleware",
        "This page's template has no embed: the ASGI middleware inserts it before the "
        "</body> that ends the page's body, with the request's CSP nonce.",
    ),
    Scenario(
        "builder",
        "Snippet builder",
        "A form for CMS users that returns a ready-to-paste snippet, or the errors "
        "per field in the API's error language.",
        short_title="Builder",
    ),
)

BY_SLUG = {scenario.slug: scenario for scenario in SCENARIOS}


def logged_in_params() -> SurveyParams:
    user, store, order = FAKE_SESSION["user"], FAKE_SESSION["store"], FAKE_SESSION["last_order"]
    return SurveyParams(
        customer={name: user[name] for name in CUSTOMER_FIELDS},
        segments={**store, "account_type": user["account_type"]},
        metadata=order,
    )


def snippet_context(*, nonce: str) -> dict[str, Any]:
    """Everything the snippet templates use."""
    plain = Widget(org=ORG, survey=SURVEY, script_src=SCRIPT_SRC)
    corpus = gallery.corpus()
    return {
        "nonce": nonce,
        "widget": plain,
        "native_widget": Widget(
            org=ORG, survey=SURVEY, script_src=SCRIPT_SRC, extra_params=NO_PREBUILT_TRIGGER
        ),
        "checkout_widget": Widget(
            org=ORG,
            survey=CHECKOUT_SURVEY,
            script_src=SCRIPT_SRC,
            extra_params=NO_PREBUILT_TRIGGER,
        ),
        "checkout_params": {"email": "kate@example.com", "reference": "ORDER-1042"},
        "customer_widget": Widget(
            org=ORG, survey=SURVEY, script_src=SCRIPT_SRC, segment_keys=["account_type"]
        ),
        "customer_params": logged_in_params(),
        "hostile_batches": None if corpus is None else gallery.batches(corpus.VALUES, corpus.KEYS),
    }
