"""One CSP nonce resolver for every provider: a value, a lazy value or a function.

    resolve_nonce(request.csp_nonce, provider="django-csp (request.csp_nonce)")

Nonce providers publish the nonce in different shapes: a `str`, a lazy
object whose `str()` is the nonce (Django's `Promise` and `LazyObject`,
django-csp 4's `CheckableLazyObject`, Django 6's `LazyNonce`) or a function
that returns it (flask-talisman's `csp_nonce()` template global). Reading a
lazy nonce is what makes django-csp and Django put it in the header, so
resolving it is also how cswidget marks it used.

A nonce that cannot be resolved to a valid value is the developer's mistake,
never the page's data: `NonceError` is not a `ValidationError`, so the live
page error policy (`on_error="omit"`) never hides it.

No framework is imported here; the adapters (cswidget.jinja,
cswidget.django) find the value and name its provider.
"""

from __future__ import annotations

import re
from typing import Final

from . import rules
from .safetext import shown

__all__ = ["NonceError", "resolve_nonce"]

_NONCE = re.compile(rules.NONCE_PATTERN)


class NonceError(ValueError):
    """A CSP nonce that is not a valid nonce, naming where it came from.

    Not a `ValidationError`: it is raised whatever the error policy says.
    """

    def __init__(self, message: str, *, provider: str) -> None:
        super().__init__(message)
        self.provider = provider


FIX: Final = (
    "Pass the nonce your Content-Security-Policy header allows (a base64 value), "
    "or check that the CSP middleware runs before the template is rendered"
)


def resolve_nonce(value: object, *, provider: str, empty_is_none: bool = False) -> str | None:
    """The nonce `value` stands for, as a plain str, or None for no nonce.

    >>> resolve_nonce(lambda: "bm9uY2U", provider="csp_nonce()")
    'bm9uY2U'

    `value` is None (no nonce), a str, anything whose `str()` is the nonce,
    or a callable returning one of those. `provider` names where the value
    came from, for the error message. `empty_is_none` treats an empty value
    as no nonce: flask-talisman's `csp_nonce()` returns "" when nonces are
    off. Raises `NonceError` for anything else.
    """
    if value is None:
        return None
    if callable(value) and not isinstance(value, str):
        try:
            value = value()
        except Exception as error:
            raise NonceError(
                f"cswidget: the CSP nonce function from {provider} raised "
                f"{type(error).__name__}: {shown(str(error))}. {FIX}.",
                provider=provider,
            ) from error
        if value is None:
            return None
    # Lazy objects pass isinstance(value, str) (they proxy __class__), so
    # str() reads them; whatever comes back is checked as plain characters.
    text = str(value)
    if type(text) is not str:
        text = str.__str__(text)
    if text == "" and empty_is_none:
        return None
    if _NONCE.search(text) is None:
        raise NonceError(
            f"cswidget: the CSP nonce from {provider} is not a valid nonce "
            f"(got {type(value).__name__} {shown(text)!r}; a nonce is base64 text: "
            f"letters, digits, +, /, _ or -, then up to two =). {FIX}.",
            provider=provider,
        )
    return text
