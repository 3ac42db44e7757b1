"""The demo serves its pages and the REST API sandbox on one port, over one
store: a response given in the widget's survey is listed by
`GET /feedback_responses`, a feedback request's link opens its survey, and
hostile submissions are refused, never stored and never a 500.

The API's own rules are tested in test_sandbox_api.py; here, the wiring."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest
from demo_site.app import create_app

from cswidget.sandbox import DEFAULT_TOKEN, Store
from cswidget.vocabulary import API_MEDIA_TYPE
from demo_forms import form_session
from livesrv import serve

HEADERS = {
    "Accept": API_MEDIA_TYPE,
    "User-Agent": "Acme Ltd",
    "Authorization": f"Token token={DEFAULT_TOKEN}",
}
CHECKOUT = "/sandbox/acme/Chk0ut2166x"
PURCHASE = "/sandbox/acme/AKknWccEFf7"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(create_app(base_url="http://demo.test")) as url:
        yield url


def submit(
    base_url: str, path: str, params: dict[str, Any], form: dict[str, Any]
) -> httpx.Response:
    # The survey form carries a CSRF token that goes with the cookie the page sets.
    client, token = form_session(base_url + path)
    with closing(client):
        data = {"csrf_token": token, "survey_params": json.dumps(params), **form}
        return client.post(base_url + path, data=data)


def newest(base_url: str) -> dict[str, Any]:
    listed = httpx.get(base_url + "/feedback_responses?per_page=1", headers=HEADERS)
    assert listed.status_code == 200
    item: dict[str, Any] = listed.json()[0]
    return item


def test_a_widget_response_is_listed_by_the_api_with_everything_it_carried(base_url: str) -> None:
    params = {"email": "kate@example.com", "name": "Kate", "staff_code": "leia",
              "site_code": "leeds", "reference": "INV-2090", "machine_id": "a87e-45",
              "basket_total": "42.50"}  # fmt: skip
    sent = submit(base_url, PURCHASE, params, {
        "customer.name": "Kate J.", "customer.email": "kate@example.com", "q12345": "9",
        "q12346": "leia", "q12347": "business", "q12348": ["Delivery", "Website"],
        "q12349": "Quick delivery."})  # fmt: skip
    assert sent.status_code == 200
    response = newest(base_url)
    assert response | {"id": 0, "submitted_at": ""} == {
        "id": 0,
        "reference": "INV-2090",
        "machine_id": "a87e-45",
        "fields": {"name": "Kate J.", "email": "kate@example.com", "site_code": "leeds",
                   "staff_code": "leia", "account_type": "business", "basket_total": "42.50"},
        "answers": [
            {"question_id": 12345, "question": "How likely are you to recommend us to a friend?",
             "answer": "9", "type": "Rating"},
            {"question_id": 12346, "question": "Who helped you today?", "answer": "leia",
             "type": "Radio"},
            {"question_id": 12347, "question": "What kind of account do you have?",
             "answer": "business", "type": "Dropdown"},
            {"question_id": 12348, "question": "What could we do better?",
             "answer": "Delivery, Website", "type": "Checkbox"},
            {"question_id": 12349, "question": "Is there anything else you'd like to tell us?",
             "answer": "Quick delivery.", "type": "Text"},
        ],
        "submitted_at": "",
        "updated_at": response["updated_at"],
        "feedback_request": None,
        "survey": {"id": 277, "name": "Post purchase survey"},
    }  # fmt: skip
    assert f'response <strong id="response-id">{response["id"]}</strong>' in sent.text
    # staff_code and site_code link it to the staff member and the site.
    leeds = httpx.get(base_url + "/sites/leeds", headers=HEADERS).json()
    by_site = httpx.get(f"{base_url}/feedback_responses?site_ids[]={leeds['id']}", headers=HEADERS)
    assert by_site.json()[0]["id"] == response["id"]


def test_a_feedback_request_link_opens_its_survey_and_files_the_request(base_url: str) -> None:
    created = httpx.post(
        base_url + "/feedback_requests",
        headers=HEADERS,
        json={"email": "sam@example.com", "send_at": "2099-01-01T00:00Z", "survey_id": 2166,
              "email_template_id": 10, "external_link": True, "reference": "T-1"},
    ).json()  # fmt: skip
    link = created["link"]
    assert link.startswith("http://demo.test/r/")
    path = link.removeprefix("http://demo.test")
    page = httpx.get(base_url + path)
    assert page.status_code == 200
    assert "How easy was it to check out?" in page.text
    assert httpx.post(base_url + path, data={"q22001": "8"}).status_code == 200
    response = newest(base_url)
    assert response["feedback_request"]["id"] == created["id"]
    assert (response["reference"], response["survey"]["id"]) == ("T-1", 2166)


@pytest.mark.parametrize(
    ("form", "field", "error"),
    [
        ({"customer.email": "x" * 1_000_000}, "customer.email", "wrong_length"),
        ({"customer.email": "not-an-email"}, "customer.email", "invalid_format"),
        ({"q22001": "11"}, "q22001", "invalid_value"),
        ({"q22001": "-1"}, "q22001", "invalid_value"),
        ({"q22002": "x" * 5001}, "q22002", "wrong_length"),
    ],
    ids=["1MB-email", "invalid-email", "rating-11", "rating-minus-1", "long-comment"],
)
def test_hostile_answers_are_refused_and_not_stored(
    base_url: str, form: dict[str, str], field: str, error: str
) -> None:
    before = newest(base_url)["id"]
    sent = submit(base_url, CHECKOUT, {}, form)
    assert sent.status_code == 422
    shown = html.unescape(sent.text)
    assert f'"field": "{field}"' in shown
    assert f'"error": "{error}"' in shown
    assert newest(base_url)["id"] == before


@pytest.mark.parametrize(
    "survey_params",
    ["[" * 1100 + "]" * 1100, '{"\\ud800": "x"}', '{"a": ' * 1100 + "1" + "}" * 1100, "{"],
    ids=["nested-arrays-1100", "lone-surrogate-key", "nested-objects-1100", "truncated"],
)
def test_hostile_survey_params_are_400_not_500(base_url: str, survey_params: str) -> None:
    client, token = form_session(base_url + CHECKOUT)
    with closing(client):
        posted = client.post(
            base_url + CHECKOUT, data={"csrf_token": token, "survey_params": survey_params}
        )
    for response in (
        httpx.get(base_url + CHECKOUT, params={"survey_params": survey_params}),
        posted,
    ):
        assert response.status_code == 400


def test_the_api_answers_on_the_demo_port_with_its_rules(base_url: str) -> None:
    no_agent = httpx.get(base_url + "/feedback_responses", headers={"User-Agent": ""})
    assert no_agent.status_code == 403
    assert (
        httpx.get(base_url + "/surveys", headers={**HEADERS, "Authorization": ""}).status_code
        == 401
    )
    servers = httpx.get(base_url + "/openapi.json").json()["servers"]
    assert [server["url"] for server in servers] == ["http://demo.test"]


def test_an_existing_store_is_shared(tmp_path: Any) -> None:
    store = Store.open(str(tmp_path / "demo.db"))
    app = create_app(store=store)
    assert app.state.store is store
    assert store.survey(277) is not None  # the demo account was loaded into it
