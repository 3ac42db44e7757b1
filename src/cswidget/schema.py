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
from .vocabulary import MAX_KEY_LENGTH, MAX_VALUE_LENGTH, MESSAGE

__all__ = ["SCHEMA_NAMES", "schema", "validate"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_KEY: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_KEY_LENGTH,
    "not": {
        "anyOf": [
            {"pattern": rules.CONTROL_CHARACTERS_PATTERN},
            {"enum": list(rules.PROTOTYPE_KEYS)},
        ]
    },
}

_VALUE: dict[str, Any] = {
    "type": list(rules.JSON_SCALAR_TYPES),
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
        "propertyNames": _KEY,
        "properties": {
            "email": {
                "type": ["string", "null"],
                "pattern": rules.EMAIL_PATTERN,
                "maxLength": MAX_VALUE_LENGTH,
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
    """
    import jsonschema  # deferred: costly to import, and rendering never needs it

    validator = jsonschema.Draft202012Validator(_SCHEMAS[name])
    errors = [
        FieldError(
            name,
            "/".join(str(part) for part in error.absolute_path) or "(root)",
            "invalid_value",
            {MESSAGE: error.message},
        )
        for error in sorted(
            validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
        )
    ]
    if errors:
        raise ValidationError(errors)
