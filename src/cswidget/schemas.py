"""JSON Schemas for the two widget attributes: the published spec.

`schema("survey-params")` describes the flat object in `data-survey-params`,
`schema("widget-params")` the object in `data-widget-params`. The fast
checks in `cswidget.checks` implement them; jsonschema is only imported by
`validate()`, never on the rendering path.
"""

from __future__ import annotations

import copy
from typing import Any

from . import rules
from .errors import FieldError, ValidationError
from .extras import MissingExtraError, installed
from .vocabulary import (
    FORBIDDEN_VALUE,
    INVALID_FORMAT,
    INVALID_VALUE,
    MAX_KEY_LENGTH,
    MAX_VALUE_LENGTH,
    MESSAGE,
    REQUIRED,
    WRONG_LENGTH,
)

__all__ = ["SCHEMA_NAMES", "schema", "validate"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_KEY: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_KEY_LENGTH,
    "not": {
        "anyOf": [
            {"pattern": rules.KEY_FORBIDDEN_CHARACTERS_PATTERN},
            {"pattern": rules.SURROGATE_PATTERN},
            {"enum": list(rules.PROTOTYPE_KEYS)},
        ]
    },
}

_NO_LONE_SURROGATES: dict[str, Any] = {
    "not": {"type": "string", "pattern": rules.SURROGATE_PATTERN}
}

_VALUE: dict[str, Any] = {
    "type": list(rules.JSON_SCALAR_TYPES),
    **_NO_LONE_SURROGATES,
    "maxLength": MAX_VALUE_LENGTH,
    "minimum": -rules.MAX_SAFE_INTEGER,
    "maximum": rules.MAX_SAFE_INTEGER,
}

_SCHEMAS: dict[str, dict[str, Any]] = {
    "survey-params": {
        "$schema": _DIALECT,
        "$id": "https://cswidget.invalid/schemas/survey-params.json",
        "title": "data-survey-params",
        "description": (
            "The flat object a page passes to a CustomerSure survey. Customer fields "
            "(name, email, telephone_number, company_name, postcode), segment keys "
            "(staff_code, site_code, the account's custom segments) and unique "
            "metadata (everything else; reference and machine_id link to other systems)."
        ),
        "type": "object",
        "maxProperties": rules.MAX_PARAMS_KEYS,
        "propertyNames": _KEY,
        "properties": {
            "email": {
                "type": ["string", "null"],
                "pattern": rules.EMAIL_PATTERN,
                "maxLength": MAX_VALUE_LENGTH,
                **_NO_LONE_SURROGATES,
            },
        },
        "additionalProperties": _VALUE,
    },
    "widget-params": {
        "$schema": _DIALECT,
        "$id": "https://cswidget.invalid/schemas/widget-params.json",
        "title": "data-widget-params",
        "description": "Which survey the widget shows: account subdomain and survey URL code.",
        "type": "object",
        "required": list(rules.WIDGET_PARAMS_KEYS),
        "maxProperties": rules.MAX_PARAMS_KEYS,
        "propertyNames": _KEY,
        "properties": {
            "org": {"type": "string", "pattern": rules.ORG_PATTERN},
            "survey": {"type": "string", "pattern": rules.SURVEY_PATTERN},
        },
        "additionalProperties": _VALUE,
    },
}

SCHEMA_NAMES = tuple(_SCHEMAS)


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema called `name` ("survey-params" or "widget-params"),
    as a fresh dict.

    >>> schema("widget-params")["required"]
    ['org', 'survey']
    """
    try:
        return copy.deepcopy(_SCHEMAS[name])
    except KeyError:
        raise ValueError(
            f"Unknown schema {name!r}, must be one of: {', '.join(SCHEMA_NAMES)}"
        ) from None


def validate(name: str, instance: object) -> None:
    """Validate `instance` with jsonschema against schema `name`.

    The slow, reference path (for tests, tooling and the CLI); rendering uses
    the equivalent fast checks. Raises `ValidationError` with every problem.
    Needs jsonschema (the `schema` extra: `pip install '.[schema]'` from the
    clone's folder); without it, raises `cswidget.extras.MissingExtraError`
    (a `ModuleNotFoundError`) saying how to install it.
    """
    if not installed("schema"):
        raise MissingExtraError("schema", feature="cswidget.schemas.validate")
    import jsonschema  # deferred: costly to import, and rendering never needs it

    validator = jsonschema.Draft202012Validator(schema(name))
    resource = _RESOURCES[name]
    errors = [
        FieldError(
            resource,
            "/".join(str(part) for part in error.absolute_path) or "(root)",
            _ERROR_CODES.get(str(error.validator), INVALID_VALUE),
            {MESSAGE: error.message},
        )
        for error in sorted(
            validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
        )
    ]
    if errors:
        raise ValidationError(errors)


_RESOURCES = {"survey-params": rules.SURVEY_PARAMS, "widget-params": rules.WIDGET}
# JSON Schema keywords, by the API error code closest to them.
_ERROR_CODES = {
    "required": REQUIRED,
    "maxLength": WRONG_LENGTH,
    "minLength": WRONG_LENGTH,
    "maxProperties": WRONG_LENGTH,
    "pattern": INVALID_FORMAT,
    "not": FORBIDDEN_VALUE,
}
