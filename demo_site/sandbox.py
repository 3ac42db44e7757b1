"""The survey sandbox: the page the widget shows in its iframe.

It applies the widget's documented rules to the survey params:
customer fields fill visible inputs (editable) or become hidden fields;
segment keys preselect the selection question about that segment, else
become hidden fields; everything else is unique metadata, and `reference`
and `machine_id` become the response's link fields. Filing a key is the
core's job (`SurveyParams.from_flat`); the sandbox only lays it out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from cswidget import FieldError, SurveyParams, ValidationError
from cswidget.api_rules import format_timestamp
from cswidget.checks import email_errors
from cswidget.codepoints import escape_json_text
from cswidget.sandbox import Store
from cswidget.vocabulary import (
    ALLOWED_VALUES,
    INVALID_VALUE,
    MAX_VALUE_LENGTH,
    MAXIMUM,
    SPECIAL_METADATA_KEYS,
    WRONG_LENGTH,
)

from .surveys import RATING_SCALE, Account, Question, Survey

SURVEY_PARAMS_FIELD = "survey_params"
# A free-text answer; the seed sets no limit, the demo keeps stored rows small.
MAX_TEXT_ANSWER_LENGTH = 5000


@dataclass
class Layout:
    """Where each survey param goes on one survey."""

    visible_customer: dict[str, Any] = field(default_factory=dict)
    preselected: dict[int, Any] = field(default_factory=dict)  # question id -> value
    hidden: dict[str, Any] = field(default_factory=dict)  # customer fields and segments
    metadata: dict[str, Any] = field(default_factory=dict)
    links: dict[str, Any] = field(default_factory=dict)  # reference, machine_id


def layout(survey: Survey, params: SurveyParams) -> Layout:
    result = Layout()
    for name in survey.visible_customer_fields:
        result.visible_customer[name] = params.customer.get(name)
    for name, value in params.customer.items():
        if name not in survey.visible_customer_fields:
            result.hidden[name] = value
    for key, value in params.segments.items():
        question = survey.segment_question(key)
        if question is None:
            result.hidden[key] = value
        else:
            result.preselected[question.id] = value
    for key, value in params.metadata.items():
        if key in SPECIAL_METADATA_KEYS:
            result.links[key] = value
        else:
            result.metadata[key] = value
    return result


def options(question: Question, preselected: Any) -> list[str]:
    # A supplied segment value the survey does not list is still offered,
    # so the customer sees what the page said.
    if question.answer_type == "Rating":
        return list(RATING_SCALE)
    extra = [] if preselected is None or str(preselected) in question.options else [preselected]
    return [*question.options, *map(str, extra)]


def parse_params(text: str | None, account: Account) -> SurveyParams:
    """The survey params the widget passed, filed with the account's segments."""
    if text is None or text == "":
        return SurveyParams()
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValueError(f"survey_params is not valid JSON: {error}") from None
    except RecursionError:
        # About 1,000 nested arrays exhaust Python's parser: still bad input.
        raise ValueError("survey_params is not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("survey_params must be a JSON object")
    return SurveyParams.from_flat(data, segment_keys=account.segment_keys)


def answer_of(question: Question, form: FormData) -> str | None:
    name = f"q{question.id}"
    if question.answer_type == "Checkbox":
        chosen = [str(v) for v in form.getlist(name)]
        return ", ".join(chosen) if chosen else None
    value = form.get(name)
    return str(value) if value not in (None, "") else None


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _survey_or_404(request: Request) -> Survey | Response:
    account: Account = request.app.state.account
    survey = account.survey(request.path_params["survey"])
    if survey is None:
        return _templates(request).TemplateResponse(
            request,
            "sandbox_missing.html",
            {"code": request.path_params["survey"], "surveys": account.surveys},
            status_code=404,
        )
    return survey


async def survey_page(request: Request) -> Response:
    survey = _survey_or_404(request)
    if isinstance(survey, Response):
        return survey
    params_text = request.query_params.get(SURVEY_PARAMS_FIELD)
    context: dict[str, Any] = {"survey": survey, "org": request.path_params["org"]}
    try:
        params = parse_params(params_text, request.app.state.account)
    except ValidationError as error:
        # ensure_ascii: a lone surrogate in a key is shown as its escape,
        # since it cannot be sent as UTF-8.
        context["error"] = json.dumps(error.to_dict(), indent=2)
        return _render(request, context, status_code=400)
    except ValueError as error:
        context["error"] = str(error)
        return _render(request, context, status_code=400)
    context.update(
        layout=layout(survey, params),
        # Escaped as cswidget escapes: code points HTML forbids stay out of the page.
        params_json=escape_json_text(json.dumps(params.to_dict(), ensure_ascii=False)),
        options=options,
    )
    return _render(request, context)


def _render(request: Request, context: dict[str, Any], *, status_code: int = 200) -> Response:
    return _templates(request).TemplateResponse(
        request, "sandbox_survey.html", context, status_code=status_code
    )


async def submit(request: Request) -> Response:
    survey = _survey_or_404(request)
    if isinstance(survey, Response):
        return survey
    form = await request.form()
    raw = form.get(SURVEY_PARAMS_FIELD)
    try:
        params = parse_params(raw if isinstance(raw, str) else None, request.app.state.account)
    except ValueError as error:
        message = error.to_dict() if isinstance(error, ValidationError) else str(error)
        return Response(json.dumps(message), status_code=400, media_type="application/json")
    placed = layout(survey, params)
    resource = request.url.path
    errors: list[FieldError] = []
    fields: dict[str, Any] = {}
    for name in placed.visible_customer:
        value = form.get(f"customer.{name}")
        # What the customer typed wins: visible fields are theirs to change.
        typed = str(value) if value not in (None, "") else None
        problems = _typed_errors(resource, f"customer.{name}", name, typed)
        errors += problems
        fields[name] = None if problems else typed
    fields.update(placed.hidden)
    answers = []
    for question in survey.questions:
        answer = answer_of(question, form)
        errors += _answer_errors(resource, question, placed.preselected.get(question.id), answer)
        if question.segment is not None and answer is not None:
            fields[question.segment] = answer
        answers.append(
            {
                "question_id": question.id,
                "question": question.question,
                "answer": answer,
                "type": question.answer_type,
            }
        )
    if errors:
        context = {"survey": survey, "org": request.path_params["org"]}
        context["error"] = json.dumps(ValidationError(errors).to_dict(), indent=2)
        return _render(request, context, status_code=422)
    fields.update(placed.metadata)
    store: Store = request.app.state.store
    response_id = store.add_response(
        survey_id=survey.id,
        fields=fields,
        answers=answers,
        submitted_at=format_timestamp(datetime.now(UTC)),
        reference=_text(placed.links.get("reference")),
        machine_id=_text(placed.links.get("machine_id")),
        site_id=_code(store.site_by_code, fields.get("site_code")),
        staff_id=_code(store.staff_by_code, fields.get("staff_code")),
    )
    response = store.feedback_response(response_id)
    return _templates(request).TemplateResponse(
        request,
        "sandbox_thanks.html",
        {
            "survey": survey,
            "response": response,
            "response_json": escape_json_text(
                json.dumps(response.to_json() if response else None, indent=2, ensure_ascii=False)
            ),
        },
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _code(lookup: Callable[[str], int | None], value: Any) -> int | None:
    # staff_code and site_code link the response to a staff member and a site.
    return lookup(value) if isinstance(value, str) else None


def _typed_errors(resource: str, field: str, name: str, value: str | None) -> list[FieldError]:
    """What a customer typed is held to the widget's own limits."""
    if value is None:
        return []
    if len(value) > MAX_VALUE_LENGTH:
        return [FieldError(resource, field, WRONG_LENGTH, {MAXIMUM: MAX_VALUE_LENGTH})]
    return email_errors(resource, field, value) if name == "email" else []


def _answer_errors(
    resource: str, question: Question, preselected: Any, answer: str | None
) -> list[FieldError]:
    field = f"q{question.id}"
    if answer is None:
        return []
    if question.answer_type == "Text":
        if len(answer) > MAX_TEXT_ANSWER_LENGTH:
            return [FieldError(resource, field, WRONG_LENGTH, {MAXIMUM: MAX_TEXT_ANSWER_LENGTH})]
        return []
    allowed = options(question, preselected)
    chosen = answer.split(", ") if question.answer_type == "Checkbox" else [answer]
    if all(choice in allowed for choice in chosen):
        return []
    return [FieldError(resource, field, INVALID_VALUE, {ALLOWED_VALUES: allowed})]


routes = [
    Route("/sandbox/{org}/{survey}", survey_page, methods=["GET"]),
    Route("/sandbox/{org}/{survey}", submit, methods=["POST"]),
]
