"""Validation errors in the CustomerSure API's own error language.

A `ValidationError` carries every problem found at once, each as a
`FieldError` with the API's `resource`, `field`, `error` and `extra_info`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .messages import human_message
from .safetext import shown
from .vocabulary import VALIDATION_ERROR_MESSAGE

__all__ = ["FieldError", "ValidationError"]


@dataclass(frozen=True)
class FieldError:
    """One entry of a validation error's `errors[]`.

    >>> FieldError("data-survey-params", "metadata.email", "forbidden_value",
    ...            {"disallowed_values": ["email"]}).to_dict()["error"]
    'forbidden_value'
    """

    resource: str
    field: str
    error: str
    extra_info: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "field": self.field,
            "error": self.error,
            "extra_info": dict(self.extra_info),
        }

    @property
    def message(self) -> str:
        """The error as one sentence for a person (see `cswidget.messages`).

        >>> FieldError("widget", "org", "required").message
        'org is required'
        """
        return human_message(field=self.field, error=self.error, extra_info=self.extra_info)

    def __str__(self) -> str:
        # Keys and values come from data: escaped and capped (cswidget.safetext).
        detail = ", ".join(f"{key}: {shown(repr(value))}" for key, value in self.extra_info.items())
        return f"{shown(self.field)}: {self.error}" + (f" ({detail})" if detail else "")


class ValidationError(ValueError):
    """Raised when widget or survey params break the documented rules.

    `to_dict()` is exactly the API's 422 body::

        try:
            widget.container({"email": "not-an-email"})
        except ValidationError as error:
            error.to_dict()
            # {"message": "Validation error", "errors": [{"resource": ...,
            #   "field": "customer.email", "error": "invalid_format", ...}]}
    """

    def __init__(
        self,
        errors: Iterable[FieldError],
        *,
        message: str = VALIDATION_ERROR_MESSAGE,
    ) -> None:
        self.message = message
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__(self.__str__())

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "errors": [e.to_dict() for e in self.errors]}

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields in error, in the order found."""
        return tuple(error.field for error in self.errors)

    def __str__(self) -> str:
        return "; ".join([self.message, *map(str, self.errors)])

    def human_messages(self) -> list[str]:
        """Every error as a sentence for a person, in the order found."""
        return [error.message for error in self.errors]

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only `message` would be lost by the default pickling.
        return (_rebuild, (self.errors, self.message))


def _rebuild(errors: tuple[FieldError, ...], message: str) -> ValidationError:
    return ValidationError(errors, message=message)
