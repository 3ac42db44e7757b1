"""The snippet builder: a form in, `Widget.embed()` out, or the errors per field.

The builder only collects the form into the library's inputs; every check
is the library's, and its `ValidationError.to_dict()` is shown as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from starlette.datastructures import FormData

from cswidget import SurveyParams, ValidationError, Widget, rules
from cswidget.errors import FieldError
from cswidget.vocabulary import BUILTIN_SEGMENT_KEYS, INVALID_VALUE, MESSAGE

# Row category -> the SurveyParams argument and the prefix of its error fields.
CATEGORIES = {"customer": "customer", "segment": "segments", "metadata": "metadata"}
CATEGORY_LABELS = {
    "customer": "Customer field",
    "segment": "Segment",
    "metadata": "Unique metadata",
}
DEFAULT_ROWS = 4
MAX_ROWS = 40

DEFAULTS = {"org": "acme", "survey": "AKknWccEFf7", "script_src": "/static/survey_widget.js"}


@dataclass
class Row:
    key: str = ""
    value: str = ""
    category: str = "metadata"

    @property
    def blank(self) -> bool:
        return self.key == "" and self.value == ""


@dataclass
class Form:
    org: str = DEFAULTS["org"]
    survey: str = DEFAULTS["survey"]
    script_src: str = DEFAULTS["script_src"]
    rows: list[Row] = field(default_factory=lambda: [Row() for _ in range(DEFAULT_ROWS)])


@dataclass
class Result:
    form: Form
    snippet: Markup | None = None
    error: ValidationError | None = None
    # Form control id -> the errors to show next to it.
    field_errors: dict[str, list[FieldError]] = field(default_factory=dict)

    @property
    def error_dict(self) -> dict[str, Any] | None:
        return None if self.error is None else self.error.to_dict()


def read_form(data: FormData) -> Form:
    def text(name: str) -> str:
        value = data.get(name)
        return value if isinstance(value, str) else ""

    keys, values, categories = (data.getlist(n) for n in ("key", "value", "category"))
    rows = [
        Row(
            key=str(key),
            value=str(value),
            category=str(category) if category in CATEGORIES else "metadata",
        )
        for key, value, category in zip(keys, values, categories, strict=False)
    ][:MAX_ROWS]
    return Form(org=text("org"), survey=text("survey"), script_src=text("script_src"), rows=rows)


def build(form: Form) -> Result:
    """The snippet for `form`, or every error found, never both."""
    errors: list[FieldError] = []
    used = [(index, row) for index, row in enumerate(form.rows) if not row.blank]
    grouped: dict[str, dict[str, str]] = {name: {} for name in CATEGORIES.values()}
    for _index, row in used:
        category = CATEGORIES[row.category]
        if row.key in grouped[category]:
            # A mapping would keep only the last one: say so instead of losing data.
            errors.append(
                FieldError(
                    rules.SURVEY_PARAMS,
                    f"{category}.{row.key}",
                    INVALID_VALUE,
                    {MESSAGE: "the same key is given in two rows"},
                )
            )
        grouped[category][row.key] = row.value
    custom_segments = [k for k in grouped["segments"] if k not in BUILTIN_SEGMENT_KEYS]
    widget = None
    try:
        widget = Widget(
            org=form.org,
            survey=form.survey,
            script_src=form.script_src,
            segment_keys=custom_segments,
        )
    except ValidationError as error:
        errors += error.errors
    params = None
    try:
        params = SurveyParams(**grouped)
    except ValidationError as error:
        errors += error.errors
    if not errors:
        assert widget is not None
        assert params is not None
        try:
            return Result(form=form, snippet=widget.embed(params))
        except ValidationError as error:
            errors += error.errors
    failure = ValidationError(errors)
    return Result(form=form, error=failure, field_errors=_by_control(form, errors))


def _by_control(form: Form, errors: list[FieldError]) -> dict[str, list[FieldError]]:
    """Which form control each error belongs to, so it is shown next to it."""
    controls: dict[str, list[FieldError]] = {}
    for error in errors:
        controls.setdefault(_control_of(form, error.field), []).append(error)
    return controls


def _control_of(form: Form, error_field: str) -> str:
    if error_field in ("org", "survey", "script_src"):
        return error_field
    category, _, key = error_field.partition(".")
    for index, row in enumerate(form.rows):
        if not row.blank and CATEGORIES[row.category] == category and row.key == key:
            return f"row-{index}-key"
    if error_field.startswith("segment_keys["):
        # A custom segment key the widget refused: point at its row.
        position = int(error_field[len("segment_keys[") : -1])
        segments = [
            index
            for index, row in enumerate(form.rows)
            if not row.blank and row.category == "segment" and row.key not in BUILTIN_SEGMENT_KEYS
        ]
        if position < len(segments):
            return f"row-{segments[position]}-key"
    return "form"
