"""Every example of the seed's REST API half, against `create_app(seed="demo")`:
each example request gets the example's status and a body of the example's
shape (the same attributes, of the same JSON types).

Where the seed contradicts itself its rules win over its examples
(docs/sandbox.md lists each case); `DEVIATIONS` names every attribute where
the sandbox's answer differs from an example in type or presence, and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from cswidget.sandbox import DEFAULT_TOKEN, create_app
from livesrv import serve

NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)
# The seed's own headers: its Accept has a trailing ";", its token is quoted.
SEED_HEADERS = {
    "Accept": "application/vnd.customersure.v1+json;",
    "Authorization": f'Token token="{DEFAULT_TOKEN}"',
    "User-Agent": "curl/8.0",
}

FEEDBACK_REQUEST = {
    "id": 208073, "email": "john.smith@example.com", "state": "pending", "first_name": "John",
    "surname": "Smith", "survey_id": 1484, "email_template_id": 10, "reference": "#1014",
    "machine_id": "8736245", "send_at": "2023-08-20T17:00:00Z", "sent_at": None,
    "created_at": "2023-08-19T16:30:14Z", "updated_at": "2023-08-19T16:30:14Z",
    "not_sent_reason": None, "delivery_failure": None, "ignore_throttle": False,
    "link": "https://yourdomain.customersure.com/surveys/…",
    "data": [{"id": 256777, "key": "staff_code", "value": "luke"}],
    "reminders": [{"id": 60845536, "email_template_id": 11,
                   "send_at": "2023-08-27T18:00:00+0100", "sent_at": None,
                   "text_message_template_id": None, "not_sent_reason": None,
                   "delivery_failure": None}],
}  # fmt: skip
FEEDBACK_RESPONSE = {
    "id": 16163, "reference": None, "machine_id": None,
    "fields": {"email": "kate@example.com", "name": "Kate",
               "telephone_number": "01234 567 890", "company_name": "Acme"},
    "answers": [{"question_id": 12345, "question": "How satisfied were you?",
                 "answer": "10", "type": "Rating"}],
    "submitted_at": "2023-07-08T23:45:19Z",
    "feedback_request": {
        "id": 1234, "email": "kate@example.com", "state": "sent", "first_name": "Kate",
        "surname": "", "survey_id": 277, "email_template_id": None, "reference": None,
        "machine_id": None, "send_at": "2023-07-08T23:45:19Z",
        "sent_at": "2023-07-08T23:45:20Z", "created_at": "2023-07-07T23:45:19Z",
        "updated_at": "2023-07-08T23:45:20Z", "deletion_requested_at": None,
        "not_sent_reason": None, "delivery_failure": None,
    },
    "survey": {"id": 277, "name": "Post call survey"},
}  # fmt: skip
LISTED_RESPONSE = {**FEEDBACK_RESPONSE, "updated_at": "2023-09-01T11:00:01Z"}
SITE = {"id": "111", "site_code": "hq", "name": "Head Office", "city": "Newcastle",
        "region": "Tyne and Wear", "site_type": "Office"}  # fmt: skip
STAFF = {"id": "98723", "code": "rod-magnusson", "first_name": "Rod", "surname": "Magnusson",
         "email": "rod.magnusson@example.com", "time_zone": "London",
         "deactivated_at": "null", "team_id": "null"}  # fmt: skip
SURVEY = {"id": "1", "name": "Head Office", "locale": "en",
          "questions": [{"id": 12345, "question": "How satisfied were you?",
                         "answer_type": "Rating"}]}  # fmt: skip
EMAIL_TEMPLATE = {"id": 123456, "name": "Post Sale Feedback Email", "body": "Hi",
                  "subject": "how did we do?", "from_name": "Kate Jones",
                  "from_email": "kate@acme.co.uk", "locale": "en", "archived": False}  # fmt: skip
TEXT_TEMPLATE = {"id": 123456, "name": "Post Sale SMS Template", "body": "Hi",
                 "locale": "en", "archived": False}  # fmt: skip

# (path in the body, what the sandbox does instead, why): docs/sandbox.md has each.
DEVIATIONS = {
    ("", "ignore_throttle"): "a response embeds its whole request, as GET /feedback_requests/:id",
    ("", "sms"): "the sandbox also shows a request's sms attributes (null for email)",
    ("", "deletion_requested_at"): "in the embedded request's example: on every request",
    ("", "link"): "in the create example: on every request",
    ("", "data"): "in the create example: on every request",
    ("", "reminders"): "in the create example: on every request",
    ("", "updated_at"): "in the list example: on every response",
    ("id",): "survey ids are integers (Surveys attributes: id integer)",
    ("deactivated_at",): 'null, not the text "null" (blank fields are null)',
    ("team_id",): 'null, not the text "null" (blank fields are null)',
    ("site_type",): "the sites list example omits it; nulls are never omitted",
}


def json_type(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
            float: "number", type(None): "null"}[type(value)]  # fmt: skip


def differences(example: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` does not have `example`'s shape; null matches any type."""
    if example is None or actual is None:
        return []
    if json_type(example) != json_type(actual):
        return [f"{path or '.'}: {json_type(example)} in the example, {json_type(actual)} here"]
    found: list[str] = []
    if isinstance(example, dict):
        for key in example.keys() | actual.keys():
            if key not in actual or key not in example:
                found.append(f"{path}.{key}: {'missing' if key not in actual else 'extra'}")
            else:
                found += differences(example[key], actual[key], f"{path}.{key}")
    elif isinstance(example, list) and example and actual:
        for item in actual:
            found += differences(example[0], item, f"{path}[]")
    return found


def allowed(difference: str) -> bool:
    where = difference.split(":")[0]
    if where.startswith(".fields.") and difference.endswith("extra"):
        return True  # fields hold the request's data keys too, as the seed says
    name = where.rsplit(".", 1)[-1].removesuffix("[]")
    return ("", name) in DEVIATIONS or (name,) in DEVIATIONS


def assert_shape(example: Any, actual: Any) -> None:
    assert [d for d in differences(example, actual) if not allowed(d)] == []


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    app = create_app(seed="demo", now=NOW, base_url="https://api.customersure.test")
    with serve(app) as url, httpx.Client(base_url=url, headers=SEED_HEADERS) as http:
        yield http


def test_missing_user_agent(client: httpx.Client) -> None:
    response = client.get("/feedback_requests", headers={"User-Agent": ""})
    assert response.status_code == 403
    assert response.json() == {"message": "Missing or invalid User Agent string"}


def test_invalid_token(client: httpx.Client) -> None:
    response = client.head("/feedback_requests", headers={"Authorization": 'Token token="fake"'})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Token realm="Application"'
    # The seed's example says application/json; the sandbox answers with the
    # media type the client asked for and the document declares (docs/sandbox.md).
    assert response.headers["content-type"] == "application/vnd.customersure.v1+json; charset=utf-8"


def test_get_with_params(client: httpx.Client) -> None:
    response = client.get("/feedback_requests?state=pending")
    assert response.status_code == 200
    assert response.json()
    for request in response.json():
        assert request["state"] == "pending"
        assert_shape(FEEDBACK_REQUEST, request)


def test_validation_error_example(client: httpx.Client) -> None:
    # The seed's 422 example: a bad state and a machine_id longer than 36.
    listed = client.get("/feedback_requests?state=delivered")
    assert listed.json()["errors"][0] == {
        "resource": "/feedback_requests",
        "field": "state",
        "error": "invalid_value",
        "extra_info": {"allowed_values": ["pending", "sent", "not_sent"]},
    }
    created = client.post(
        "/feedback_requests",
        json={"email": "kate@example.com", "send_at": "2030-01-01T00:00Z", "survey_id": 1484,
              "email_template_id": 10, "machine_id": "3" * 37},
    )  # fmt: skip
    assert created.status_code == 422
    assert created.json()["errors"] == [
        {"resource": "/feedback_requests/", "field": "machine_id", "error": "wrong_length",
         "extra_info": {"maximum": 36}}
    ]  # fmt: skip


def test_create_feedback_request(client: httpx.Client) -> None:
    body = {
        "email": "john.smith@example.com", "send_at": "2023-08-20T18:00:00+0100",
        "survey_id": 1484, "email_template_id": 10, "first_name": "John", "surname": "Smith",
        "reference": "#1041", "machine_id": "8736245",
        "data": [{"key": "staff_code", "value": "luke"},
                 {"key": "site_code", "value": "newcastle"},
                 {"key": "category", "value": "api-support"},
                 {"key": "ticket_date", "value": "20th Aug 2023"}],
        "reminders": [{"email_template_id": 11, "send_at": "2023-08-27T18:00:00+0100"},
                      {"email_template_id": 12, "send_at": "2023-09-01T18:00:00+0100"}],
    }  # fmt: skip
    response = client.post("/feedback_requests", json=body)
    assert response.status_code == 201
    created = response.json()
    assert_shape(FEEDBACK_REQUEST, created)
    # The rules win: the reference as sent (not "#1014"), reminders in UTC.
    assert created["reference"] == "#1041"
    assert created["send_at"] == "2023-08-20T17:00:00Z"
    assert [r["send_at"] for r in created["reminders"]] == [
        "2023-08-27T17:00:00Z",
        "2023-09-01T17:00:00Z",
    ]
    assert len({entry["id"] for entry in created["data"]}) == 4  # the example repeats one


def test_retrieve_feedback_response(client: httpx.Client) -> None:
    response = client.get("/feedback_responses/1")
    assert response.status_code == 200
    assert response.json()["id"] == 1  # the example answers /1 with id 16163
    assert_shape(FEEDBACK_RESPONSE, response.json())
    assert_shape(FEEDBACK_REQUEST, response.json()["feedback_request"])


def test_list_feedback_responses(client: httpx.Client) -> None:
    response = client.get("/feedback_responses")
    assert response.status_code == 200
    assert len(response.json()) == 30
    for item in response.json():
        assert_shape(LISTED_RESPONSE, item)
    assert int(response.headers["x-total-pages"]) == -(
        -int(response.headers["x-total-count"]) // 30
    )
    assert 'rel="first"' in response.headers["link"]
    assert 'rel="last"' in response.headers["link"]


@pytest.mark.parametrize(
    ("path", "example"),
    [
        ("/response_rate", {"response_rate_percent": 50, "sent_count": 100,
                            "delivered_count": 50, "reply_count": 25}),
        ("/nps", {"net_promoter_score": 70, "promoter_count": 75, "passive_count": 20,
                  "detractor_count": 5, "total_number_of_ratings": 12}),
        ("/csat", {"csat": 90, "very_negative_count": 1, "negative_count": 0,
                   "neutral_count": 0, "positive_count": 2, "very_positive_count": 7,
                   "total_number_of_ratings": 10}),
    ],
)  # fmt: skip
def test_metrics(client: httpx.Client, path: str, example: dict[str, int]) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert_shape(example, response.json())
    # The seed demo data makes every figure non-trivial.
    assert all(value > 0 for value in response.json().values())


def test_sites_create_retrieve_update_list(client: httpx.Client) -> None:
    created = client.post(
        "/sites",
        json={"site_code": "hq", "name": "Head Office", "city": "Newcastle",
              "region": "Tyne and Wear"},
    )  # fmt: skip
    assert created.status_code == 201
    assert_shape(SITE, created.json())
    retrieved = client.get("/sites/hq")
    assert retrieved.status_code == 200
    assert retrieved.json() == created.json()  # the examples give it three different ids
    updated = client.patch("/sites/hq", json={"name": "Main Office"})
    assert updated.status_code == 200
    assert updated.json() == {**created.json(), "name": "Main Office"}
    listed = client.get("/sites")
    assert listed.status_code == 200
    for site in listed.json():
        assert_shape(SITE, site)
    assert [site["name"] for site in listed.json()] == sorted(s["name"] for s in listed.json())


def test_staff(client: httpx.Client) -> None:
    member = client.get("/staff/98723")
    assert member.status_code == 200
    assert_shape(STAFF, member.json())
    assert member.json()["code"] == "rod-magnusson"
    listed = client.get("/staff")
    for item in listed.json():
        assert_shape(STAFF, item)


@pytest.mark.parametrize(
    ("path", "example"),
    [
        ("/surveys", SURVEY),
        ("/email_templates", EMAIL_TEMPLATE),
        ("/text_message_templates", TEXT_TEMPLATE),
    ],
)
def test_named_lists(client: httpx.Client, path: str, example: dict[str, Any]) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json()
    for item in response.json():
        assert_shape(example, item)
    names = [item["name"] for item in response.json()]
    assert names == sorted(names)
    assert response.headers["x-total-count"] == str(len(names))
