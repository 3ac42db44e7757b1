"""One error policy for live pages, shared by the Jinja and Django integrations.

A bad value coming from a database must not turn a product page into a 500:

    render_or_omit(lambda: widget.embed(params), on_error="omit", scope=request)

With `on_error="raise"` a `ValidationError` propagates. With `"omit"` the
tag renders only a comment naming the rejected fields (`rejected_comment`,
never their values), and the full error goes to the `cswidget` logger: once
per distinct error per `scope` (the request, or the template render when
there is no request).

Only the page's data is omitted: errors in the survey params. The
developer's own mistakes (a survey code, trigger or nonce written in the
template, the account settings) always raise, whatever `on_error` says.
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
from .html import comment
from .safetext import shown
from .vocabulary import ALLOWED_VALUES, INVALID_VALUE

__all__ = [
    "ON_ERROR_CHOICES",
    "REJECTED_COMMENT",
    "OnError",
    "checked_on_error",
    "is_data_error",
    "log_once",
    "rejected_comment",
    "render_or_omit",
    "warn_once",
]

OnError: TypeAlias = Literal["raise", "omit"]
ON_ERROR_CHOICES: Final = ("raise", "omit")
REJECTED_COMMENT: Final = Markup("<!-- cswidget: survey params rejected -->")
# Fields named in the comment at most; the log has them all.
_COMMENT_FIELDS: Final = 10

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
        if not is_data_error(error):
            raise
        log_once(scope, error, "cswidget: survey params rejected, widget omitted: %s")
        return rejected_comment(error)


def is_data_error(error: ValidationError) -> bool:
    """Whether every problem is in the survey params (the page's data),
    not in what the developer wrote (survey code, trigger, nonce, settings)."""
    return all(field_error.resource == rules.SURVEY_PARAMS for field_error in error.errors)


def rejected_comment(error: ValidationError) -> Markup:
    """`<!-- cswidget: survey params rejected: customer.email -->`: the
    fields, escaped and capped, never their values.

    >>> rejected_comment(ValidationError([FieldError("survey_params", "customer.email", "x")]))
    Markup('<!-- cswidget: survey params rejected: customer.email -->')
    """
    fields = list(dict.fromkeys(error.fields))
    named = ", ".join(shown(field) for field in fields[:_COMMENT_FIELDS])
    more = len(fields) - _COMMENT_FIELDS
    if more > 0:
        named += f" and {more} more"
    return comment(f"cswidget: survey params rejected: {named}")


def log_once(scope: object, error: ValidationError, message: str) -> None:
    """Log `error` (escaped and capped by its own `str()`) on logger
    `cswidget` at ERROR, once per distinct error per `scope`. `message` is
    a %-format with one `%s` for the error."""
    if _first_time(scope, str(error)):
        logger.error(
            message,
            error,
            exc_info=error,
            extra={"cswidget_error": error.to_dict()},
        )


def warn_once(scope: object, text: str) -> None:
    """Log `text` (already made safe to show) at WARNING on logger
    `cswidget`, once per `scope`."""
    if _first_time(scope, text):
        logger.warning("%s", text)


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
