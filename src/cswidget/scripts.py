"""The two inline scripts a page needs: `init()` and the toggle listener.

Both bodies are constants: no user data is ever written inside a <script>,
so there is nothing to escape there. The only variable part is the CSP nonce,
an attribute.
"""

from __future__ import annotations

from markupsafe import Markup

from . import rules
from .checks import pattern_errors
from .consent import Consent, checked_consent, gate_script
from .errors import ValidationError
from .html import element

__all__ = ["init_script", "toggle_script"]

INIT_BODY = Markup("CustomerSureSurveyWidget.init();")

# Deferred widget scripts run just before DOMContentLoaded, after every
# inline script, so init must wait for the event.
DEFERRED_INIT_BODY = Markup(
    'document.addEventListener("DOMContentLoaded",function(){CustomerSureSurveyWidget.init();});'
)

# One delegated listener instead of inline onclick handlers, which strict
# Content-Security-Policy pages refuse to run. Elements added later work too.
# Where the widget script did not load (blocked, offline), the click is left
# alone, so a link trigger still goes to its href.
TOGGLE_BODY = Markup(
    'document.addEventListener("click",function(event){'
    "var target=event.target instanceof Element&&"
    'event.target.closest("[data-cswidget-toggle]");'
    "if(target&&window.CustomerSureSurveyWidget){"
    "event.preventDefault();CustomerSureSurveyWidget.toggleWidget();}});"
)


def checked_nonce(nonce: str | None) -> str | None:
    """`nonce` if it is a valid CSP nonce (or None); raises ValidationError."""
    if nonce is None:
        return None
    errors = pattern_errors(rules.SCRIPT, "nonce", nonce, rules.NONCE_PATTERN)
    if errors:
        raise ValidationError(errors)
    return nonce


def inline_script(body: Markup, nonce: str | None) -> Markup:
    return element("script", [("nonce", checked_nonce(nonce))], body)


# Most pages have no nonce: render those variants once.
_WITHOUT_NONCE = {
    body: inline_script(body, None) for body in (INIT_BODY, DEFERRED_INIT_BODY, TOGGLE_BODY)
}


def init_script(
    *, nonce: str | None = None, defer: bool = False, consent: str | Consent | None = None
) -> Markup:
    """The `<script>` that calls `CustomerSureSurveyWidget.init()`.

    It must come after the container. With `defer=True` (pair it with a
    deferred widget script) it waits for DOMContentLoaded. With `consent=`
    it is the consent gate (see `cswidget.consent`): it calls `init()` once
    the gated widget script has loaded; place it before that script tag.

    >>> init_script()
    Markup('<script>CustomerSureSurveyWidget.init();</script>')
    """
    gated = checked_consent(consent)
    if gated is not None:
        return gate_script(gated, nonce=checked_nonce(nonce))
    body = DEFERRED_INIT_BODY if defer else INIT_BODY
    return _WITHOUT_NONCE[body] if nonce is None else inline_script(body, nonce)


def toggle_script(*, nonce: str | None = None) -> Markup:
    """The `<script>` that makes every `[data-cswidget-toggle]` element open
    and close the survey, through one delegated click listener.

    Place it once per page, anywhere; `trigger()` renders such elements.
    """
    return _WITHOUT_NONCE[TOGGLE_BODY] if nonce is None else inline_script(TOGGLE_BODY, nonce)
