"""cswidget.api against the sandbox over real HTTP: every endpoint, from both
clients, with the sandbox's own rules and errors (uvicorn on a free port)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

import cswidget
from api_sandbox import TOKEN, serve_sandbox
from api_twins import run_async
from cswidget import SurveyParams
from cswidget.api import (
    CSAT,
    NPS,
    AsyncClient,
    AuthenticationError,
    Client,
    EmailTemplate,
    FeedbackRequest,
    FeedbackResponse,
    NotFoundError,
    ResponseRate,
    Site,
    Staff,
    Survey,
    TextMessageTemplate,
)

NOW = datetime(2023, 8, 19, 16, 30, tzinfo=UTC)
USER_AGENT = "Acme Ltd"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_sandbox(now=NOW) as url:
        yield url


class Both:
    """Runs one scenario with Client and with AsyncClient; lists are collected."""

    def __init__(self, base_url: str, token: str = TOKEN) -> None:
        self.options: dict[str, Any] = {"user_agent": USER_AGENT, "base_url": base_url}
        self.token = token

    def sync(self, scenario: Any) -> Any:
        with Client(self.token, **self.options) as client:
            result = scenario(client)
            return list(result) if hasattr(result, "pages") else result

    def async_(self, scenario: Any) -> Any:
        async def run() -> Any:
            async with AsyncClient(self.token, **self.options) as client:
                result = scenario(client)
                if hasattr(result, "pages"):
                    return [item async for item in result]
                return await result

        return run_async(run())

    def __call__(self, scenario: Any) -> tuple[Any, Any]:
        return self.sync(scenario), self.async_(scenario)


READS: list[tuple[str, Any, type]] = [
    (
        "feedback_requests.list",
        lambda c: c.feedback_requests.list(state="pending"),
        FeedbackRequest,
    ),
    ("feedback_requests.get", lambda c: c.feedback_requests.get(1), FeedbackRequest),
    (
        "feedback_responses.list",
        lambda c: c.feedback_responses.list(per_page=100),
        FeedbackResponse,
    ),
    ("feedback_responses.get", lambda c: c.feedback_responses.get(1), FeedbackResponse),
    ("metrics.response_rate", lambda c: c.metrics.response_rate(), ResponseRate),
    ("metrics.nps", lambda c: c.metrics.nps(period="30-days"), NPS),
    ("metrics.csat", lambda c: c.metrics.csat(period="3-months", survey_ids=[1484]), CSAT),
    ("sites.list", lambda c: c.sites.list(), Site),
    ("sites.get", lambda c: c.sites.get("newcastle"), Site),
    ("staff.list", lambda c: c.staff.list(code="luke"), Staff),
    ("staff.get", lambda c: c.staff.get(98723), Staff),
    ("surveys.list", lambda c: c.surveys.list(), Survey),
    ("email_templates.list", lambda c: c.email_templates.list(), EmailTemplate),
    ("text_message_templates.list", lambda c: c.text_message_templates.list(), TextMessageTemplate),
]


@pytest.mark.parametrize(("scenario", "model"), [pytest.param(*r[1:], id=r[0]) for r in READS])
def test_every_read_endpoint_gives_the_same_typed_result_from_both_clients(
    base_url: str, scenario: Any, model: type
) -> None:
    from_sync, from_async = Both(base_url)(scenario)
    assert from_sync == from_async
    items = from_sync if isinstance(from_sync, list) else [from_sync]
    assert items
    assert all(type(item) is model for item in items)
    assert all(
        item.extra == {} or set(item.extra) <= {"deletion_requested_at", "sms"} for item in items
    )


def test_lists_page_through_everything_once_with_total_count(base_url: str) -> None:
    with Client(TOKEN, user_agent=USER_AGENT, base_url=base_url) as client:
        responses = client.feedback_responses.list(per_page=7)
        items = list(responses)
        ids = [response.id for response in items]
        assert responses.total_count == len(ids) == len(set(ids)) > 100
        order = [(response.submitted_at, response.id) for response in items]
        assert order == sorted(order, reverse=True)  # newest first

    async def async_ids() -> tuple[list[int], int | None]:
        async with AsyncClient(TOKEN, user_agent=USER_AGENT, base_url=base_url) as client:
            paginator = client.feedback_responses.list(per_page=7)
            return [response.id async for response in paginator], paginator.total_count

    assert run_async(async_ids()) == (ids, len(ids))


def test_filters_reach_the_sandbox(base_url: str) -> None:
    both = Both(base_url)
    for found in both(lambda c: c.feedback_responses.list(survey_ids=[1484])):
        assert {response.survey.id for response in found} == {1484}
    for found in both(lambda c: c.feedback_requests.list(state="sent")):
        assert found
        assert {request.state for request in found} == {"sent"}
    since = datetime(2023, 8, 1, tzinfo=UTC)
    for found in both(lambda c: c.feedback_responses.list(created_since=since)):
        assert found
        assert all(response.submitted_at >= since for response in found)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_create_get_and_update(base_url: str, mode: str) -> None:
    both = Both(base_url)
    run = both.sync if mode == "sync" else both.async_
    params = SurveyParams(
        customer={"name": "Kate", "email": f"kate.{mode}@example.com", "company_name": "Acme"},
        segments={"staff_code": "luke", "site_code": "newcastle"},
        metadata={"reference": f"#1041-{mode}", "machine_id": f"8736245-{mode}"},
    )
    created = run(
        lambda c: c.feedback_requests.create(
            send_at="2030-08-20T18:00:00+0100",
            survey_id=1484,
            email_template_id=10,
            data=params,
            reminders=[{"email_template_id": 11, "send_at": datetime(2030, 8, 27, 17)}],
        )
    )
    assert (created.state, created.email, created.first_name) == (
        "pending",
        f"kate.{mode}@example.com",
        "Kate",
    )
    assert (created.reference, created.machine_id) == (f"#1041-{mode}", f"8736245-{mode}")
    assert created.send_at == datetime(2030, 8, 20, 17, tzinfo=UTC)
    assert [(item.key, item.value) for item in created.data] == [
        ("company_name", "Acme"),
        ("staff_code", "luke"),
        ("site_code", "newcastle"),
    ]
    assert created.reminders[0].send_at == datetime(2030, 8, 27, 17, tzinfo=UTC)
    assert run(lambda c: c.feedback_requests.get(created.id)) == created

    code = f"hq-{mode}"
    site = run(lambda c: c.sites.create(site_code=code, name="Head Office", region="Tyne and Wear"))
    assert (site.site_code, site.name, site.city) == (code, "Head Office", None)
    updated = run(lambda c: c.sites.update(site.id, name="Main Office", city="Newcastle"))
    assert (updated.id, updated.name, updated.city) == (site.id, "Main Office", "Newcastle")
    assert run(lambda c: c.sites.get(code)) == updated


def test_the_sandboxs_own_validation_is_a_validation_error_in_both_clients(base_url: str) -> None:
    # Survey 999 passes the local checks; only the account knows it is not one of its own.
    def scenario(client: Any) -> Any:
        return client.feedback_requests.create(
            email="kate@example.com",
            send_at="2030-01-01T09:00Z",
            survey_id=999,
            email_template_id=10,
        )

    both = Both(base_url)
    bodies = []
    for run in (both.sync, both.async_):
        with pytest.raises(cswidget.ValidationError) as caught:
            run(scenario)
        assert caught.value.status == 422  # type: ignore[attr-defined]
        assert caught.value.response.json() == caught.value.to_dict()  # type: ignore[attr-defined]
        bodies.append(caught.value.to_dict())
    assert bodies[0] == bodies[1]
    assert bodies[0]["errors"][0]["field"] == "survey_id"


def test_a_taken_site_code_is_refused_by_the_sandbox(base_url: str) -> None:
    both = Both(base_url)
    for run in (both.sync, both.async_):
        with pytest.raises(cswidget.ValidationError) as caught:
            run(lambda c: c.sites.create(site_code="newcastle", name="Again", region="North"))
        assert caught.value.fields == ("site_code",)


@pytest.mark.parametrize(
    ("scenario", "error_class"),
    [
        (lambda c: c.feedback_responses.get(10**9), NotFoundError),
        (lambda c: c.sites.get("nowhere"), NotFoundError),
        (lambda c: c.staff.get(1), NotFoundError),
    ],
)
def test_not_found(base_url: str, scenario: Any, error_class: type[Exception]) -> None:
    both = Both(base_url)
    for run in (both.sync, both.async_):
        with pytest.raises(error_class):
            run(scenario)


def test_a_wrong_token_is_an_authentication_error(base_url: str) -> None:
    both = Both(base_url, token="fake")
    for run in (both.sync, both.async_):
        with pytest.raises(AuthenticationError) as caught:
            run(lambda c: c.surveys.list())
        assert caught.value.status == 401
        assert caught.value.response is not None
        assert caught.value.response.headers["WWW-Authenticate"] == 'Token realm="Application"'
