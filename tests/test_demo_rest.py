"""The demo's Feedback Responses API follows the CustomerSure API's rules:
headers, errors, shape, order and pagination."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from demo_site.app import create_app
from demo_site.responses import ResponseStore
from demo_site.rest import DEMO_API_TOKEN, MEDIA_TYPE

from demo_forms import form_session
from livesrv import serve

HEADERS = {
    "Accept": MEDIA_TYPE,
    "User-Agent": "Acme Ltd",
    "Authorization": f"Token token={DEMO_API_TOKEN}",
}
START = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    # A clock a minute apart per response: submitted_at is predictable.
    minutes = itertools.count()
    store = ResponseStore(clock=lambda: START + timedelta(minutes=next(minutes)))
    with serve(create_app(responses=store)) as url:
        # The survey form carries a CSRF token that goes with the cookie the page sets.
        browser, token = form_session(url + "/sandbox/acme/Chk0ut2166x")
        for comment in ("first", "second", "third"):
            sent = browser.post(
                url + "/sandbox/acme/Chk0ut2166x",
                data={
                    "csrf_token": token,
                    "survey_params": '{"email":"kate@example.com","reference":"ORDER-1"}',
                    "customer.email": "kate@example.com",
                    "q22001": "10",
                    "q22002": comment,
                },
            )
            assert sent.status_code == 200
        browser.close()
        yield url


def get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers={**HEADERS, **headers})


def response_json(response_id: int, minute: int, comment: str) -> dict[str, object]:
    return {
        "id": response_id,
        "reference": "ORDER-1",
        "machine_id": None,
        "fields": {"email": "kate@example.com"},
        "answers": [
            {
                "question_id": 22001,
                "question": "How easy was it to check out?",
                "answer": "10",
                "type": "Rating",
            },
            {"question_id": 22002, "question": "Any comments?", "answer": comment, "type": "Text"},
        ],
        "submitted_at": f"2024-05-01T09:3{minute}:00Z",
        "feedback_request": None,
        "survey": {"id": 2166, "name": "Checkout survey"},
    }


def test_get_one_response_in_the_api_shape(base_url: str) -> None:
    response = get(base_url + "/feedback_responses/1001")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == response_json(1001, 0, "first")


def test_list_is_newest_first_with_the_api_headers(base_url: str) -> None:
    response = get(base_url + "/feedback_responses")
    assert response.status_code == 200
    assert response.json() == [
        response_json(1003, 2, "third"),
        response_json(1002, 1, "second"),
        response_json(1001, 0, "first"),
    ]
    assert response.headers["X-Total-Pages"] == "1"
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["Link"] == (
        f'<{base_url}/feedback_responses?page=1>; rel="first", '
        f'<{base_url}/feedback_responses?page=1>; rel="last"'
    )


def test_pages_link_to_first_last_next_and_prev(base_url: str) -> None:
    first = get(base_url + "/feedback_responses?per_page=2")
    second = get(base_url + "/feedback_responses?per_page=2&page=2")
    assert [r["id"] for r in first.json()] == [1003, 1002]
    assert [r["id"] for r in second.json()] == [1001]
    assert first.headers["X-Total-Pages"] == second.headers["X-Total-Pages"] == "2"
    assert first.headers["X-Total-Count"] == second.headers["X-Total-Count"] == "3"
    page = f"{base_url}/feedback_responses?per_page=2&page="
    assert first.headers["Link"] == (
        f'<{page}1>; rel="first", <{page}2>; rel="last", <{page}2>; rel="next"'
    )
    assert second.headers["Link"] == (
        f'<{page}1>; rel="first", <{page}2>; rel="last", <{page}1>; rel="prev"'
    )


def test_per_page_is_capped_at_100(base_url: str) -> None:
    response = get(base_url + "/feedback_responses?per_page=500")
    assert response.status_code == 200
    assert len(response.json()) == 3
    assert response.headers["X-Total-Pages"] == "1"


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=-1"])
def test_bad_paging_is_a_validation_error(base_url: str, query: str) -> None:
    name = query.partition("=")[0]
    response = get(f"{base_url}/feedback_responses?{query}")
    assert response.status_code == 422
    assert response.json() == {
        "message": "Validation error",
        "errors": [
            {
                "resource": "/feedback_responses",
                "field": name,
                "error": "invalid_format",
                "extra_info": {"valid_format": "^[1-9][0-9]*$", "minimum": 1},
            }
        ],
    }


@pytest.mark.parametrize("path", ["/feedback_responses/999", "/feedback_responses/abc"])
def test_unknown_id_is_a_404(base_url: str, path: str) -> None:
    response = get(base_url + path)
    assert response.status_code == 404
    assert response.json() == {"message": "Not found"}


@pytest.mark.parametrize("path", ["/feedback_responses", "/feedback_responses/1001"])
def test_missing_user_agent_is_a_403(base_url: str, path: str) -> None:
    response = get(base_url + path, **{"User-Agent": ""})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"message": "Missing or invalid User Agent string"}


@pytest.mark.parametrize(
    "authorization",
    ["", "Token token=wrong", f"Bearer {DEMO_API_TOKEN}", f"Token {DEMO_API_TOKEN}"],
)
def test_missing_or_wrong_token_is_a_401(base_url: str, authorization: str) -> None:
    response = get(base_url + "/feedback_responses", Authorization=authorization)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Token realm="Application"'
    assert response.json() == {"message": "No valid API key provided in Authorization header"}


@pytest.mark.parametrize(
    "authorization", [f"Token token={DEMO_API_TOKEN}", f'Token token="{DEMO_API_TOKEN}"']
)
def test_both_documented_token_forms_are_accepted(base_url: str, authorization: str) -> None:
    assert get(base_url + "/feedback_responses", Authorization=authorization).status_code == 200


@pytest.mark.parametrize("accept", ["", "application/json", "application/vnd.customersure.v2+json"])
def test_accept_header_must_name_v1(base_url: str, accept: str) -> None:
    response = get(base_url + "/feedback_responses", Accept=accept)
    assert response.status_code == 406
    assert response.json() == {
        "message": "Missing or invalid Accept header, must be: application/vnd.customersure.v1+json"
    }


def test_accept_header_as_the_api_examples_write_it(base_url: str) -> None:
    # The API's own curl examples end the media type with ";".
    response = get(base_url + "/feedback_responses", Accept=MEDIA_TYPE + ";")
    assert response.status_code == 200
