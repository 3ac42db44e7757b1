"""The `CSWIDGET` setting, read through one typed object: `conf`.

    CSWIDGET = {
        "ORG": "acme",
        "SCRIPT_SRC": "https://acme.example/survey_widget.js",
        "SEGMENT_KEYS": ["region"],
        "ON_ERROR": "omit",
        "USER_PARAMS": "myproject.surveys.user_params",
        "ENABLED": True,  # or a function of the request, or its dotted path
        "INTERNAL_IPS": ["10.0.0.0/8"],  # default: Django's INTERNAL_IPS
        "TRUSTED_PROXIES": 0,  # proxies of yours appending to X-Forwarded-For
    }

Read on every access, so `override_settings` works in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..defaults import WidgetDefaults
from ..errors import ValidationError
from ..policy import OnError, checked_on_error

__all__ = ["DEFAULT_USER_PARAMS", "KEYS", "Settings", "conf"]

KEYS = (
    "ORG",
    "SCRIPT_SRC",
    "SEGMENT_KEYS",
    "ON_ERROR",
    "USER_PARAMS",
    "ENABLED",
    "INTERNAL_IPS",
    "TRUSTED_PROXIES",
    "AUTO_EMBED",
)
DEFAULT_USER_PARAMS = "cswidget.django.users.user_params"

UserParams = Callable[[Any], Mapping[str, Any]]


def _in_tests() -> bool:
    # Django's test runner (and pytest-django) set up mail.outbox for the
    # duration of the tests, and force DEBUG off while doing so.
    from django.core import mail

    return hasattr(mail, "outbox")


class Settings:
    """Typed access to `settings.CSWIDGET`."""

    @property
    def values(self) -> Mapping[str, Any]:
        """The raw setting; `{}` when it is missing."""
        values = getattr(settings, "CSWIDGET", {})
        if not isinstance(values, Mapping):
            raise ImproperlyConfigured("The CSWIDGET setting must be a dict.")
        return values

    @property
    def org(self) -> str:
        return self.widget_defaults.org

    @property
    def script_src(self) -> str:
        return self.widget_defaults.script_src

    @property
    def segment_keys(self) -> tuple[str, ...]:
        return self.widget_defaults.segment_keys

    @property
    def on_error(self) -> OnError:
        """ON_ERROR; by default "raise" when DEBUG is on or tests run, else "omit"."""
        if "ON_ERROR" not in self.values:
            return "raise" if settings.DEBUG or _in_tests() else "omit"
        try:
            return checked_on_error(self.values["ON_ERROR"], field="ON_ERROR")
        except ValidationError as error:
            raise ImproperlyConfigured(f"CSWIDGET['ON_ERROR']: {error}") from error

    @property
    def user_params(self) -> UserParams:
        """The USER_PARAMS callable: user -> flat survey params."""
        path = self.values.get("USER_PARAMS", DEFAULT_USER_PARAMS)
        try:
            function: UserParams = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(f"CSWIDGET['USER_PARAMS']: {error}") from error
        return function

    @property
    def enabled(self) -> Any:
        """ENABLED: True, False, a function of the request, or its dotted path."""
        enabled = self.values.get("ENABLED", True)
        if isinstance(enabled, str):
            try:
                enabled = import_string(enabled)
            except ImportError as error:
                raise ImproperlyConfigured(f"CSWIDGET['ENABLED']: {error}") from error
        return enabled

    @property
    def internal_ips(self) -> Any:
        """INTERNAL_IPS, else Django's own INTERNAL_IPS."""
        return self.values.get("INTERNAL_IPS", getattr(settings, "INTERNAL_IPS", ()))

    @property
    def widget_defaults(self) -> WidgetDefaults:
        """The account settings every tag renders with; checked once for
        as long as the setting stays the same, not on every render."""
        values = self.values
        on_error = self.on_error
        segment_keys = values.get("SEGMENT_KEYS", ())
        internal_ips = self.internal_ips
        key = (
            values.get("ORG"),
            values.get("SCRIPT_SRC"),
            tuple(segment_keys) if isinstance(segment_keys, list | tuple) else segment_keys,
            on_error,
            self.enabled,
            tuple(internal_ips) if isinstance(internal_ips, list | tuple) else internal_ips,
            values.get("TRUSTED_PROXIES", 0),
        )
        cached = _widget_defaults.get(key) if _hashable(key) else None
        if cached is None:
            cached = self._widget_defaults(values, on_error)
            if _hashable(key):
                _widget_defaults.clear()  # one entry: the settings in force
                _widget_defaults[key] = cached
        return cached

    def _widget_defaults(self, values: Mapping[str, Any], on_error: OnError) -> WidgetDefaults:
        try:
            return WidgetDefaults(
                # Whatever the settings hold: WidgetDefaults checks it.
                org=values.get("ORG"),  # type: ignore[arg-type]
                script_src=values.get("SCRIPT_SRC"),  # type: ignore[arg-type]
                segment_keys=values.get("SEGMENT_KEYS", ()),
                on_error=on_error,
                enabled=self.enabled,
                internal_ips=self.internal_ips,
                trusted_proxies=values.get("TRUSTED_PROXIES", 0),
            )
        except ValidationError as error:
            raise ImproperlyConfigured(f"CSWIDGET: {error}") from error


_widget_defaults: dict[object, WidgetDefaults] = {}


def _hashable(key: object) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


conf = Settings()
