"""The answers `respond()` takes, as the values the survey page's form sends.

    form_values(questions, {"How likely are you to recommend us to a friend?": 9,
                            14844: "Quick and friendly"}, resource="/r/405-...")
    # {14841: ["9"], 14844: ["Quick and friendly"]}

A question is named by its id (an int, or its digits as text) or by its
exact text; a value has the question's type: an int for a rating, a str for
text, a radio or a dropdown, a list (or tuple) of str for checkboxes; None
is no answer. Whether the values are ones the page accepts is then the
page's own check (`cswidget.sandbox.answers`): this module only turns
Python values into form values, and refuses what has no form value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import FieldError, ValidationError
from ..sandbox.answers import field_name
from ..vocabulary import ALLOWED_VALUES, INVALID_VALUE, MESSAGE

__all__ = ["form_values"]

# What each answer type takes, for the message when it gets something else.
_EXPECTED = {
    "Rating": "an int",
    "Text": "a str",
    "Radio": "a str (one of its options)",
    "Dropdown": "a str (one of its options)",
    "Checkbox": "a list of str (its options)",
}


def form_values(
    questions: Sequence[Mapping[str, Any]],
    answers: Mapping[int | str, object],
    *,
    resource: str,
) -> dict[int, list[str]]:
    """The form's values per question id; raises `ValidationError` naming
    every answer that names no question or has the wrong type."""
    by_id = {question["id"]: question for question in questions}
    by_text: dict[str, list[Mapping[str, Any]]] = {}
    for each in questions:
        by_text.setdefault(each["question"], []).append(each)
    errors: list[FieldError] = []
    values: dict[int, list[str]] = {}
    for key, value in answers.items():
        question = _question(key, by_id, by_text)
        if question is None:
            errors.append(
                FieldError(
                    resource,
                    f"answers[{key!r}]",
                    INVALID_VALUE,
                    {
                        MESSAGE: "names no question of this survey (an id, or its exact text)",
                        ALLOWED_VALUES: list(by_id),
                    },
                )
            )
            continue
        if question["id"] in values:
            twice = {MESSAGE: "answered twice"}
            errors.append(FieldError(resource, field_name(question), INVALID_VALUE, twice))
            continue
        found = _values(question, value)
        if found is None:
            expected = _EXPECTED.get(question["answer_type"], "a str")
            errors.append(
                FieldError(
                    resource,
                    field_name(question),
                    INVALID_VALUE,
                    {
                        MESSAGE: f"a {question['answer_type']} question takes {expected}, "
                        f"not {type(value).__name__} {value!r}"
                    },
                )
            )
            continue
        values[question["id"]] = found
    if errors:
        raise ValidationError(errors)
    return values


def _question(
    key: object,
    by_id: Mapping[int, Mapping[str, Any]],
    by_text: Mapping[str, list[Mapping[str, Any]]],
) -> Mapping[str, Any] | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return by_id.get(key)
    if not isinstance(key, str):
        return None
    if key.isascii() and key.isdigit():
        return by_id.get(int(key))
    same = by_text.get(key, [])
    # Two questions with the same text: only an id says which.
    return same[0] if len(same) == 1 else None


def _values(question: Mapping[str, Any], value: object) -> list[str] | None:
    kind = question["answer_type"]
    if value is None:
        return []
    if kind == "Rating":
        return [str(value)] if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "Checkbox":
        if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            return list(value)
        return None
    return [value] if isinstance(value, str) else None
