"""The demo account's surveys, read from surveys.json (the API's Surveys shape)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SURVEYS_FILE = Path(__file__).with_name("surveys.json")

ANSWER_TYPES = ("Rating", "Text", "Dropdown", "Radio", "Checkbox")
SELECTION_TYPES = ("Dropdown", "Radio", "Checkbox")
RATING_SCALE = tuple(str(score) for score in range(11))


@dataclass(frozen=True)
class Question:
    id: int
    question: str
    answer_type: str
    options: tuple[str, ...] = ()
    # The segment key a selection question asks about, if any.
    segment: str | None = None


@dataclass(frozen=True)
class Survey:
    id: int
    name: str
    locale: str
    url_code: str
    visible_customer_fields: tuple[str, ...]
    questions: tuple[Question, ...]

    def segment_question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.segment == key), None)


@dataclass(frozen=True)
class Account:
    # Custom segments are per account, so the sandbox needs them to file keys.
    segment_keys: tuple[str, ...]
    surveys: tuple[Survey, ...]

    def survey(self, url_code: str) -> Survey | None:
        return next((s for s in self.surveys if s.url_code == url_code), None)


def _question(data: dict[str, Any]) -> Question:
    if data["answer_type"] not in ANSWER_TYPES:
        raise ValueError(
            f"Unsupported answer_type {data['answer_type']!r}, must be one of: {ANSWER_TYPES}"
        )
    return Question(
        id=data["id"],
        question=data["question"],
        answer_type=data["answer_type"],
        options=tuple(data.get("sandbox_options", ())),
        segment=data.get("sandbox_segment"),
    )


def load_account(path: Path = SURVEYS_FILE) -> Account:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Account(
        segment_keys=tuple(data["sandbox_segment_keys"]),
        surveys=tuple(
            Survey(
                id=survey["id"],
                name=survey["name"],
                locale=survey["locale"],
                url_code=survey["sandbox_url_code"],
                visible_customer_fields=tuple(survey["sandbox_visible_customer_fields"]),
                questions=tuple(_question(q) for q in survey["questions"]),
            )
            for survey in data["surveys"]
        ),
    )
