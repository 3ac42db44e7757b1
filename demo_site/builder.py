"""The snippet builder: a form in, `Widget.embed()` out, or the errors per field.

The builder only collects the form into the library's inputs; every check
is the library's, and its `ValidationError.to_dict()` is shown as is, with a
sentence for people next to each error's machine code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from starlette.datastructures import FormData

from cswidget import SurveyParams, ValidationError, Widget, rules
from cswidget.errors import FieldError
from cswidget.messages import describe
from cswidget.vocabulary import (
    BUILTIN_SEGMENT_KEYS,
    INVALID_FORMAT,
    INVALID_VALUE,
    MAX_VALUE_LENGTH,
    MAXIMUM,
    MESSAGE,
    WRONG_LENGTH,
)

# Row category -> the SurveyParams argument and the prefix of its error fields.
CATEGORIES = {"customer": "customer", "segment": "segments", "metadata": "metadata"}
CATEGORY_LABELS = {
    "customer": "Customer field",
    "segment": "Segment",
    "metadata": "Unique metadata",
}
DEFAULT_ROWS = 4
# Rows past this are refused with an error, never dropped.
MAX_ROWS = 40
WIDGET_FIELDS = ("org", "survey", "script_src")
FIELD_LABELS = {
    "org": "Account subdomain (org)",
    "survey": "Survey URL code",
    "script_src": "Widget script URL",
}
# The shapes CustomerSure's own snippet shows; never a value that only works here.
PLACEHOLDERS = {
    "org": "your-subdomain",
    "survey": "survey-url-code",
    "script_src": "https://…/survey_widget.js",
}

# The message of the error the builder gives a key entered in two rows.
DUPLICATE_ROW = "the same key is given in two rows"


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
    org: str = ""
    survey: str = ""
    script_src: str = ""
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

    @property
    def custom_segment_keys(self) -> tuple[str, ...]:
        return tuple(_custom_segments(self.form))


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
    ]
    return Form(org=text("org"), survey=text("survey"), script_src=text("script_src"), rows=rows)


def _custom_segments(form: Form) -> list[str]:
    keys = [row.key for row in form.rows if not row.blank and row.category == "segment"]
    return list(dict.fromkeys(k for k in keys if k not in BUILTIN_SEGMENT_KEYS))


def build(form: Form) -> Result:
    """The snippet for `form`, or every error found, never both."""
    errors: list[FieldError] = []
    used = [row for row in form.rows if not row.blank]
    if len(used) > MAX_ROWS:
        errors.append(FieldError(rules.SURVEY_PARAMS, "params", WRONG_LENGTH, {MAXIMUM: MAX_ROWS}))
    grouped: dict[str, dict[str, str]] = {name: {} for name in CATEGORIES.values()}
    for row in used:
        category = CATEGORIES[row.category]
        if row.key in grouped[category]:
            # A mapping would keep only the last one: say so instead of losing data.
            errors.append(
                FieldError(
                    rules.SURVEY_PARAMS,
                    f"{category}.{row.key}",
                    INVALID_VALUE,
                    {MESSAGE: DUPLICATE_ROW},
                )
            )
        grouped[category][row.key] = row.value
    widget = None
    try:
        widget = Widget(
            org=form.org,
            survey=form.survey,
            script_src=form.script_src,
            segment_keys=_custom_segments(form),
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
        controls.setdefault(_control_of(form, error), []).append(error)
    return controls


def is_about_value(error: FieldError) -> bool:
    """Whether a `category.key` error is about the row's value, not its key."""
    if error.error == INVALID_FORMAT:
        return True  # an email that is not one
    return error.error == WRONG_LENGTH and error.extra_info.get(MAXIMUM) == MAX_VALUE_LENGTH


def _control_of(form: Form, error: FieldError) -> str:
    if error.field in WIDGET_FIELDS:
        return error.field
    category, _, key = error.field.partition(".")
    part = "value" if is_about_value(error) else "key"
    for index, row in enumerate(form.rows):
        if not row.blank and CATEGORIES[row.category] == category and row.key == key:
            return f"row-{index}-{part}"
    if error.field.startswith("segment_keys["):
        # A custom segment key the widget refused: point at its row.
        position = int(error.field[len("segment_keys[") : -1])
        segments = _custom_segments(form)
        for index, row in enumerate(form.rows):
            if (
                position < len(segments)
                and row.category == "segment"
                and row.key == segments[position]
            ):
                return f"row-{index}-key"
    return "form"


# --- Sentences for people -------------------------------------------------


def human_message(error: FieldError) -> str:
    """One sentence saying what is wrong; the machine code is shown beside it.

    The core's sentence (`cswidget.messages.describe`), the one `manage.py
    check` and the command line print too; only the two errors the builder
    itself finds (too many rows, a key in two rows) are worded here.
    """
    info = error.extra_info
    if error.field == "params" and error.error == WRONG_LENGTH:
        return f"Use at most {info.get(MAXIMUM)} rows; this form had more."
    if error.error == INVALID_VALUE and info.get(MESSAGE) == DUPLICATE_ROW:
        key = error.field.partition(".")[2]
        return f"The key “{key}” is in two rows of the same category; keep one of them."
    return describe(error)
