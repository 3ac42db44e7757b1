"""cswidget.api: every endpoint, paging and the result objects, through both
clients (`twin` runs each scenario with `Client` and with `AsyncClient`)."""

from __future__ import annotations

import json
import re
import runpy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest

from api_twins import BASE_URL, MODES, TOKEN, USER_AGENT, Twin, json_response
from cswidget import SurveyParams, ValidationError, wire
from cswidget.api import (
    CSAT,
    NPS,
    FeedbackRequest,
    FeedbackResponse,
    InvalidResponseError,
    Period,
    ResponseRate,
    Site,
    Staff,
    Survey,
)
from cswidget.vocabulary import DATE_PERIODS
from cswidget.wire import ShapeError

ROOT = Path(__file__).resolve().parents[1]

# The seed's example responses (abridged where it elides with "...").
FEEDBACK_REQUEST = {
    "id": 208073,
    "email": "john.smith@example.com",
    "state": "pending",
    "first_name": "John",
    "surname": "Smith",
    "survey_id": 1484,
    "email_template_id": 10,
    "reference": "#1041",
    "machine_id": "8736245",
    "send_at": "2023-08-20T17:00:00Z",
    "sent_at": None,
    "created_at": "2023-08-19T16:30:14Z",
    "updated_at": "2023-08-19T16:30:14Z",
    "not_sent_reason": None,
    "delivery_failure": None,
    "ignore_throttle": False,
    "link": "https://yourdomain.customersure.com/surveys/x",
    "data": [{"id": 256777, "key": "staff_code", "value": "luke"}],
    "reminders": [
        {
            "id": 60845536,
            "email_template_id": 11,
            "send_at": "2023-08-27T18:00:00+0100",
            "sent_at": None,
            "text_message_template_id": None,
            "not_sent_reason": None,
            "delivery_failure": None,
        }
    ],
}
FEEDBACK_RESPONSE = {
    "id": 16163,
    "reference": None,
    "machine_id": None,
    "fields": {"email": "kate@example.com", "name": "Kate"},
    "answers": [
        {"question_id": 12345, "question": "How satisfied?", "answer": "10", "type": "Rating"}
    ],
    "submitted_at": "2023-07-08T23:45:19Z",
    "updated_at": "2023-09-01T11:00:01Z",
    "feedback_request": None,
    "survey": {"id": 277, "name": "Post call survey"},
}
# The request the seed's "Retrieve an existing feedback response" embeds: no
# ignore_throttle, link, sms, data or reminders.
SEED_EMBEDDED_REQUEST = {
    "id": 1234, "email": "kate@example.com", "state": "sent", "first_name": "Kate",
    "surname": "", "survey_id": 277, "email_template_id": None, "reference": None,
    "machine_id": None, "send_at": "2023-07-08T23:45:19Z", "sent_at": "2023-07-08T23:45:20Z",
    "created_at": "2023-07-07T23:45:19Z", "updated_at": "2023-07-08T23:45:20Z",
    "deletion_requested_at": None, "not_sent_reason": None, "delivery_failure": None,
}  # fmt: skip
RESPONSE_RATE = {
    "response_rate_percent": 50,
    "sent_count": 100,
    "delivered_count": 50,
    "reply_count": 25,
}
NPS_BODY = {
    "net_promoter_score": 70,
    "promoter_count": 75,
    "passive_count": 20,
    "detractor_count": 5,
    "total_number_of_ratings": 100,
}
CSAT_BODY = {
    "csat": 90,
    "very_negative_count": 1,
    "negative_count": 0,
    "neutral_count": 0,
    "positive_count": 2,
    "very_positive_count": 7,
    "total_number_of_ratings": 10,
}
SITE = {
    "id": "111",
    "site_code": "hq",
    "name": "Head Office",
    "city": "Newcastle",
    "region": "Tyne and Wear",
    "site_type": "Office",
}
STAFF = {
    "id": "98723",
    "code": "rod-magnusson",
    "first_name": "Rod",
    "surname": "Magnusson",
    "email": "rod.magnusson@example.com",
    "time_zone": "London",
    "deactivated_at": None,
    "team_id": None,
}
SURVEY = {
    "id": "1",
    "name": "Head Office",
    "locale": "en",
    "questions": [{"id": 12345, "question": "Satisfied?", "answer_type": "Rating"}],
}
EMAIL_TEMPLATE = {
    "id": 123456,
    "name": "Post Sale Feedback Email",
    "body": "Hi {{name/there}}",
    "subject": "how did we do?",
    "from_name": "Kate Jones",
    "from_email": "kate@acme.co.uk",
    "locale": "en",
    "archived": False,
}
TEXT_MESSAGE_TEMPLATE = {
    "id": 123456,
    "name": "Post Sale SMS Template",
    "body": "Hi, {{link-to-survey}}",
    "locale": "en",
    "archived": False,
}
FUTURE = "2030-08-20T18:00:00+0100"
R = "/feedback_requests/"


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def answering(body: Any, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, list):
            return json_response(body, status, {"X-Total-Count": str(len(body))})
        return json_response(body, status)

    return handler


# (scenario, method, path with query, JSON body sent, response body, status)
ENDPOINTS: list[tuple[str, Callable[[Any], Any], str, str, Any, Any]] = [
    (
        "feedback_requests.create",
        lambda c: c.feedback_requests.create(
            email="john.smith@example.com",
            send_at=FUTURE,
            survey_id=1484,
            email_template_id=10,
            first_name="John",
            reference="#1041",
            data=[("staff_code", "luke")],
            reminders=[{"email_template_id": 11, "send_at": datetime(2030, 8, 27, 17)}],
        ),
        "POST",
        "/feedback_requests",
        {
            "email": "john.smith@example.com",
            "send_at": "2030-08-20T17:00:00Z",
            "survey_id": 1484,
            "email_template_id": 10,
            "first_name": "John",
            "reference": "#1041",
            "data": [{"key": "staff_code", "value": "luke"}],
            "reminders": [{"send_at": "2030-08-27T17:00:00Z", "email_template_id": 11}],
        },
        FEEDBACK_REQUEST,
    ),
    (
        "feedback_requests.list",
        lambda c: c.feedback_requests.list(state="pending", per_page=100),
        "GET",
        "/feedback_requests?per_page=100&state=pending",
        None,
        [FEEDBACK_REQUEST],
    ),
    (
        "feedback_requests.get",
        lambda c: c.feedback_requests.get(208073),
        "GET",
        "/feedback_requests/208073",
        None,
        FEEDBACK_REQUEST,
    ),
    (
        "feedback_responses.get",
        lambda c: c.feedback_responses.get(16163),
        "GET",
        "/feedback_responses/16163",
        None,
        FEEDBACK_RESPONSE,
    ),
    (
        "feedback_responses.list",
        lambda c: c.feedback_responses.list(
            created_since=datetime(2024, 1, 1),
            updated_since="2024-01-02T01:00+0100",
            email="kate@example.com",
            survey_ids=[1234, 5678],
            site_ids=["9"],
            staff_ids=[89, 76],
            per_page=50,
        ),
        "GET",
        "/feedback_responses?per_page=50&created_since=2024-01-01T00%3A00%3A00Z"
        "&updated_since=2024-01-02T00%3A00%3A00Z&email=kate%40example.com"
        "&survey_ids%5B%5D=1234&survey_ids%5B%5D=5678&site_ids%5B%5D=9"
        "&staff_ids%5B%5D=89&staff_ids%5B%5D=76",
        None,
        [FEEDBACK_RESPONSE],
    ),
    (
        "metrics.response_rate",
        lambda c: c.metrics.response_rate(
            from_time=datetime(2015, 1, 1, tzinfo=timezone(timedelta(hours=1))),
            to_time=datetime(2015, 1, 31, 23, 59),
            survey_ids=[1234],
        ),
        "GET",
        "/response_rate?from_time=2014-12-31T23%3A00%3A00Z&to_time=2015-01-31T23%3A59%3A00Z"
        "&survey_ids%5B%5D=1234",
        None,
        RESPONSE_RATE,
    ),
    (
        "metrics.nps",
        lambda c: c.metrics.nps(period="30-days", company_name="cyber", staff_ids=[789]),
        "GET",
        "/nps?period=30-days&company_name=cyber&staff_ids%5B%5D=789",
        None,
        NPS_BODY,
    ),
    (
        "metrics.csat",
        lambda c: c.metrics.csat(period="last_quarter", site_ids=[156]),
        "GET",
        "/csat?period=last_quarter&site_ids%5B%5D=156",
        None,
        CSAT_BODY,
    ),
    (
        "sites.create",
        lambda c: c.sites.create(
            site_code="hq", name="Head Office", city="Newcastle", region="Tyne and Wear"
        ),
        "POST",
        "/sites",
        {"site_code": "hq", "name": "Head Office", "city": "Newcastle", "region": "Tyne and Wear"},
        SITE,
    ),
    ("sites.get", lambda c: c.sites.get("hq"), "GET", "/sites/hq", None, SITE),
    (
        "sites.update",
        lambda c: c.sites.update("hq", name="Main Office"),
        "PATCH",
        "/sites/hq",
        {"name": "Main Office"},
        {**SITE, "name": "Main Office"},
    ),
    ("sites.list", lambda c: c.sites.list(per_page=2), "GET", "/sites?per_page=2", None, [SITE]),
    ("staff.get", lambda c: c.staff.get(98723), "GET", "/staff/98723", None, STAFF),
    (
        "staff.list",
        lambda c: c.staff.list(email="rod.magnusson@example.com", code="rod-magnusson"),
        "GET",
        "/staff?email=rod.magnusson%40example.com&code=rod-magnusson",
        None,
        [STAFF],
    ),
    ("surveys.list", lambda c: c.surveys.list(), "GET", "/surveys", None, [SURVEY]),
    (
        "email_templates.list",
        lambda c: c.email_templates.list(),
        "GET",
        "/email_templates",
        None,
        [EMAIL_TEMPLATE],
    ),
    (
        "text_message_templates.list",
        lambda c: c.text_message_templates.list(),
        "GET",
        "/text_message_templates",
        None,
        [TEXT_MESSAGE_TEMPLATE],
    ),
]


@pytest.mark.parametrize(
    ("scenario", "method", "target", "sent", "body"),
    [pytest.param(*case[1:], id=case[0]) for case in ENDPOINTS],
)
def test_every_endpoint_sends_the_documented_request(
    mode: str,
    scenario: Callable[[Any], Any],
    method: str,
    target: str,
    sent: Any,
    body: Any,
) -> None:
    twin = Twin(mode, answering(body, 201 if method == "POST" else 200))
    result = twin(scenario)
    (request,) = twin.requests
    assert (request.method, request.url.raw_path.decode()) == (method, target)
    assert request.url.host == "api.customersure.test"
    assert request.headers["Accept"] == "application/vnd.customersure.v1+json"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Authorization"] == f'Token token="{TOKEN}"'
    if sent is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == sent
    items = result if isinstance(body, list) else [result]
    expected = body if isinstance(body, list) else [body]
    assert [type(item).from_json(raw) for item, raw in zip(items, expected, strict=True)] == items
    if isinstance(body, list):
        assert result.total_count == len(body)


def test_results_are_typed_frozen_objects_with_aware_utc_times(mode: str) -> None:
    request = Twin(mode, answering(FEEDBACK_REQUEST))(lambda c: c.feedback_requests.get(1))
    assert isinstance(request, FeedbackRequest)
    assert request.send_at == datetime(2023, 8, 20, 17, tzinfo=UTC)
    # The seed echoes reminders with +0100; the client returns UTC.
    assert request.reminders is not None
    assert request.reminders[0].send_at == datetime(2023, 8, 27, 17, tzinfo=UTC)
    assert request.reminders[0].send_at.tzinfo is UTC
    assert request.data is not None
    assert (request.data[0].key, request.data[0].value) == ("staff_code", "luke")
    with pytest.raises(AttributeError):
        request.email = "x@example.com"  # type: ignore[misc]


def test_feedback_response_nests_its_parts() -> None:
    response = FeedbackResponse.from_json(
        {**FEEDBACK_RESPONSE, "feedback_request": FEEDBACK_REQUEST}
    )
    assert response.fields == {"email": "kate@example.com", "name": "Kate"}
    assert response.answers is not None
    assert (response.answers[0].question_id, response.answers[0].answer) == (12345, "10")
    assert response.survey is not None
    assert (response.survey.id, response.survey.name) == (277, "Post call survey")
    assert response.feedback_request == FeedbackRequest.from_json(FEEDBACK_REQUEST)


def test_metrics_results() -> None:
    assert ResponseRate.from_json(RESPONSE_RATE).response_rate_percent == 50
    assert NPS.from_json(NPS_BODY).net_promoter_score == 70
    assert CSAT.from_json(CSAT_BODY).very_positive_count == 7


def test_unknown_fields_from_a_newer_api_are_kept_in_extra() -> None:
    site = Site.from_json({**SITE, "opened_at": "2024-01-01", "manager": {"id": 1}})
    assert site.extra == {"opened_at": "2024-01-01", "manager": {"id": 1}}
    assert Site.from_json(SITE).extra == {}


def test_missing_fields_are_none_or_their_default_and_ids_are_normalised() -> None:
    # Sites' ids are strings ("111"), surveys' are integers though the list
    # example writes "1"; the seed's staff example writes null as "null";
    # the sites list example leaves out site_type, a response's embedded
    # request its link and parts.
    site = Site.from_json({"id": 111, "site_code": "hq", "name": "HQ", "region": "North"})
    assert (site.id, site.city, site.site_type) == ("111", None, None)
    assert Survey.from_json({**SURVEY, "id": "1"}).id == 1
    assert Staff.from_json({**STAFF, "deactivated_at": "null"}).deactivated_at is None
    embedded = FeedbackRequest.from_json(SEED_EMBEDDED_REQUEST)
    assert (embedded.link, embedded.data, embedded.reminders, embedded.sms) == (None, (), (), None)


@pytest.mark.parametrize(
    ("model", "body", "message"),
    [
        (Site, [], "Site: expected a JSON object"),
        (Site, {"name": "x"}, "Site.id: missing"),
        (Site, {"id": "1", "name": "x", "city": None, "region": "r"}, "Site.site_code: missing"),
        (
            FeedbackRequest,
            {**FEEDBACK_REQUEST, "state": None},
            "FeedbackRequest.state: null, where the API documents a value",
        ),
        (
            FeedbackRequest,
            {**FEEDBACK_REQUEST, "id": "abc"},
            "FeedbackRequest.id: expected an integer",
        ),
        (FeedbackRequest, {**FEEDBACK_REQUEST, "sent_at": "yesterday"}, "expected an ISO 8601"),
        (FeedbackRequest, {**FEEDBACK_REQUEST, "ignore_throttle": "no"}, "expected true or false"),
        (FeedbackResponse, {**FEEDBACK_RESPONSE, "answers": {}}, "expected an array"),
        (NPS, {"net_promoter_score": "70"}, "NPS.net_promoter_score: expected a number"),
    ],
)
def test_a_response_of_the_wrong_shape_names_the_field(model: Any, body: Any, message: str) -> None:
    with pytest.raises(ShapeError, match=re.escape(message)):
        model.from_json(body)
    # The same JSON as a response's bytes: the exact decoder refuses it, the
    # tolerant one names the same field.
    with pytest.raises(ShapeError, match=re.escape(message)):
        wire.decode(model, json.dumps(body).encode())


def paged(pages: int, per_page: int = 2) -> Callable[[httpx.Request], httpx.Response]:
    """A list of pages*per_page sites, paged with Link headers as the seed shows."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        links = [f'<{BASE_URL}/sites?page=1>; rel="first"']
        if page < pages:
            links.append(f'<{BASE_URL}/sites?page={page + 1}>; rel="next"')
        links.append(f'<{BASE_URL}/sites?page={pages}>; rel="last"')
        items = [{**SITE, "id": str((page - 1) * per_page + n)} for n in range(per_page)]
        return json_response(
            items,
            headers={
                "Link": ", ".join(links),
                "X-Total-Pages": str(pages),
                "X-Total-Count": str(pages * per_page),
            },
        )

    return handler


def test_lists_follow_link_next_to_the_end(mode: str) -> None:
    twin = Twin(mode, paged(3))
    sites = twin(lambda c: c.sites.list())
    assert [site.id for site in sites] == ["0", "1", "2", "3", "4", "5"]
    assert sites.total_count == 6
    assert [str(r.url) for r in twin.requests] == [
        f"{BASE_URL}/sites",
        f"{BASE_URL}/sites?page=2",
        f"{BASE_URL}/sites?page=3",
    ]


def test_lists_are_lazy_one_page_at_a_time(mode: str) -> None:
    twin = Twin(mode, paged(50))

    def first_three(client: Any) -> Any:
        paginator = client.sites.list()
        assert paginator.total_count is None  # nothing fetched yet
        if mode == "sync":
            iterator = iter(paginator)
            return [next(iterator).id for _ in range(3)], paginator.total_count

        async def take() -> Any:
            found = []
            async for site in paginator:
                found.append(site.id)
                if len(found) == 3:
                    break
            return found, paginator.total_count

        return take()

    assert twin(first_three) == (["0", "1", "2"], 100)
    assert len(twin.requests) == 2


def test_a_paging_link_to_another_host_is_followed_on_base_url_only(mode: str) -> None:
    # The token goes to base_url's origin only, whatever a Link header says.
    def handler(request: httpx.Request) -> httpx.Response:
        if "page" in request.url.params:
            return json_response([SITE])
        return json_response(
            [SITE], headers={"Link": '<https://evil.test/sites?page=2>; rel="next"'}
        )

    twin = Twin(mode, handler)
    assert len(twin(lambda c: c.sites.list())) == 2
    assert [str(r.url) for r in twin.requests] == [f"{BASE_URL}/sites", f"{BASE_URL}/sites?page=2"]


def test_a_link_back_to_the_same_page_is_a_cycle(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response([SITE], headers={"Link": f'<{BASE_URL}/sites?page=2>; rel="next"'})

    twin = Twin(mode, handler)
    with pytest.raises(InvalidResponseError, match=r"^Link: the next page .*\?page=2 was fetched"):
        twin(lambda c: c.sites.list())
    assert len(twin.requests) == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://a.test/s?page=2>; rel="next"', "https://a.test/s?page=2"),
        (
            '<https://a.test/s?page=1>; rel="first", <https://a.test/s?page=3>; rel=next',
            "https://a.test/s?page=3",
        ),
        ('<https://a.test/s?page=2>; rel="prev next"', "https://a.test/s?page=2"),
        ('<https://a.test/s?page=1>; rel="first", <https://a.test/s?page=1>; rel="last"', None),
        ('<https://a.test/s?page=2>; rel="nextish"', None),
        ("", None),
        ("garbage", None),
    ],
)
def test_next_link(header: str, expected: str | None) -> None:
    from cswidget.api.base import next_link

    assert next_link(header) == expected


def test_survey_params_fill_a_feedback_request(mode: str) -> None:
    # The same SurveyParams the widget renders: email fills `email`, name
    # fills `first_name`, reference/machine_id fill the request's own
    # attributes, the other customer fields, segments and metadata go to data[].
    params = SurveyParams(
        customer={"name": "Kate", "email": "kate@example.com", "company_name": "Acme"},
        segments={"site_code": "hq", "region": "north"},
        metadata={"reference": "INV-2090", "machine_id": "a87ee488", "priority": 2},
    )
    twin = Twin(mode, answering(FEEDBACK_REQUEST, 201))
    twin(
        lambda c: c.feedback_requests.create(
            send_at=FUTURE, survey_id=1484, email_template_id=10, data=params
        )
    )
    assert json.loads(twin.requests[0].content) == {
        "send_at": "2030-08-20T17:00:00Z",
        "survey_id": 1484,
        "email_template_id": 10,
        "email": "kate@example.com",
        "first_name": "Kate",
        "reference": "INV-2090",
        "machine_id": "a87ee488",
        "data": [
            {"key": "company_name", "value": "Acme"},
            {"key": "site_code", "value": "hq"},
            {"key": "region", "value": "north"},
            {"key": "priority", "value": "2"},
        ],
    }


def test_explicit_parameters_win_over_survey_params() -> None:
    from cswidget.api.endpoints import create_feedback_request

    params = SurveyParams(customer={"name": "Kate", "email": "kate@example.com"})
    call = create_feedback_request(
        {
            "email": "orders@example.com",
            "surname": "Smith",
            "send_at": FUTURE,
            "survey_id": 1,
            "email_template_id": 2,
            "data": params,
        }
    )
    assert call.body is not None
    assert (call.body["email"], call.body.get("first_name")) == ("orders@example.com", None)


@pytest.mark.parametrize(
    "data",
    [
        {"staff_code": "luke", "urgent": True},
        [("staff_code", "luke"), ("urgent", True)],
        [{"key": "staff_code", "value": "luke"}, {"key": "urgent", "value": True}],
    ],
)
def test_data_takes_a_mapping_or_pairs(data: Any) -> None:
    from cswidget.api.endpoints import create_feedback_request

    call = create_feedback_request(
        {
            "email": "a@example.com",
            "send_at": FUTURE,
            "survey_id": 1,
            "email_template_id": 2,
            "data": data,
        }
    )
    assert call.body is not None
    assert call.body["data"] == [
        {"key": "staff_code", "value": "luke"},
        {"key": "urgent", "value": "true"},
    ]


def test_period_is_the_seeds_eighteen_names() -> None:
    assert get_args(Period) == DATE_PERIODS
    assert len(DATE_PERIODS) == 18


def test_the_sync_twin_is_generated_from_the_async_code() -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "unasync_api.py"))
    assert script["main"](["--check"]) == 0


def test_the_client_never_shows_its_token() -> None:
    from cswidget.api import Client

    with Client(TOKEN, user_agent=USER_AGENT) as client:
        assert TOKEN not in repr(client)
        assert repr(client) == "Client(base_url='https://api.customersure.com')"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user_agent": ""}, "user_agent: required"),
        ({"user_agent": "Acme\r\nX-Evil: 1"}, "user_agent: required"),
        ({"token": ""}, "token: must be"),
        ({"token": 'a"b'}, "token: must be"),
        ({"token": "tökén"}, "token: must be"),
        ({"user_agent": "Müller GmbH"}, "user_agent: must be ASCII"),
        ({"base_url": "ftp://api.test"}, "base_url: must be an http"),
    ],
)
def test_bad_client_options_fail_at_once(options: dict[str, str], message: str) -> None:
    from cswidget.api import Client

    arguments = {"token": TOKEN, "user_agent": USER_AGENT, **options}
    with pytest.raises(ValueError, match=message):
        Client(**arguments)  # type: ignore[arg-type]


# --- checked before sending --------------------------------------------------


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"sent {request.method} {request.url}")


@pytest.mark.parametrize(
    ("scenario", "errors"),
    [
        (
            lambda c: c.feedback_requests.create(survey_id=1484, send_at="soon"),
            [
                {"resource": R, "field": "email", "error": "required", "extra_info": {}},
                "send_at",
                {
                    "resource": R,
                    "field": "email_template_id",
                    "error": "required",
                    "extra_info": {},
                },
            ],
        ),
        (
            lambda c: c.feedback_requests.create(
                email="not an email",
                send_at=FUTURE,
                survey_id=1,
                email_template_id=1,
                data={"k" * 31: "v"},
            ),
            ["email", "data[0].key"],
        ),
        (
            lambda c: c.sites.create(site_code="hq", name="", region="North"),  # type: ignore[call-arg]
            [{"resource": "/sites/", "field": "name", "error": "required", "extra_info": {}}],
        ),
        (
            lambda c: c.metrics.nps(period="fortnight"),
            [
                {
                    "resource": "/nps",
                    "field": "period",
                    "error": "invalid_value",
                    "extra_info": {"allowed_values": list(DATE_PERIODS)},
                }
            ],
        ),
        (
            lambda c: c.metrics.csat(from_time="last tuesday"),
            ["from_time"],
        ),
        (
            lambda c: c.feedback_requests.list(state="lost"),
            [
                {
                    "resource": "/feedback_requests",
                    "field": "state",
                    "error": "invalid_value",
                    "extra_info": {"allowed_values": ["pending", "sent", "not_sent"]},
                }
            ],
        ),
        (
            lambda c: c.feedback_responses.list(per_page=101),
            [
                {
                    "resource": "/feedback_responses",
                    "field": "per_page",
                    "error": "invalid_value",
                    "extra_info": {"greater_than": 0, "less_than": 101},
                }
            ],
        ),
    ],
)
def test_requests_the_api_would_refuse_fail_locally_and_send_nothing(
    mode: str, scenario: Callable[[Any], Any], errors: list[Any]
) -> None:
    twin = Twin(mode, never)
    with pytest.raises(ValidationError) as caught:
        twin(scenario)
    # Each expected error is the whole entry, or only its field name where
    # the entry's details (a regular expression) are api_rules' to test.
    found = caught.value.to_dict()["errors"]
    assert len(found) == len(errors)
    assert [
        f if isinstance(e, dict) else f["field"] for e, f in zip(errors, found, strict=True)
    ] == errors
    assert caught.value.to_dict()["message"] == "Validation error"
    assert twin.requests == []


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (lambda c: c.feedback_requests.create(colour="red"), "unexpected parameters .*: colour"),
        (lambda c: c.sites.update("hq", colour="red"), "unexpected parameters .*: colour"),
        (lambda c: c.staff.list(team="x"), "unexpected parameters: team"),
        (lambda c: c.sites.get("../staff"), None),
        (lambda c: c.sites.get(".."), "not an id"),
        (lambda c: c.feedback_responses.list(survey_ids="123"), "a list of ids"),
    ],
)
def test_programming_errors_raise_at_once_and_send_nothing(
    mode: str, scenario: Callable[[Any], Any], message: str | None
) -> None:
    if message is None:
        # A path segment is quoted: the id cannot climb out of /sites/.
        twin = Twin(mode, answering(SITE))
        twin(scenario)
        assert twin.requests[0].url.raw_path == b"/sites/..%2Fstaff"
        return
    twin = Twin(mode, never)
    with pytest.raises((TypeError, ValueError), match=message):
        twin(scenario)
    assert twin.requests == []


@pytest.mark.parametrize(
    "name",
    ["cswidget.api.base", "cswidget.api.endpoints", "cswidget.api.models", "cswidget.api.retry"],
)
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
