"""`cswidget.testing.sandbox()`: every client built inside talks to an in-process
sandbox, nothing outside changes, and the handle plays the clock and the customer."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from api_twins import run_async
from cswidget import FieldError, ValidationError
from cswidget.api import (
    APIConnectionError,
    AsyncClient,
    AuthenticationError,
    Client,
    NotFoundError,
)
from cswidget.api.routing import routed_transport
from cswidget.sandbox import DEFAULT_TOKEN
from cswidget.testing import Sandbox, sandbox
from cswidget.testing import transports as transports_module
from cswidget.vocabulary import API_MEDIA_TYPE

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
NPS_QUESTION = "How likely are you to recommend us to a friend?"
# A port nothing listens on: a client that really goes to the network fails.
CLOSED = "http://127.0.0.1:9"


def closed_port_client(**options: Any) -> Client:
    return Client("t", user_agent="Acme Ltd", base_url=CLOSED, max_retries=0, **options)


@pytest.fixture
def sandboxed() -> Iterator[Sandbox]:
    with sandbox(seed="demo", now=NOW) as handle:
        yield handle


def requests_in(client: Client) -> int:
    return len(list(client.feedback_requests.list(per_page=100)))


def sent_request(handle: Sandbox, **params: Any) -> Any:
    """A request sent a minute from NOW, the clock moved there."""
    request = schedule(handle.client, days=0, send_at=NOW + timedelta(minutes=1), **params)
    handle.clock.advance(timedelta(minutes=1))
    return request


def schedule(client: Client, *, days: int = 1, **params: Any) -> Any:
    return client.feedback_requests.create(
        **{
            "email": "kate@example.com",
            "survey_id": 1484,
            "email_template_id": 10,
            "send_at": NOW + timedelta(days=days),
            **params,
        }
    )


# --- routing --------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [None, "https://api.customersure.com", "https://proxy.example/customersure/v1/", CLOSED],
    ids=["default", "the-real-api", "a-path-prefix", "a-closed-port"],
)
def test_a_client_built_inside_talks_to_the_sandbox_whatever_its_base_url(
    sandboxed: Sandbox, base_url: str | None
) -> None:
    options = {} if base_url is None else {"base_url": base_url}
    with Client("any token at all", user_agent="Acme Ltd", max_retries=0, **options) as client:
        assert [site.site_code for site in client.sites.list()] == [
            "edinburgh",
            "leeds",
            "london",
            "newcastle",
        ]
        # Paging follows the sandbox's Link headers back through the same client.
        assert len(list(client.feedback_requests.list(per_page=100))) == 405


@pytest.mark.parametrize("base_url", [None, "https://proxy.example/customersure/"])
def test_an_async_client_built_inside_talks_to_the_sandbox(base_url: str | None) -> None:
    options = {} if base_url is None else {"base_url": base_url}

    async def scenario() -> tuple[str, int]:
        async with (
            sandbox(now=NOW),
            AsyncClient("t", user_agent="Acme Ltd", **options) as client,
        ):
            site = await client.sites.get("leeds")
            count = 0
            async for _ in client.feedback_responses.list(per_page=100):
                count += 1
            return site.name, count

    assert run_async(scenario()) == ("Leeds Briggate", 270)


def test_outside_the_block_nothing_is_routed_and_clients_go_to_the_network() -> None:
    assert routed_transport(httpx.URL("https://api.customersure.com"), httpx.BaseTransport) is None
    with sandbox(now=NOW):
        pass
    with closed_port_client() as client, pytest.raises(APIConnectionError):
        client.sites.get("leeds")


def test_a_client_built_before_the_block_is_not_routed() -> None:
    with closed_port_client() as client, sandbox(now=NOW), pytest.raises(APIConnectionError):
        client.sites.get("leeds")


def test_a_client_given_its_own_transport_keeps_it(sandboxed: Sandbox) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "from the mock"})

    mock = httpx.MockTransport(handler)
    with (
        Client("t", user_agent="Acme Ltd", transport=mock) as client,
        pytest.raises(NotFoundError, match="from the mock"),
    ):
        client.sites.get("leeds")


def test_environment_proxies_do_not_take_a_routed_client_to_the_network(
    sandboxed: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, CLOSED)
    with Client("t", user_agent="Acme Ltd") as client:
        assert client.sites.get("leeds").name == "Leeds Briggate"


def test_a_client_built_in_a_worker_thread_inside_the_block_is_routed(
    sandboxed: Sandbox,
) -> None:
    def in_a_thread() -> str:
        with Client("t", user_agent="Acme Ltd") as client:
            return client.sites.get("newcastle").name

    with ThreadPoolExecutor(2) as pool:
        names = list(pool.map(lambda _: in_a_thread(), range(4)))
    assert names == ["Newcastle Quayside"] * 4


def test_blocks_nest_the_innermost_routes_and_they_may_end_in_any_order() -> None:
    outer = sandbox(seed="demo", now=NOW)
    inner = sandbox(seed="account", now=NOW)
    with outer:
        inner.__enter__()
        with Client("t", user_agent="Acme Ltd") as client:
            assert requests_in(client) == 0  # the inner account's
        outer.__exit__(None, None, None)  # the outer block ends first
        with Client("t", user_agent="Acme Ltd") as client:
            assert requests_in(client) == 0
        inner.__exit__(None, None, None)
    assert routed_transport(httpx.URL(CLOSED), httpx.BaseTransport) is None


def test_a_nested_block_ending_gives_the_outer_one_back(sandboxed: Sandbox) -> None:
    with sandbox(seed="account", now=NOW):
        pass
    with Client("t", user_agent="Acme Ltd") as client:
        assert len(list(client.feedback_requests.list(per_page=100))) == 405


def test_a_client_built_inside_refuses_to_send_after_the_block() -> None:
    with sandbox(now=NOW):
        client = Client("t", user_agent="Acme Ltd")
        assert client.sites.get("leeds").name == "Leeds Briggate"
    with pytest.raises(RuntimeError, match=r"block that has ended; build clients inside"):
        client.sites.get("leeds")

    async def scenario() -> None:
        async with sandbox(now=NOW):
            async_client = AsyncClient("t", user_agent="Acme Ltd")
        await async_client.sites.get("leeds")

    with pytest.raises(RuntimeError, match=r"block that has ended"):
        run_async(scenario())


def test_a_client_of_an_ended_block_refuses_even_when_the_handle_runs_again() -> None:
    handle = sandbox(now=NOW)
    with handle:
        first = Client("t", user_agent="Acme Ltd")
    with handle:
        with pytest.raises(RuntimeError, match="block that has ended"):
            first.sites.get("leeds")
        assert handle.client.sites.get("leeds").name == "Leeds Briggate"


def test_the_handle_is_usable_only_inside_its_block() -> None:
    handle = sandbox(now=NOW)
    with pytest.raises(RuntimeError, match="use it inside its with block"):
        handle.clock.now()
    with handle, pytest.raises(RuntimeError, match="already running"):
        handle.__enter__()
    with pytest.raises(RuntimeError, match="use it inside its with block"):
        assert handle.client


# --- tokens ---------------------------------------------------------------


def raw_get(handle: Sandbox, headers: dict[str, str]) -> httpx.Response:
    transport = transports_module.SandboxTransport(handle.app)
    with httpx.Client(transport=transport, base_url=handle.base_url) as http:
        return http.get("/sites", headers=headers)


def headers(authorization: str) -> dict[str, str]:
    return {"User-Agent": "Acme Ltd", "Accept": API_MEDIA_TYPE, "Authorization": authorization}


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        ('Token token="anything"', 200),
        ("Token token=12345", 200),
        ("", 401),
        ("Bearer anything", 401),
        ("Token anything", 401),
    ],
)
def test_any_token_in_the_apis_syntax_is_accepted_by_default(
    sandboxed: Sandbox, authorization: str, status: int
) -> None:
    assert raw_get(sandboxed, headers(authorization)).status_code == status


def test_with_a_token_only_that_token_is_accepted() -> None:
    with sandbox(now=NOW, token="s3cret") as handle:
        assert handle.token == "s3cret"
        with Client("s3cret", user_agent="Acme Ltd") as client:
            assert client.sites.get("leeds").name == "Leeds Briggate"
        with (
            Client("another", user_agent="Acme Ltd") as client,
            pytest.raises(AuthenticationError) as refused,
        ):
            client.sites.get("leeds")
        assert refused.value.status == 401
        assert handle.client.sites.get("leeds").name == "Leeds Briggate"


def test_the_default_token_is_the_sandboxes(sandboxed: Sandbox) -> None:
    assert (sandboxed.token, sandboxed.base_url) == (DEFAULT_TOKEN, "https://api.customersure.com")


# --- the clock ------------------------------------------------------------


def test_the_clock_starts_at_the_real_time_on_entry_and_stays_there() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    with sandbox() as handle:
        after = datetime.now(UTC)
        started = handle.clock.now()
        assert before <= started <= after
        request = schedule(handle.client, days=0, send_at=started + timedelta(hours=1))
        assert request.created_at == started
        assert handle.clock.now() == started


def test_the_clock_moves_by_advance_and_set_naive_meaning_utc(sandboxed: Sandbox) -> None:
    assert sandboxed.clock.now() == NOW
    assert sandboxed.clock.advance(timedelta(hours=2, microseconds=500)) == NOW + timedelta(hours=2)
    assert sandboxed.clock.set(datetime(2024, 6, 1, 12)) == datetime(2024, 6, 1, 12, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    assert sandboxed.clock.set(datetime(2024, 6, 1, 12, tzinfo=plus_two)) == datetime(
        2024, 6, 1, 10, tzinfo=UTC
    )
    assert sandboxed.clock.advance(timedelta(days=-1)) == datetime(2024, 5, 31, 10, tzinfo=UTC)
    # The API's own clock is the same one.
    assert schedule(sandboxed.client, days=60).created_at == datetime(2024, 5, 31, 10, tzinfo=UTC)


def test_moving_the_clock_past_send_at_sends_requests_and_reminders(sandboxed: Sandbox) -> None:
    client = sandboxed.client
    remind = [
        {"send_at": NOW + timedelta(days=3), "email_template_id": 11},
        {"send_at": NOW + timedelta(days=5), "email_template_id": 12},
    ]
    kate = schedule(client, days=1, reference="KATE", reminders=remind)
    sam = schedule(client, days=1, email="sam@example.com", reference="SAM", reminders=remind)
    later = schedule(client, days=2, email="later@example.com")
    assert (kate.state, kate.sent_at) == ("pending", None)

    sandboxed.clock.advance(timedelta(days=1))
    kate, later = client.feedback_requests.get(kate.id), client.feedback_requests.get(later.id)
    assert (kate.state, kate.sent_at, kate.updated_at) == ("sent", kate.send_at, kate.send_at)
    assert (later.state, later.sent_at) == ("pending", None)
    assert [r.sent_at for r in kate.reminders] == [None, None]

    sandboxed.respond(kate, answers={NPS_QUESTION: 9})
    sandboxed.clock.advance(timedelta(days=2))  # the first reminders are due
    kate, sam = client.feedback_requests.get(kate.id), client.feedback_requests.get(sam.id)
    # Sam never replied: reminded. Kate replied: not reminded, and why.
    assert [(r.sent_at, r.not_sent_reason) for r in sam.reminders] == [
        (NOW + timedelta(days=3), None),
        (None, None),
    ]
    assert [(r.sent_at, r.not_sent_reason) for r in kate.reminders] == [
        (None, "Customer has already replied"),
        (None, None),
    ]
    assert client.feedback_requests.get(later.id).state == "sent"


def test_moving_the_clock_back_unsends_nothing(sandboxed: Sandbox) -> None:
    request = schedule(sandboxed.client, days=1)
    sandboxed.clock.advance(timedelta(days=2))
    sandboxed.clock.set(NOW)
    assert sandboxed.client.feedback_requests.get(request.id).state == "sent"
    # Of the seed's five pending requests (due 1 to 5 days after NOW), the
    # two due within those two days stay sent.
    assert len(sandboxed.feedback_requests(state="pending")) == 3


def test_the_seed_is_as_of_the_frozen_now(sandboxed: Sandbox) -> None:
    pending = sandboxed.feedback_requests(state="pending")
    assert [request.send_at for request in pending] == [
        NOW + timedelta(days=days) for days in (5, 4, 3, 2, 1)
    ]
    sandboxed.clock.advance(timedelta(days=2, seconds=1))
    assert len(sandboxed.feedback_requests(state="pending")) == 3


# --- playing the customer -------------------------------------------------


def test_respond_files_the_response_as_the_survey_page_does() -> None:
    with sandbox(seed="account", now=NOW) as handle:
        request = schedule(
            handle.client,
            first_name="Kate",
            surname="Jones",
            reference="ORDER-1042",
            machine_id="42",
            data={"site_code": "leeds", "staff_code": "luke", "basket": "42.50"},
        )
        handle.clock.advance(timedelta(days=1))
        response = handle.respond(
            request,  # still says "pending": respond reads the request again
            answers={
                NPS_QUESTION: 10,
                "14842": 4,
                14843: "Billing",
                "Is there anything else you'd like to tell us?": "Quick & kind",
            },
        )
        assert response == handle.client.feedback_responses.get(response.id)
        assert (response.reference, response.machine_id, response.submitted_at) == (
            "ORDER-1042",
            "42",
            NOW + timedelta(days=1),
        )
        assert dict(response.fields) == {
            "email": "kate@example.com",
            "name": "Kate Jones",
            "site_code": "leeds",
            "staff_code": "luke",
            "basket": "42.50",
        }
        assert [(a.question_id, a.answer, a.type) for a in response.answers] == [
            (14841, "10", "Rating"),
            (14842, "4", "Rating"),
            (14843, "Billing", "Dropdown"),
            (14844, "Quick & kind", "Text"),
        ]
        assert response.feedback_request is not None
        assert response.feedback_request.id == request.id
        # The metrics see it: one promoter is an NPS of 100, one 4 a CSAT of 100.
        nps = handle.client.metrics.nps(period="7-days")
        assert (nps.net_promoter_score, nps.total_number_of_ratings) == (100.0, 1)
        assert handle.client.metrics.csat(period="7-days").total_number_of_ratings == 1
        leeds = handle.client.sites.get("leeds")
        assert handle.responses(site_ids=[leeds.id]) == [response]


def test_respond_takes_submitted_at_and_a_request_id() -> None:
    with sandbox(seed="account", now=NOW) as handle:
        request = sent_request(handle)
        at = datetime(2024, 5, 1, 10, 30)
        response = handle.respond(request.id, answers={14841: 0}, submitted_at=at)
        assert response.submitted_at == at.replace(tzinfo=UTC)
        assert [a.answer for a in response.answers] == ["0", None, None, None]


def test_respond_refuses_a_request_not_sent_yet(sandboxed: Sandbox) -> None:
    request = schedule(sandboxed.client, days=1)
    with pytest.raises(ValidationError) as refused:
        sandboxed.respond(request, answers={NPS_QUESTION: 9})
    assert refused.value.errors == (
        FieldError(
            f"/feedback_requests/{request.id}",
            "state",
            "invalid_value",
            {
                "allowed_values": ["sent"],
                "message": "pending: not sent yet (send_at 2024-05-02T09:00:00Z, "
                "clock 2024-05-01T09:00:00Z); advance the clock",
            },
        ),
    )
    with pytest.raises(LookupError, match="no feedback request 999 in this sandbox"):
        sandboxed.respond(999, answers={})


# Answers the survey page refuses, as respond() writes them and as the page's
# form posts them: the same check (cswidget.sandbox.answers) says no to both.
REFUSED: list[tuple[dict[int | str, object], dict[str, list[str]], str, str, dict[str, Any]]] = [
    (
        {14841: 11},
        {"q14841": ["11"]},
        "q14841",
        "invalid_value",
        {"allowed_values": [str(n) for n in range(11)]},
    ),
    (
        {14842: 0},
        {"q14842": ["0"]},
        "q14842",
        "invalid_value",
        {"allowed_values": ["1", "2", "3", "4", "5"]},
    ),
    (
        {14843: "Refunds"},
        {"q14843": ["Refunds"]},
        "q14843",
        "invalid_value",
        {"allowed_values": ["Billing", "Delivery", "Returns", "Technical"]},
    ),
    (
        {14844: "x" * 2001},
        {"q14844": ["x" * 2001]},
        "q14844",
        "wrong_length",
        {"maximum": 2000},
    ),
]


@pytest.mark.parametrize(("answers", "form", "field", "error", "extra"), REFUSED)
def test_respond_and_the_survey_page_refuse_the_same_answers(
    sandboxed: Sandbox,
    answers: dict[int | str, object],
    form: dict[str, list[str]],
    field: str,
    error: str,
    extra: dict[str, Any],
) -> None:
    request = sent_request(sandboxed)
    path = httpx.URL(request.link or "").path
    with pytest.raises(ValidationError) as refused:
        sandboxed.respond(request, answers=answers)
    assert refused.value.errors == (FieldError(path, field, error, extra),)
    transport = transports_module.SandboxTransport(sandboxed.app)
    with httpx.Client(transport=transport, base_url=sandboxed.base_url) as browser:
        page = browser.post(path, data=form)
    assert page.status_code == 422
    assert f"<li>{refused.value.errors[0].message}</li>" in page.text.replace("&#39;", "'")
    assert sandboxed.responses(reference=None, email="kate@example.com") == []


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({14841: "9"}, "q14841", "a Rating question takes an int, not str '9'"),
        ({14841: True}, "q14841", "a Rating question takes an int, not bool True"),
        ({14844: 5}, "q14844", "a Text question takes a str, not int 5"),
        (
            {14843: ["Billing"]},
            "q14843",
            "a Dropdown question takes a str (one of its options), not list ['Billing']",
        ),
        ({99: 1}, "answers[99]", "names no question of this survey (an id, or its exact text)"),
        (
            {"How was it?": 1},
            "answers['How was it?']",
            "names no question of this survey (an id, or its exact text)",
        ),
        ({14841: 9, NPS_QUESTION: 9}, "q14841", "answered twice"),
    ],
)
def test_respond_refuses_answers_of_the_wrong_kind(
    sandboxed: Sandbox, answers: dict[int | str, object], field: str, message: str
) -> None:
    request = sent_request(sandboxed)
    with pytest.raises(ValidationError) as refused:
        sandboxed.respond(request, answers=answers)
    [problem] = refused.value.errors
    assert (problem.field, problem.error, problem.extra_info["message"]) == (
        field,
        "invalid_value",
        message,
    )


def test_checkbox_answers_are_lists_of_options(sandboxed: Sandbox) -> None:
    # Survey 277 has a checkbox question, 12348.
    request = sent_request(sandboxed, survey_id=277)
    response = sandboxed.respond(request, answers={12348: ["Delivery", "Website"], 12346: "han"})
    assert [a.answer for a in response.answers] == [None, "han", None, "Delivery, Website", None]
    with pytest.raises(ValidationError) as refused:
        sandboxed.respond(request, answers={12348: ["Delivery", "Delivery"]})
    assert refused.value.errors[0].extra_info == {"message": "an option chosen twice"}


# --- looking --------------------------------------------------------------


def test_lists_narrow_by_the_apis_filters_and_by_attributes(sandboxed: Sandbox) -> None:
    requests = sandboxed.feedback_requests()
    assert len(requests) == 405
    assert requests == list(sandboxed.client.feedback_requests.list(per_page=100))
    assert {r.state for r in sandboxed.feedback_requests(state="pending")} == {"pending"}
    assert [r.reference for r in sandboxed.feedback_requests(reference="#5007")] == ["#5007"]
    assert len(sandboxed.feedback_requests(survey_id=277)) == 134
    responses = sandboxed.responses(survey_ids=[277])
    assert {r.survey.id for r in responses} == {277}
    first = responses[-1]
    assert first.fields["email"] is not None
    assert sandboxed.responses(email=first.fields["email"].upper()) == [first]
    assert sandboxed.responses(id=first.id) == [first]
    with pytest.raises(TypeError, match="FeedbackRequest has no filter or attribute 'colour'"):
        sandboxed.feedback_requests(colour="blue")


def test_reset_goes_back_to_the_seed_and_the_start_of_the_clock(sandboxed: Sandbox) -> None:
    client = sandboxed.client
    request = schedule(client, days=1)
    sandboxed.clock.advance(timedelta(days=1))
    sandboxed.respond(request, answers={14841: 9})
    sandboxed.reset()
    assert sandboxed.clock.now() == NOW
    assert len(sandboxed.feedback_requests()) == 405
    assert sandboxed.responses(email="kate@example.com") == []
    with Client("t", user_agent="Acme Ltd") as fresh:
        assert requests_in(fresh) == 405
    assert requests_in(client) == 405  # the handle's own client too


@pytest.mark.parametrize(("seed", "requests", "sites"), [("demo", 405, 4), ("account", 0, 4)])
def test_seeds(seed: str, requests: int, sites: int) -> None:
    with sandbox(seed=seed, now=NOW) as handle:
        assert requests_in(handle.client) == requests
        assert len(list(handle.client.sites.list())) == sites


def test_no_seed_is_an_empty_database_and_an_unknown_seed_is_refused() -> None:
    with sandbox(seed=None, now=NOW) as handle:
        assert list(handle.client.surveys.list()) == []
    with pytest.raises(ValueError, match="Unsupported seed 'full', must be one of: demo, account"):
        sandbox(seed="full").__enter__()


def test_each_block_starts_from_its_own_copy() -> None:
    with sandbox(now=NOW) as first:
        schedule(first.client)
        assert requests_in(first.client) == 406
    with sandbox(now=NOW) as second:
        assert requests_in(second.client) == 405


def test_links_and_link_headers_name_the_base_url() -> None:
    with sandbox(now=NOW, base_url="https://eu.customersure.example/") as handle:
        request = schedule(handle.client)
        assert (request.link or "").startswith("https://eu.customersure.example/r/")
        transport = transports_module.SandboxTransport(handle.app)
        with httpx.Client(transport=transport, base_url="http://anything.test") as http:
            listed = http.get("/feedback_requests?per_page=2", headers=headers("Token token=x"))
        assert (
            "<https://eu.customersure.example/feedback_requests?per_page=2&snapshot=406&after=405"
            '&page=2>; rel="next"'
        ) in listed.headers["link"]


# --- the app, and async code --------------------------------------------


def test_the_app_mounts_beside_your_own(sandboxed: Sandbox) -> None:
    site = Starlette(routes=[Mount("/customersure", app=sandboxed.app)])

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=site)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            return await http.get("/customersure/sites/leeds", headers=headers("Token token=x"))

    response = run_async(call())
    assert (response.status_code, response.json()["name"]) == (200, "Leeds Briggate")


def test_async_with_and_the_async_client() -> None:
    async def scenario() -> tuple[str, str, int]:
        async with sandbox(now=NOW) as handle:
            site = await handle.async_client.sites.get("leeds")
            # The handle's plain methods work inside a running loop too.
            pending = handle.feedback_requests(state="pending")
            handle.clock.advance(timedelta(days=1))
            response = handle.respond(pending[-1], answers={14841: 7})
            fetched = await handle.async_client.feedback_responses.get(response.id)
            return site.name, fetched.answers[0].answer or "", len(pending)

    assert run_async(scenario()) == ("Leeds Briggate", "7", 5)


def test_a_sync_client_inside_a_running_loop_uses_the_shared_loop(sandboxed: Sandbox) -> None:
    async def inside() -> tuple[str, str]:
        with Client("t", user_agent="Acme Ltd") as client:
            return client.sites.get("leeds").name, threading.current_thread().name

    name, thread = run_async(inside())
    assert name == "Leeds Briggate"
    assert transports_module._loop_thread is not None
    assert transports_module._loop_thread.name == "cswidget.testing sandbox loop"
    assert thread != transports_module._loop_thread.name


def test_a_sync_client_runs_the_app_on_its_threads_own_loop_closed_with_the_thread(
    sandboxed: Sandbox,
) -> None:
    def in_a_thread() -> tuple[str, asyncio.AbstractEventLoop]:
        with Client("t", user_agent="Acme Ltd") as client:
            name = client.sites.get("leeds").name
        return name, transports_module._thread_loops.own.loop

    thread = ThreadPoolExecutor(1)
    name, loop = thread.submit(in_a_thread).result()
    assert (name, loop.is_closed()) == ("Leeds Briggate", False)
    assert loop is not transports_module._loop
    thread.shutdown()  # the thread ends, and its loop is closed with it
    gc.collect()
    assert loop.is_closed()
