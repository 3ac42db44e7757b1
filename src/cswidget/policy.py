"""One error policy for live pages, shared by the Jinja and Django integrations.

A bad value coming from a database must not turn a product page into a 500:

    render_or_omit(lambda: widget.embed(params), on_error="omit", scope=request)

With `on_error="raise"` a `ValidationError` propagates. With `"omit"` the
tag renders only `REJECTED_COMMENT`, which holds no user data, and the full
error goes to the `cswidget` logger: once per distinct error per `scope`
(the request, or the template render when there is no request).
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Final, Literal, TypeAlias

from markupsafe import Markup

from . import rules
from .errors import FieldError, ValidationError
from .vocabulary import ALLOWED_VALUES, INVALID_VALUE

__all__ = ["ON_ERROR_CHOICES", "REJECTED_COMMENT", "OnError", "checked_on_error", "render_or_omit"]

OnError: TypeAlias = Literal["raise", "omit"]
ON_ERROR_CHOICES: Final = ("raise", "omit")
REJECTED_COMMENT: Final = Markup("<!-- cswidget: survey params rejected -->")

logger = logging.getLogger("cswidget")

# scope id -> errors already logged for it. Keyed by id() and emptied by a
# weakref finalizer, because neither Django's Context nor every request
# class is hashable.
_logged: dict[int, set[str]] = {}
_logged_lock = threading.Lock()


def checked_on_error(on_error: object, *, field: str = "on_error") -> OnError:
    """`on_error` if it is "raise" or "omit"; raises ValidationError."""
    if on_error in ON_ERROR_CHOICES:
        return on_error
    raise ValidationError(
        [FieldError(rules.WIDGET, field, INVALID_VALUE, {ALLOWED_VALUES: list(ON_ERROR_CHOICES)})]
    )


def render_or_omit(build: Callable[[], Markup], *, on_error: OnError, scope: object) -> Markup:
    """`build()`, or under `on_error="omit"` the rejected comment when it
    raises `ValidationError` (logged on logger `cswidget` once per `scope`)."""
    if on_error == "raise":
        return build()
    try:
        return build()
    except ValidationError as error:
        if _first_time(scope, str(error)):
            logger.error(
                "cswidget: survey params rejected, widget omitted: %s",
                error,
                exc_info=error,
                extra={"cswidget_error": error.to_dict()},
            )
        return REJECTED_COMMENT


def _first_time(scope: object, error: str) -> bool:
    key = id(scope)
    with _logged_lock:
        seen = _logged.get(key)
        if seen is None:
            try:
                weakref.finalize(scope, _forget, key)
            except TypeError:
                return True  # not weak-referenceable: log every time
            seen = _logged[key] = set()
        if error in seen:
            return False
        seen.add(error)
        return True


def _forget(key: int) -> None:
    with _logged_lock:
        _logged.pop(key, None)
