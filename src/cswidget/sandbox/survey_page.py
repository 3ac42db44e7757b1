"""The survey page a feedback request's `link` opens, and the response it files.

`GET /r/<token>` shows the request's survey as a plain form; `POST` files
the answers as a feedback response carrying the request (its reference,
machine_id, data as fields, site and staff), or answers 422 listing the
answers it refuses (`answers.checked_answers`, which `cswidget.testing`
uses too). HTML is built only with `cswidget.html`, the one place that
escapes.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import parse_qsl

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api_rules import format_timestamp
from ..contract import FeedbackRequest
from ..errors import ValidationError
from ..html import attributes, element, escape_text
from .answers import checked_answers, choices, field_name
from .http import MAX_BODY_BYTES, database_work
from .storage import Store

PREFIX: Final = "/r/"
_HTML: Final = "text/html; charset=utf-8"


def _page(title: str, body: Markup, status_code: int = 200) -> Response:
    head = element("title", [], escape_text(title))
    document = Markup("<!doctype html><html lang=en><meta charset=utf-8>{}<body>{}</body></html>")
    return Response(
        document.format(head, body),
        status_code,
        media_type=_HTML,
        headers={"Content-Security-Policy": "default-src 'none'; form-action 'self'"},
    )


def _question(question: dict[str, Any]) -> Markup:
    name = field_name(question)
    label = element("legend", [], escape_text(question["question"]))
    kind = question["answer_type"]
    if kind == "Text":
        return element("fieldset", [], label + element("textarea", [("name", name)]))
    input_type = "checkbox" if kind == "Checkbox" else "radio"
    inputs = Markup("").join(
        element("label", [], _input(input_type, name, choice) + escape_text(choice))
        for choice in choices(question)
    )
    return element("fieldset", [], label + inputs)


def _input(kind: str, name: str, value: str) -> Markup:
    # <input> is a void element: written as a start tag, attributes escaped
    # by cswidget.html like everywhere else.
    return Markup("<input{}>").format(
        attributes([("type", kind), ("name", name), ("value", value)])
    )


def _store(request: Request) -> Store:
    store: Store = request.app.state.sandbox.store
    return store


async def survey_page(request: Request) -> Response:
    # The body is read on the event loop; the database work runs in the
    # thread pool, as every API endpoint's does.
    body = None
    if request.method == "POST":
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return _page("Too large", element("p", [], escape_text("Too many answers.")), 413)
    return await database_work(request, _survey_page, request, body)


def _survey_page(request: Request, body: bytes | None) -> Response:
    store = _store(request)
    feedback_request = store.feedback_request_by_token(request.path_params["token"])
    if feedback_request is None:
        return _page("Survey not found", element("p", [], escape_text("No such survey link.")), 404)
    survey = store.survey(feedback_request.survey_id)
    assert survey is not None  # requests are only stored for existing surveys
    if body is not None:
        return _submit(request, store, feedback_request, body)
    questions = Markup("").join(_question(q) for q in store.questions(feedback_request.survey_id))
    send = element("button", [("type", "submit")], escape_text("Send"))
    form = element("form", [("method", "post")], questions + send)
    return _page(survey.name, element("h1", [], escape_text(survey.name)) + form)


def _submit(
    request: Request, store: Store, feedback_request: FeedbackRequest, body: bytes
) -> Response:
    form: dict[str, list[str]] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        form.setdefault(key, []).append(value)
    questions = store.questions(feedback_request.survey_id)
    survey = store.survey(feedback_request.survey_id)
    name = survey.name if survey else ""
    try:
        answers = checked_answers(
            questions,
            {question["id"]: form.get(field_name(question), []) for question in questions},
            resource=request.url.path,
        )
    except ValidationError as error:
        refused = Markup("").join(
            element("li", [], escape_text(problem.message)) for problem in error.errors
        )
        return _page(name, element("ul", [], refused), 422)
    file_response(store, feedback_request=feedback_request, answers=answers, now=_now(request))
    return _page(name, element("p", [], escape_text("Thank you for your feedback.")))


def _now(request: Request) -> str:
    return format_timestamp(request.app.state.sandbox.now())


def file_response(
    store: Store,
    *,
    feedback_request: FeedbackRequest,
    answers: list[dict[str, Any]],
    now: str,
) -> int:
    """File answers given through a feedback request's link; the response id.

    The response's fields are the customer's (email, name) and the
    request's data, as the seed says data is "automatically stored against
    any responses that comes in from the feedback request".
    """
    scope = store.request_scope(feedback_request.id)
    assert scope is not None
    names = [feedback_request.first_name, feedback_request.surname]
    fields: dict[str, Any] = {
        "email": feedback_request.email,
        "name": " ".join(n for n in names if n) or None,
    }
    fields.update(store.request_data(feedback_request.id))
    return store.add_response(
        survey_id=feedback_request.survey_id,
        fields=fields,
        answers=answers,
        submitted_at=now,
        reference=feedback_request.reference,
        machine_id=feedback_request.machine_id,
        request_id=feedback_request.id,
        site_id=scope["site_id"],
        staff_id=scope["staff_id"],
    )


ROUTES: Final = (Route(PREFIX + "{token}", survey_page, methods=["GET", "POST"]),)
