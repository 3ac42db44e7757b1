"""What the Django tags decide at render time: the nonce and the off switch.

nonce(context, None)   # request.csp_nonce, csp_nonce, or Django 6's own
widget_enabled(request)  # SwitchDecision from ENABLED and INTERNAL_IPS
"""

from __future__ import annotations

from typing import Any

from django import template

from ..nonce import resolve_nonce
from ..switch import ON, SwitchDecision, request_client_address
from .conf import conf

__all__ = ["nonce", "request_nonce", "widget_enabled"]


def _builtin_nonce(request: Any) -> object:
    try:
        # Django >= 6.0: ContentSecurityPolicyMiddleware keeps a LazyNonce here.
        from django.middleware.csp import get_nonce  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    found: object = get_nonce(request)
    return found


def nonce(context: template.Context, explicit: object) -> str | None:
    """The CSP nonce for a tag: `explicit` (its `nonce=` argument), else
    django-csp's `request.csp_nonce`, else the `csp_nonce` context variable
    (Django 6's `csp` context processor), else the nonce Django 6's
    `ContentSecurityPolicyMiddleware` keeps on the request. Reading a lazy
    nonce is what puts it in the header. Raises `cswidget.nonce.NonceError`.
    """
    if explicit is not None:
        return resolve_nonce(explicit, provider="the nonce= argument")
    request = getattr(context, "request", None)
    if getattr(request, "csp_nonce", None) is None:
        value = context.get("csp_nonce")
        if value is not None:
            return resolve_nonce(value, provider="the csp_nonce context variable")
    return request_nonce(request)


def request_nonce(request: Any) -> str | None:
    """The nonce the request's CSP middleware published: django-csp's
    `request.csp_nonce`, else Django 6's built-in one. Raises
    `cswidget.nonce.NonceError` for a value that is not a valid nonce."""
    value = getattr(request, "csp_nonce", None)
    if value is not None:
        return resolve_nonce(value, provider="django-csp (request.csp_nonce)")
    value = _builtin_nonce(request) if request is not None else None
    if value is not None:
        return resolve_nonce(
            value, provider="Django's ContentSecurityPolicyMiddleware (request._csp_nonce)"
        )
    return None


def widget_enabled(request: Any) -> SwitchDecision:
    """CSWIDGET's ENABLED and INTERNAL_IPS (else Django's INTERNAL_IPS)
    for `request`; on when there is no request and ENABLED is True."""
    defaults = conf.widget_defaults
    if defaults.enabled is True and not defaults.internal_ips:
        return ON
    address = (
        None
        if request is None
        else request_client_address(request, trusted_proxies=defaults.trusted_proxies)
    )
    return defaults.switch(request, client_address=address)
