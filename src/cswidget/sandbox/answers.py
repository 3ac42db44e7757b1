"""The answers a survey page accepts, checked in one place for every way in:
the survey page a feedback request's link opens (`survey_page`) and
`cswidget.testing`'s `respond()`, which plays the customer.

    answers = checked_answers(store.questions(1484), {14841: ["9"]}, resource="/r/1-abc")

Values are what the page's form sends: text, one per chosen option. A
rating is one of its scale, a radio or dropdown one of its options, a
checkbox question any of its options (each once), a text answer at most
`MAX_TEXT_ANSWER_LENGTH` characters; a blank value is no answer. Anything
else raises `ValidationError`, every refused answer at once, each named as
its form field (`q14841`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..errors import FieldError, ValidationError
from ..vocabulary import ALLOWED_VALUES, INVALID_VALUE, MAXIMUM, MESSAGE, WRONG_LENGTH

__all__ = ["MAX_TEXT_ANSWER_LENGTH", "RATING_SCALES", "checked_answers", "choices", "field_name"]

RATING_SCALES: Final = {"nps": range(11), "csat": range(1, 6), None: range(11)}
# A free-text answer; the seed sets no limit, the sandbox keeps rows small.
MAX_TEXT_ANSWER_LENGTH: Final = 2000


def field_name(question: Mapping[str, Any]) -> str:
    """The form field that carries a question's answer: `q<id>`."""
    return f"q{question['id']}"


def choices(question: Mapping[str, Any]) -> list[str]:
    """The values the page offers for a question (none for a text answer)."""
    kind = question["answer_type"]
    if kind == "Rating":
        return [str(number) for number in RATING_SCALES[question["metric"]]]
    if kind == "Text":
        return []
    return [str(option) for option in question["options"]]


def checked_answers(
    questions: Sequence[Mapping[str, Any]],
    chosen: Mapping[int, Sequence[str]],
    *,
    resource: str,
) -> list[dict[str, Any]]:
    """The response's answers (one per question, in order) for the values
    `chosen` per question id; raises `ValidationError` for refused ones."""
    errors: list[FieldError] = []
    answers = []
    for question in questions:
        values = [value for value in chosen.get(question["id"], ()) if value.strip()]
        errors += _errors(question, values, resource)
        answers.append(
            {
                "question_id": question["id"],
                "question": question["question"],
                "answer": ", ".join(values) if values else None,
                "type": question["answer_type"],
            }
        )
    if errors:
        raise ValidationError(errors)
    return answers


def _errors(question: Mapping[str, Any], values: list[str], resource: str) -> list[FieldError]:
    field = field_name(question)
    kind = question["answer_type"]
    if kind != "Checkbox" and len(values) > 1:
        return [FieldError(resource, field, INVALID_VALUE, {MESSAGE: "takes one answer"})]
    if kind == "Text":
        if values and len(values[0]) > MAX_TEXT_ANSWER_LENGTH:
            return [FieldError(resource, field, WRONG_LENGTH, {MAXIMUM: MAX_TEXT_ANSWER_LENGTH})]
        return []
    allowed = choices(question)
    if any(value not in allowed for value in values):
        return [FieldError(resource, field, INVALID_VALUE, {ALLOWED_VALUES: allowed})]
    if len(set(values)) < len(values):
        return [FieldError(resource, field, INVALID_VALUE, {MESSAGE: "an option chosen twice"})]
    return []
