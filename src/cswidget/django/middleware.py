"""`AutoEmbedMiddleware`: the widget inserted into every HTML page Django serves.

    MIDDLEWARE = [
        "django.middleware.gzip.GZipMiddleware",       # above: compresses the result
        ...
        "cswidget.django.middleware.AutoEmbedMiddleware",
    ]
    CSWIDGET = {
        "ORG": "acme",
        "SCRIPT_SRC": "https://acme.example/survey_widget.js",
        "AUTO_EMBED": {
            "SURVEY": "AKknWccEFf7",
            "PARAMS": "myproject.surveys.page_params",   # request -> params
            "SAMPLE": 0.25,
            "SAMPLE_KEY": "myproject.surveys.user_id",   # request -> key
        },
    }

Sync and async capable. The rules are `cswidget.autoembed`'s; pages that
already hold a widget container (a hand-written `{% cswidget_embed %}`) are
left alone. Without PARAMS, params are USER_PARAMS of `request.user`.
`enabled(request)` (always, by default) and `nonce(request)`
(`request.csp_nonce`, django-csp's) are methods to override.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

from ..autoembed import AutoEmbed, embedded, skip_reason
from ..bodyend import require_parser
from ..errors import ValidationError
from .conf import conf
from .runtime import request_nonce, widget_enabled

__all__ = ["AUTO_EMBED_KEYS", "AutoEmbedMiddleware"]

AUTO_EMBED_KEYS: Final = (
    "SURVEY",
    "PARAMS",
    "CONSENT",
    "DEFER",
    "SAMPLE",
    "SAMPLE_KEY",
    "ELIGIBLE",
)
_CALLABLE_KEYS: Final = ("PARAMS", "SAMPLE_KEY", "ELIGIBLE")

GetResponse = Callable[[HttpRequest], Any]


def _user_params(request: HttpRequest) -> Mapping[str, Any]:
    return conf.user_params(getattr(request, "user", None))


def _settings() -> Mapping[str, Any]:
    values = conf.values.get("AUTO_EMBED")
    if not isinstance(values, Mapping):
        raise ImproperlyConfigured(
            "AutoEmbedMiddleware needs CSWIDGET['AUTO_EMBED'], a dict with at least SURVEY."
        )
    unknown = sorted(set(values) - set(AUTO_EMBED_KEYS))
    if unknown:
        raise ImproperlyConfigured(
            f"CSWIDGET['AUTO_EMBED']: unknown keys {unknown}; the keys are: "
            + ", ".join(AUTO_EMBED_KEYS)
        )
    return values


def _callable(values: Mapping[str, Any], key: str) -> Callable[[HttpRequest], Any] | None:
    path = values.get(key)
    if path is None:
        return None
    try:
        function: Callable[[HttpRequest], Any] = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"CSWIDGET['AUTO_EMBED']['{key}']: {error}") from error
    return function


class AutoEmbedMiddleware:
    """Inserts the survey widget before the `</body>` end tag that ends the
    body of HTML pages (never one inside a script, style or comment). Needs
    the `autoembed` extra (selectolax): without it, raises
    `ModuleNotFoundError` when Django loads it."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        require_parser()
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)
        values = _settings()
        hooks = {key: _callable(values, key) for key in _CALLABLE_KEYS}
        try:
            self.rules: AutoEmbed[HttpRequest] = AutoEmbed(
                widget=conf.widget_defaults.widget(values.get("SURVEY")),  # type: ignore[arg-type]
                params=hooks["PARAMS"] or _user_params,
                enabled=self.enabled,
                nonce=self.nonce,
                consent=values.get("CONSENT"),
                defer=bool(values.get("DEFER", False)),
                sample=values.get("SAMPLE"),
                sample_key=hooks["SAMPLE_KEY"],
                eligible=hooks["ELIGIBLE"],
            )
        except ValidationError as error:
            raise ImproperlyConfigured(f"CSWIDGET['AUTO_EMBED']: {error}") from error

    def enabled(self, request: HttpRequest) -> bool:
        """Whether the widget may be inserted for `request`: CSWIDGET's
        ENABLED and INTERNAL_IPS (the tags' own off switch). Override to
        decide otherwise."""
        return widget_enabled(request).enabled

    def nonce(self, request: HttpRequest) -> str | None:
        """The CSP nonce for `request`, found as the tags find it:
        django-csp's `request.csp_nonce`, else Django 6's built-in one."""
        return request_nonce(request)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self.__acall__(request)
        response: HttpResponseBase = self.get_response(request)
        if self._may_insert(request, response):
            self._replace_body(response, self._embedded(request, response))
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await self.get_response(request)
        if self._may_insert(request, response):
            # Params may read request.user and so the database: not on the event loop.
            body = await sync_to_async(self._embedded)(request, response)
            self._replace_body(response, body)
        return response

    def _may_insert(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        if response.streaming:
            return False
        reason = skip_reason(
            method=request.method or "GET",
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            content_encoding=response.get("Content-Encoding", ""),
        )
        return reason is None

    def _embedded(self, request: HttpRequest, response: HttpResponseBase) -> bytes | None:
        return embedded(
            response.content,  # type: ignore[attr-defined]
            response.get("Content-Type", ""),
            lambda: self.rules.snippet(request),
        )

    def _replace_body(self, response: HttpResponseBase, body: bytes | None) -> None:
        if body is None:
            return
        response.content = body  # type: ignore[attr-defined]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(body))
