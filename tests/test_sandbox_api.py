"""The sandbox follows the REST API's request rules, over real HTTP: headers,
errors, nulls, UTC times, lists and their headers, feedback request links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from cswidget.sandbox import DEFAULT_TOKEN, create_app
from cswidget.sandbox.app import ROUTES
from cswidget.vocabulary import API_MEDIA_TYPE
from livesrv import serve

NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)
BASE_URL = "https://sandbox.example"
HEADERS = {
    "User-Agent": "Acme Ltd",
    "Accept": API_MEDIA_TYPE,
    "Authorization": f'Token token="{DEFAULT_TOKEN}"',
}
NEW_REQUEST: dict[str, Any] = {
    "email": "kate@example.com",
    "send_at": "2023-08-20T18:00:00+0100",
    "survey_id": 1484,
    "email_template_id": 10,
}


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    app = create_app(seed="demo", now=NOW, base_url=BASE_URL)
    with serve(app) as url, httpx.Client(base_url=url, headers=HEADERS) as http:
        yield http


def link_urls(response: httpx.Response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', response.headers["link"])
    }


def local(url: str) -> str:
    assert url.startswith(BASE_URL)
    return url.removeprefix(BASE_URL)


def test_no_user_agent_is_403_with_the_documented_body(client: httpx.Client) -> None:
    response = client.get("/surveys", headers={"User-Agent": ""})
    assert (response.status_code, response.text) == (
        403,
        '{"message":"Missing or invalid User Agent string"}',
    )
    assert response.headers["content-type"] == "application/vnd.customersure.v1+json; charset=utf-8"


@pytest.mark.parametrize(
    "authorization", ["", "Token token=fake", 'Token token="fake"', "Bearer " + DEFAULT_TOKEN]
)
def test_missing_or_wrong_token_is_401_with_www_authenticate(
    client: httpx.Client, authorization: str
) -> None:
    response = client.get("/feedback_requests", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Token realm="Application"'


@pytest.mark.parametrize(
    "authorization", [f"Token token={DEFAULT_TOKEN}", HEADERS["Authorization"]]
)
def test_token_quoted_or_not(client: httpx.Client, authorization: str) -> None:
    assert client.get("/surveys", headers={"Authorization": authorization}).status_code == 200


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        (API_MEDIA_TYPE + ";", 200),
        ("application/json, " + API_MEDIA_TYPE, 200),
        ("", 406),
        ("application/json", 406),
        ("application/vnd.customersure.v2+json", 406),
    ],
)
def test_the_version_goes_in_accept(client: httpx.Client, accept: str, status: int) -> None:
    assert client.get("/surveys", headers={"Accept": accept}).status_code == status


def test_every_response_has_the_security_headers(client: httpx.Client) -> None:
    for response in (
        client.get("/surveys"),
        client.get("/nowhere"),
        client.get("/surveys", headers={"User-Agent": ""}),
        client.get("/openapi.json"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("GET", "/nowhere", 404, "Not found"),
        ("GET", "/feedback_responses/999999", 404, "Not found"),
        ("GET", "/feedback_responses/" + "9" * 5000, 404, "Not found"),
        ("GET", "/feedback_requests/-1", 404, "Not found"),
        ("GET", "/staff/rod", 404, "Not found"),
        ("DELETE", "/sites/newcastle", 405, "Method not allowed"),
        ("PUT", "/feedback_requests", 405, "Method not allowed"),
    ],
)
def test_not_found_and_wrong_methods(
    client: httpx.Client, method: str, path: str, status: int, message: str
) -> None:
    response = client.request(method, path)
    assert (response.status_code, response.json()) == (status, {"message": message})
    if status == 405:
        assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"email": }', b"\xff\xfe", b"NaN", b"[" * 1100 + b"]" * 1100, b"1" * 5000],
    ids=["truncated", "syntax", "not-utf8", "nan", "nested-1100", "huge-integer"],
)
def test_malformed_json_is_400(client: httpx.Client, body: bytes) -> None:
    response = client.post("/feedback_requests", content=body)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Problems parsing JSON")


def test_nesting_within_python_limits_is_still_refused(client: httpx.Client) -> None:
    body = {**NEW_REQUEST, "data": [{"key": "a", "value": [[[[[[[[["deep"]]]]]]]]]}]}
    response = client.post("/feedback_requests", json=body)
    assert response.status_code == 400


def test_bodies_are_capped(client: httpx.Client) -> None:
    response = client.post("/sites", content=b'{"name": "' + b"x" * 70_000 + b'"}')
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content_type", "status"),
    [(None, 422), ("application/json", 422), ("application/json; charset=utf-8", 422),
     (f"{API_MEDIA_TYPE}", 422), ("Application/JSON", 422), ("text/plain", 415),
     ("application/x-www-form-urlencoded", 415), ("application/problem+json", 415), ("", 415)],
)  # fmt: skip
def test_a_body_labelled_as_anything_but_json_is_415(
    client: httpx.Client, content_type: str | None, status: int
) -> None:
    # As the OpenAPI document declares, and as Prism mocking it answers:
    # the API's media type or plain JSON; unlabelled bodies are read as JSON.
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = client.post("/sites", content=b'{"name": "HQ"}', headers=headers)
    assert response.status_code == status, response.text
    if status == 415:
        assert response.json() == {
            "message": f"Unsupported request body media type, must be: {API_MEDIA_TYPE} "
            "(or application/json)"
        }


def test_unpermitted_parameters_are_403_naming_them(client: httpx.Client) -> None:
    # A lone surrogate key, as JSON writes it (no encoder would send it raw).
    body = json.dumps({**NEW_REQUEST, "colour": "red", "\ud800": 1}).encode()
    response = client.post("/feedback_requests", content=body)
    assert response.status_code == 403
    assert response.json()["unpermitted_parameters"] == ["colour", "\ud800"]
    query = client.get("/nps", params={"site_ids": "1", "survey_ids[]": "1"})
    assert (query.status_code, query.json()["unpermitted_parameters"]) == (403, ["site_ids"])


def test_validation_is_422_with_every_error_and_the_collection_as_resource(
    client: httpx.Client,
) -> None:
    response = client.post(
        "/feedback_requests",
        json={"survey_id": 999, "send_at": "2023-08-19T10:00:00Z", "machine_id": "x" * 37},
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": "Validation error",
        "errors": [
            {"resource": "/feedback_requests/", "field": "email", "error": "required",
             "extra_info": {}},
            {"resource": "/feedback_requests/", "field": "send_at", "error": "invalid_date",
             "extra_info": {"greater_than": "2023-08-19T16:30:14Z",
                            "message": "must be in the future"}},
            {"resource": "/feedback_requests/", "field": "email_template_id",
             "error": "required", "extra_info": {}},
            {"resource": "/feedback_requests/", "field": "machine_id", "error": "wrong_length",
             "extra_info": {"maximum": 36}},
        ],
    }  # fmt: skip


def test_account_data_is_checked_after_the_rules(client: httpx.Client) -> None:
    reminder = {"send_at": "2030-01-01T00:00Z", "text_message_template_id": 999}
    body = {**NEW_REQUEST, "survey_id": 999, "email_template_id": 999, "reminders": [reminder]}
    response = client.post("/feedback_requests", json=body)
    assert [(e["field"], e["error"]) for e in response.json()["errors"]] == [
        ("survey_id", "invalid_value"),
        ("email_template_id", "invalid_value"),
        ("reminders[0].text_message_template_id", "invalid_value"),
    ]


def test_created_request_has_every_attribute_in_utc(client: httpx.Client) -> None:
    response = client.post("/feedback_requests", json={**NEW_REQUEST, "data": [
        {"key": "staff_code", "value": "luke"}]})  # fmt: skip
    assert response.status_code == 201
    created = response.json()
    assert created | {"id": 0, "link": "", "data": []} == {
        "id": 0, "email": "kate@example.com", "state": "pending", "first_name": None,
        "surname": None, "survey_id": 1484, "email_template_id": 10, "reference": None,
        "machine_id": None, "send_at": "2023-08-20T17:00:00Z", "sent_at": None,
        "created_at": "2023-08-19T16:30:14Z", "updated_at": "2023-08-19T16:30:14Z",
        "deletion_requested_at": None, "not_sent_reason": None, "delivery_failure": None,
        "ignore_throttle": False, "link": "", "sms": None, "data": [], "reminders": [],
    }  # fmt: skip
    assert [(d["key"], d["value"]) for d in created["data"]] == [("staff_code", "luke")]
    assert client.get(f"/feedback_requests/{created['id']}").json() == created


def test_external_link_is_sent_now_and_its_link_files_a_response(client: httpx.Client) -> None:
    created = client.post(
        "/feedback_requests",
        json={**NEW_REQUEST, "external_link": True, "reference": "#77", "first_name": "Kate",
              "data": [{"key": "site_code", "value": "leeds"}]},
    ).json()  # fmt: skip
    assert (created["state"], created["sent_at"]) == ("sent", "2023-08-19T16:30:14Z")
    survey_path = local(created["link"])
    page = client.get(survey_path, headers={"User-Agent": "", "Authorization": ""})
    assert page.status_code == 200
    assert "How likely are you to recommend us to a friend?" in page.text
    thanks = client.post(survey_path, data={"q14841": "9", "q14842": "5", "q14844": "Great <b>"})
    assert thanks.status_code == 200
    newest = client.get("/feedback_responses", params={"per_page": 1}).json()[0]
    assert newest["feedback_request"] == client.get(f"/feedback_requests/{created['id']}").json()
    assert (newest["reference"], newest["survey"]) == (
        "#77",
        {"id": 1484, "name": "Support survey"},
    )
    assert newest["fields"] == {"email": "kate@example.com", "name": "Kate", "site_code": "leeds"}
    assert [a["answer"] for a in newest["answers"]] == ["9", "5", None, "Great <b>"]
    site = client.get("/sites/leeds").json()
    assert newest in client.get("/feedback_responses", params={"site_ids[]": site["id"]}).json()


def test_sites_create_read_update_with_nulls_never_omitted(client: httpx.Client) -> None:
    created = client.post("/sites", json={"site_code": "york", "name": "York", "region": "N"})
    assert created.status_code == 201
    site = created.json()
    assert site == {"id": site["id"], "site_code": "york", "name": "York", "city": None,
                    "region": "N", "site_type": None}  # fmt: skip
    assert client.get("/sites/york").json() == client.get(f"/sites/{site['id']}").json() == site
    updated = client.patch("/sites/york", json={"city": "York"})
    assert updated.json() == {**site, "city": "York"}
    taken = client.post("/sites", json={"site_code": "york", "name": "Again", "region": "N"})
    assert taken.json()["errors"] == [
        {"resource": "/sites/", "field": "site_code", "error": "custom",
         "extra_info": {"message": "has already been taken"}}
    ]  # fmt: skip
    patch_error = client.patch("/sites/york", json={"name": ""})
    assert patch_error.json()["errors"][0]["resource"] == "/sites/york"
    assert client.patch("/sites/nowhere", json={"name": "x"}).status_code == 404


def test_list_headers_use_the_configured_base_url_not_host(client: httpx.Client) -> None:
    response = client.get(
        "/feedback_responses", params={"per_page": 10, "page": 2}, headers={"Host": "evil.example"}
    )
    total = int(response.headers["x-total-count"])
    assert response.headers["x-total-pages"] == str(-(-total // 10))
    links = link_urls(response)
    assert list(links) == ["first", "prev", "next", "last"]
    assert all(url.startswith(BASE_URL + "/feedback_responses?") for url in links.values())
    assert links["next"].endswith("&page=3")


def test_paging_is_stable_while_rows_arrive(client: httpx.Client) -> None:
    first = client.get("/feedback_requests", params={"per_page": 3})
    seen = [item["id"] for item in first.json()]
    next_url = link_urls(first).get("next")
    for _ in range(3):
        client.post("/feedback_requests", json=NEW_REQUEST)
    page = client.get(local(next_url or ""))
    assert [item["id"] for item in page.json()] == [seen[-1] - 1, seen[-1] - 2, seen[-1] - 3]
    assert page.headers["x-total-count"] == first.headers["x-total-count"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "x"}, "page"),
        ({"created_since": "yesterday"}, "created_since"),
        ({"survey_ids[]": "abc"}, "survey_ids[]"),
        ({"email": "x" * 256}, "email"),
    ],
)
def test_bad_list_parameters_are_422(
    client: httpx.Client, query: dict[str, str], field: str
) -> None:
    response = client.get("/feedback_responses", params=query)
    assert response.status_code == 422
    assert [(e["resource"], e["field"]) for e in response.json()["errors"]] == [
        ("/feedback_responses", field)
    ]


def test_responses_are_newest_first_and_filtered(client: httpx.Client) -> None:
    # "They are returned in reverse chronological order": by submitted_at,
    # whatever order the rows were stored in (the demo's are not in time order).
    items = client.get("/feedback_responses", params={"per_page": 100}).json()
    order = [(item["submitted_at"], item["id"]) for item in items]
    assert order == sorted(order, reverse=True)
    assert [item["id"] for item in items] != sorted((item["id"] for item in items), reverse=True)
    by_survey = client.get("/feedback_responses", params={"survey_ids[]": "277"}).json()
    assert {item["survey"]["id"] for item in by_survey} == {277}
    since = client.get("/feedback_responses", params={"created_since": "2023-08-19T00:00+01:00"})
    assert all(item["submitted_at"] >= "2023-08-18T23:00:00Z" for item in since.json())


def test_metric_period_wins_over_from_and_to(client: httpx.Client) -> None:
    period = client.get("/nps", params={"period": "last_month"}).json()
    both = client.get(
        "/nps", params={"period": "last_month", "from_time": "2015-01-01T00:00Z"}
    ).json()
    explicit = client.get(
        "/nps", params={"from_time": "2023-07-01T00:00Z", "to_time": "2023-07-31T23:59:59Z"}
    ).json()
    assert period == both == explicit
    assert period["total_number_of_ratings"] > 0
    empty = client.get("/nps", params={"from_time": "2015-01-01", "to_time": "2015-01-31"}).json()
    assert empty == {"net_promoter_score": None, "promoter_count": 0, "passive_count": 0,
                     "detractor_count": 0, "total_number_of_ratings": 0}  # fmt: skip


def test_metric_rules(client: httpx.Client) -> None:
    response = client.get("/csat", params={"period": "fortnight", "to_time": "tomorrow"})
    assert [(e["field"], e["error"]) for e in response.json()["errors"]] == [
        ("to_time", "invalid_date"),
        ("period", "invalid_value"),
    ]
    backwards = client.get("/csat", params={"from_time": "2023-02-01", "to_time": "2023-01-01"})
    assert backwards.json()["errors"][0]["field"] == "to_time"


def test_company_name_is_a_case_insensitive_substring(client: httpx.Client) -> None:
    cyber = client.get("/nps", params={"company_name": "cyber", "period": "12-months"}).json()
    full = client.get(
        "/nps", params={"company_name": "Cyberdyne Systems", "period": "12-months"}
    ).json()
    wildcard = client.get("/nps", params={"company_name": "%", "period": "12-months"}).json()
    assert cyber == full
    assert cyber["total_number_of_ratings"] > 0
    assert wildcard["total_number_of_ratings"] == 0  # % is a literal character


def test_openapi_document_is_served_without_credentials(client: httpx.Client) -> None:
    response = client.get("/openapi.json", headers={"User-Agent": "", "Authorization": ""})
    assert response.json()["openapi"] == "3.1.0"
    assert [server["url"] for server in response.json()["servers"]] == [BASE_URL]


@pytest.mark.parametrize("path", ["/feedback_requests", "/sites"])
@pytest.mark.parametrize("body", [b"[]", b'"text"', b"null", b"42"])
def test_a_body_that_is_not_an_object_is_422(client: httpx.Client, path: str, body: bytes) -> None:
    response = client.post(path, content=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


HOSTILE_HOSTS = ["evil-host.example", "evil.example:8010", "127.0.0.1@evil.example", "[::1]"]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
@pytest.mark.parametrize(
    "path",
    [route.path.replace("{id}", "1").replace("{token}", "1-x") for route in ROUTES]
    + [route.path.replace("{id}", "1") + "/" for route in ROUTES if route.path != "/"],
)
def test_no_url_the_sandbox_sends_comes_from_the_host_header(
    client: httpx.Client, path: str, host: str
) -> None:
    # A trailing slash is not redirected (Starlette would build the Location
    # from Host): it is simply not a path of the API.
    response = client.get(path, headers={"Host": host}, follow_redirects=False)
    assert not response.is_redirect, (path, response.headers.get("location"))
    found = [
        value
        for name, value in [*response.headers.multi_items(), ("body", response.text)]
        if name.lower() != "host"
    ]
    assert not any("evil" in value or "[::1]" in value for value in found), (path, found)
    if path.endswith("/") and path != "/":
        assert response.status_code in (401, 404), path


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/feedback_requests", {"survey_id": 1}),
        ("POST", "/sites", {"site_code": "x"}),
        ("PATCH", "/sites/newcastle", {"name": "x"}),
    ],
)
def test_query_parameters_on_a_write_are_unpermitted(
    client: httpx.Client, method: str, path: str, body: dict[str, object]
) -> None:
    # "403 Forbidden - You'll see this if you send us unpermitted parameters."
    response = client.request(method, path + "?dry_run=1&notify=0", json=body)
    assert response.status_code == 403
    assert response.json() == {
        "message": "Unpermitted parameters: dry_run, notify",
        "unpermitted_parameters": ["dry_run", "notify"],
    }


def test_two_authorization_headers_are_not_a_valid_token(client: httpx.Client) -> None:
    good = f'Token token="{DEFAULT_TOKEN}"'
    for pair in ([good, 'Token token="fake"'], ['Token token="fake"', good], [good, good]):
        headers = [(name, value) for name, value in HEADERS.items() if name != "Authorization"]
        response = client.get("/surveys", headers=[*headers, *(("Authorization", v) for v in pair)])
        assert response.status_code == 401, pair
