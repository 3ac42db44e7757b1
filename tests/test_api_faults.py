"""cswidget.api under faults: error statuses, retries, redirects and responses
that are not the API's, through both clients. Retries sleep on a fake clock
(`twin.sleeps`), so none of this waits for real."""

from __future__ import annotations

import pickle
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import cswidget
from api_twins import BASE_URL, MODES, NOW, TOKEN, Twin, json_response, run_async
from cswidget.api import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from cswidget.api.retry import parse_retry_after
from cswidget.openapi import FEEDBACK_REQUEST

SITE = {"id": "111", "site_code": "hq", "name": "Head Office", "region": "North"}
NO_JITTER = RetryPolicy(jitter=0)
JSON = {"Content-Type": "application/json"}
UA_MESSAGE = "Missing or invalid User Agent string"
FUTURE = "2030-08-20T18:00:00Z"


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def replies(*answers: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that gives these answers in turn (an exception is raised)."""
    queue: Iterator[httpx.Response | Exception] = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        # A fresh copy: parametrized responses serve both clients in turn.
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    return handler


def get_site(client: Any) -> Any:
    return client.sites.get("hq")


def create_request(client: Any) -> Any:
    return client.feedback_requests.create(
        email="kate@example.com", send_at=FUTURE, survey_id=1, email_template_id=2
    )


# --- errors per status -------------------------------------------------------

VALIDATION_BODY = {
    "message": "Validation error",
    "errors": [
        {
            "resource": "/feedback_requests/",
            "field": "survey_id",
            "error": "invalid_value",
            "extra_info": {"message": "not one of your surveys"},
        }
    ],
}


@pytest.mark.parametrize(
    ("response", "error_class", "text"),
    [
        (
            json_response({"message": "Problems parsing JSON"}, 400),
            BadRequestError,
            "400 Problems parsing JSON",
        ),
        (
            httpx.Response(401, headers={"WWW-Authenticate": 'Token realm="Application"'}),
            AuthenticationError,
            "401 Unauthorized (no content type response, not the API's JSON)",
        ),
        (json_response({"message": UA_MESSAGE}, 403), PermissionDeniedError, f"403 {UA_MESSAGE}"),
        (json_response({"message": "Not found"}, 404), NotFoundError, "404 Not found"),
        (
            json_response({"message": "Too many requests"}, 429),
            RateLimitError,
            "429 Too many requests",
        ),
        (json_response({"message": "Internal error"}, 500), ServerError, "500 Internal error"),
        (json_response({"message": "I'm a teapot"}, 418), APIError, "418 I'm a teapot"),
    ],
)
def test_each_status_has_its_error_class(
    mode: str, response: httpx.Response, error_class: type[APIError], text: str
) -> None:
    twin = Twin(mode, replies(response), max_retries=0)
    with pytest.raises(error_class) as caught:
        twin(create_request)  # a POST: never retried, whatever the status
    assert type(caught.value) is error_class
    assert str(caught.value) == text
    assert caught.value.status == response.status_code
    assert caught.value.response is not None


def test_a_422_is_a_cswidget_validation_error_with_the_apis_body(mode: str) -> None:
    twin = Twin(mode, replies(json_response(VALIDATION_BODY, 422)))
    with pytest.raises(cswidget.ValidationError) as caught:
        twin(create_request)
    assert isinstance(caught.value, APIError)
    assert caught.value.to_dict() == VALIDATION_BODY
    assert caught.value.fields == ("survey_id",)
    assert str(caught.value) == (
        "Validation error; survey_id: invalid_value (message: 'not one of your surveys')"
    )


def test_a_403_says_which_parameters_were_unpermitted(mode: str) -> None:
    body = {"message": "Unpermitted parameters: colour, sms.colour"}
    twin = Twin(mode, replies(json_response(body, 403)))
    with pytest.raises(PermissionDeniedError) as caught:
        twin(get_site)
    assert caught.value.unpermitted_parameters == ("colour", "sms.colour")
    assert not caught.value.missing_user_agent


def test_a_403_that_lists_its_parameters_names_them_from_the_list(mode: str) -> None:
    body = {"message": "Unpermitted parameters: a, b", "unpermitted_parameters": ["a, b", "c"]}
    twin = Twin(mode, replies(json_response(body, 403)))
    with pytest.raises(PermissionDeniedError) as caught:
        twin(get_site)
    assert caught.value.unpermitted_parameters == ("a, b", "c")


def test_a_403_for_the_user_agent_says_so(mode: str) -> None:
    body = {"message": "Missing or invalid User Agent string"}
    twin = Twin(mode, replies(json_response(body, 403)))
    with pytest.raises(PermissionDeniedError) as caught:
        twin(get_site)
    assert caught.value.missing_user_agent
    assert caught.value.unpermitted_parameters == ()


def test_errors_pickle_without_their_response() -> None:
    error = NotFoundError("Not found", status=404)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.status, copy.message) == (NotFoundError, 404, "Not found")


# --- responses that are not the API's ---------------------------------------


PROXY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@pytest.mark.parametrize(
    ("response", "error_class", "text"),
    [
        (
            httpx.Response(200, content=b'{"id": "111", "name": "Hea', headers=JSON),
            InvalidResponseError,
            "200 the response is not valid JSON",
        ),
        (
            httpx.Response(200, text="id=111", headers={"Content-Type": "text/plain"}),
            InvalidResponseError,
            "200 expected JSON, got text/plain",
        ),
        (
            httpx.Response(200, content=b"{}"),
            InvalidResponseError,
            "200 expected JSON, got no content type",
        ),
        (
            httpx.Response(502, html=PROXY_PAGE),
            ServerError,
            "502 Bad Gateway (text/html response, not the API's JSON)",
        ),
        (
            httpx.Response(404, html="<h1>Not Found</h1>"),
            NotFoundError,
            "404 Not Found (text/html response, not the API's JSON)",
        ),
        (
            json_response(["not", "an", "object"]),
            InvalidResponseError,
            "200 Site: expected a JSON object",
        ),
    ],
)
def test_a_response_that_is_not_the_apis_json_is_a_clear_error(
    mode: str, response: httpx.Response, error_class: type[APIError], text: str
) -> None:
    # max_retries=0: a 502 would be retried otherwise (see below).
    twin = Twin(mode, replies(response), max_retries=0)
    with pytest.raises(error_class) as caught:
        twin(get_site)
    assert str(caught.value).startswith(text)


# --- retries -----------------------------------------------------------------


def test_a_503_then_success_is_retried_with_backoff(mode: str) -> None:
    twin = Twin(
        mode,
        replies(
            json_response({"message": "down"}, 503),
            json_response({"message": "down"}, 503),
            json_response(SITE),
        ),
        retry=RetryPolicy(max_retries=2, jitter=0, initial_delay=0.5),
    )
    assert twin(get_site).name == "Head Office"
    assert twin.sleeps == [0.5, 1.0]
    assert len(twin.requests) == 3


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retries_stop_at_max_retries_and_raise_the_last_error(mode: str, status: int) -> None:
    twin = Twin(
        mode,
        replies(*[json_response({"message": "busy"}, status)] * 4),
        retry=RetryPolicy(max_retries=3, jitter=0, initial_delay=1, max_delay=3),
    )
    with pytest.raises(APIError) as caught:
        twin(get_site)
    assert caught.value.status == status
    assert twin.sleeps == [1, 2, 3]  # 1, 2, 4 capped at max_delay
    assert len(twin.requests) == 4


@pytest.mark.parametrize(
    ("retry_after", "slept"),
    [
        ("7", 7.0),
        ("0", 0.0),
        # An HTTP date, measured from the client's clock (NOW = 07:28:00 GMT).
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # already past
        ("soon", 0.5),  # unreadable: the backoff
    ],
)
def test_a_429_waits_for_retry_after(mode: str, retry_after: str, slept: float) -> None:
    twin = Twin(
        mode,
        replies(
            json_response({"message": "slow down"}, 429, {"Retry-After": retry_after}),
            json_response(SITE),
        ),
        retry=NO_JITTER,
    )
    assert twin(get_site).site_code == "hq"
    assert twin.sleeps == [slept]


def test_a_retry_after_beyond_the_policys_limit_fails_at_once(mode: str) -> None:
    twin = Twin(
        mode,
        replies(json_response({"message": "slow down"}, 429, {"Retry-After": "3600"})),
        retry=RetryPolicy(max_retry_after=60),
    )
    with pytest.raises(RateLimitError) as caught:
        twin(get_site)
    assert caught.value.retry_after == 3600.0
    assert twin.sleeps == []


@pytest.mark.parametrize(
    "fault",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    ],
)
def test_connection_errors_and_timeouts_of_a_get_are_retried(mode: str, fault: Exception) -> None:
    twin = Twin(mode, replies(fault, json_response(SITE)), retry=NO_JITTER)
    assert twin(get_site).id == "111"
    assert twin.sleeps == [0.5]


def test_a_timeout_that_persists_is_an_api_timeout_error(mode: str) -> None:
    twin = Twin(mode, replies(*[httpx.ReadTimeout("timed out")] * 3), retry=NO_JITTER)
    with pytest.raises(APITimeoutError) as caught:
        twin(get_site)
    assert isinstance(caught.value, APIConnectionError)
    assert str(caught.value) == f"GET {BASE_URL}/sites/hq: timed out (ReadTimeout)"
    assert caught.value.status is None
    assert twin.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    "answer",
    [
        json_response({"message": "busy"}, 503),
        json_response({"message": "slow down"}, 429, {"Retry-After": "1"}),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
    ],
)
def test_post_feedback_requests_is_never_retried(
    mode: str, answer: httpx.Response | Exception
) -> None:
    # No idempotency key: a retry could email the customer twice.
    twin = Twin(mode, replies(answer, json_response({"id": 1}, 201)), max_retries=5)
    with pytest.raises(APIError):
        twin(create_request)
    assert len(twin.requests) == 1
    assert twin.sleeps == []


def sites_get_from(url: str, mode: str, **options: Any) -> Any:
    """`sites.get("hq")` from a real client on `url`, without a transport."""
    options = {"user_agent": "Acme Ltd", "base_url": url, **options}
    if mode == "sync":
        with Client(TOKEN, **options) as client:
            return client.sites.get("hq")

    async def get() -> Any:
        async with AsyncClient(TOKEN, **options) as client:
            return await client.sites.get("hq")

    return run_async(get())


def test_a_server_that_never_answers_times_out_for_real(mode: str) -> None:
    # A real socket: the kernel accepts the connection, nobody ever answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(APITimeoutError, match=r"GET http://127.0.0.1:\d+/sites/hq: timed out"):
            sites_get_from(url, mode, timeout=0.2, max_retries=0)


def test_too_many_redirects_is_a_connection_error(mode: str) -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": f"{BASE_URL}/sites/hq"})

    twin = Twin(mode, loop)
    with pytest.raises(APIConnectionError, match="TooManyRedirects"):
        twin(get_site)
    assert twin.sleeps == []


def test_retry_policy_delays_are_data() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8, jitter=0.25)
    assert [policy.delay(attempt=n, retry_after=None, random=0.0) for n in range(6)] == [
        0.5, 1.0, 2.0, 4.0, 8.0, 8.0,
    ]  # fmt: skip
    assert policy.delay(attempt=0, retry_after=None, random=1.0) == 0.375  # 25% jitter
    assert policy.delay(attempt=3, retry_after=12.0, random=0.5) == 12.0
    assert policy.delay(attempt=3, retry_after=61.0, random=0.5) is None
    assert policy.retries("GET", attempt=1)
    assert not policy.retries("GET", attempt=2)
    assert not policy.retries("POST", attempt=0)
    assert not policy.retries("PATCH", attempt=0)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
        ("Wednesday, 21-Oct-15 07:28:10 GMT", 10.0),
        ("-5", None),
        ("1.5", None),
        ("", None),
        (None, None),
        ("٣", None),  # a non-ASCII digit
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


# --- redirects ---------------------------------------------------------------


def test_a_redirect_on_the_same_host_is_followed_with_the_token(mode: str) -> None:
    twin = Twin(
        mode,
        replies(
            httpx.Response(301, headers={"Location": f"{BASE_URL}/sites/111"}),
            json_response(SITE),
        ),
    )
    assert twin(get_site).id == "111"
    assert [r.headers.get("Authorization") for r in twin.requests] == [f'Token token="{TOKEN}"'] * 2


def test_a_redirect_to_another_host_does_not_carry_the_token(mode: str) -> None:
    twin = Twin(
        mode,
        replies(
            httpx.Response(307, headers={"Location": "https://elsewhere.test/sites/hq"}),
            json_response(SITE),
        ),
    )
    assert twin(get_site).id == "111"
    first, second = twin.requests
    assert second.url.host == "elsewhere.test"
    assert first.headers["Authorization"] == f'Token token="{TOKEN}"'
    assert "Authorization" not in second.headers
    assert TOKEN not in repr(dict(second.headers))


def test_a_redirect_from_https_to_http_does_not_carry_the_token(mode: str) -> None:
    twin = Twin(
        mode,
        replies(
            httpx.Response(301, headers={"Location": "http://api.customersure.test/sites/hq"}),
            json_response(SITE),
        ),
    )
    assert twin(get_site).id == "111"
    assert [r.url.scheme for r in twin.requests] == ["https", "http"]
    assert "Authorization" not in twin.requests[1].headers


def test_a_307_repeats_a_post_with_its_body(mode: str) -> None:
    twin = Twin(
        mode,
        replies(
            httpx.Response(307, headers={"Location": f"{BASE_URL}/v1/feedback_requests"}),
            json_response(FEEDBACK_REQUEST.to_json(), 201),
        ),
    )
    assert twin(create_request) == FEEDBACK_REQUEST
    first, second = twin.requests
    assert (second.method, second.url.path) == ("POST", "/v1/feedback_requests")
    assert second.content == first.content
    assert second.headers["Authorization"] == f'Token token="{TOKEN}"'
