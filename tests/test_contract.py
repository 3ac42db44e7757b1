"""One description of REST API v1: document, sandbox and client cannot drift.

`cswidget.contract` is the source. The OpenAPI document's schemas are made
from it, the client's models are its classes, and the sandbox builds every
answer from them. These tests hold the rest to it: a field added in one
place and not the others fails here.
"""

from __future__ import annotations

import ast
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import msgspec
import pytest

from cswidget import api_rules, contract, openapi, vocabulary
from cswidget.api import endpoints, models
from cswidget.sandbox import DEFAULT_TOKEN, create_app

ROOT = Path(__file__).resolve().parents[1]
SANDBOX = ROOT / "src" / "cswidget" / "sandbox"
NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)
DOCUMENT = openapi.document(base_url="http://127.0.0.1:8010")
SCHEMAS = DOCUMENT["components"]["schemas"]
HEADERS = {
    "Accept": vocabulary.API_MEDIA_TYPE,
    "User-Agent": "cswidget tests",
    "Authorization": f'Token token="{DEFAULT_TOKEN}"',
}


def fields(shape: type[msgspec.Struct]) -> list[str]:
    return list(shape.__struct_fields__)


def validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    # The schema with the document's components beside it, so $refs resolve.
    root = {"components": {"schemas": SCHEMAS}, **schema}
    validator_class = jsonschema.Draft202012Validator
    return validator_class(root, format_checker=validator_class.FORMAT_CHECKER)


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


# --- the document's schemas are the contract's classes ---------------------------


@pytest.mark.parametrize("shape", contract.RESOURCES + contract.REQUEST_BODIES, ids=str)
def test_every_shape_is_a_schema_with_the_same_properties(shape: type[msgspec.Struct]) -> None:
    assert list(SCHEMAS[shape.__name__]["properties"]) == fields(shape)


@pytest.mark.parametrize("shape", contract.RESOURCES, ids=str)
def test_response_schemas_require_what_the_seed_always_shows(shape: type[msgspec.Struct]) -> None:
    # A field with a default is one the seed's own examples leave out (the
    # client fills it in); every other field is required.
    info = msgspec.inspect.type_info(shape)
    assert isinstance(info, msgspec.inspect.StructType)
    required = [field.name for field in info.fields if field.required]
    assert SCHEMAS[shape.__name__]["required"] == required


def test_the_client_models_are_the_contracts_classes() -> None:
    for name in models.__all__:
        if name != "Model":
            assert getattr(models, name) is getattr(contract, name)
    resources = {shape.__name__ for shape in contract.RESOURCES} - {"Error", "FieldError"}
    assert resources <= set(models.__all__)


# --- the request rules and the client's parameters name the same fields ------------


@pytest.mark.parametrize(
    ("names", "shape"),
    [
        (vocabulary.FEEDBACK_REQUEST_PARAMETERS, contract.NewFeedbackRequest),
        (vocabulary.SMS_PARAMETERS, contract.NewSms),
        (vocabulary.REMINDER_PARAMETERS, contract.NewReminder),
        (vocabulary.DATA_PARAMETERS, contract.NewDataEntry),
        (vocabulary.SITE_PARAMETERS, contract.NewSite),
        (vocabulary.SITE_PARAMETERS, contract.SiteChanges),
        (tuple(endpoints.FeedbackRequestCreate.__annotations__), contract.NewFeedbackRequest),
        (tuple(endpoints.SmsParam.__annotations__), contract.NewSms),
        (tuple(endpoints.ReminderParam.__annotations__), contract.NewReminder),
        (tuple(endpoints.SiteCreate.__annotations__), contract.NewSite),
        (tuple(endpoints.SiteUpdate.__annotations__), contract.SiteChanges),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_request_parameters_are_the_bodys_fields(
    names: tuple[str, ...], shape: type[msgspec.Struct]
) -> None:
    assert sorted(names) == sorted(fields(shape))


def test_required_request_fields_are_the_rules_required_fields() -> None:
    assert SCHEMAS["NewSite"]["required"] == list(vocabulary.SITE_REQUIRED_PARAMETERS)
    assert SCHEMAS["NewFeedbackRequest"]["required"] == ["send_at", "survey_id"]


def query_parameters(path: str) -> list[str]:
    operation = DOCUMENT["paths"][path]["get"]
    names = []
    for parameter in operation["parameters"]:
        if "$ref" in parameter:
            parameter = DOCUMENT["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            names.append(parameter["name"])
    return names


@pytest.mark.parametrize(
    ("path", "filters", "client"),
    [
        ("/feedback_responses", vocabulary.FEEDBACK_RESPONSE_FILTERS,
         endpoints.FeedbackResponseFilters),
        ("/nps", vocabulary.METRIC_FILTERS, endpoints.MetricFilters),
        ("/csat", vocabulary.METRIC_FILTERS, endpoints.MetricFilters),
        ("/response_rate", vocabulary.METRIC_FILTERS, endpoints.MetricFilters),
        ("/staff", vocabulary.STAFF_FILTERS, endpoints.StaffFilters),
        ("/feedback_requests", ("state",), endpoints.FeedbackRequestFilters),
        ("/sites", (), endpoints.PageFilters),
        ("/surveys", (), endpoints.PageFilters),
    ],
)  # fmt: skip
def test_query_parameters_are_the_sandboxs_and_the_clients(
    path: str, filters: tuple[str, ...], client: type
) -> None:
    documented = query_parameters(path)
    paging = [] if path in ("/nps", "/csat", "/response_rate") else ["page", "per_page", "snapshot"]
    if path in ("/feedback_responses", "/feedback_requests"):
        paging.append("after")  # the keyset position the long lists' Link URLs carry
    assert documented == [*paging, *filters]
    # The client takes the same filters, arrays without their "[]", and
    # per_page of the paging (it follows Link for the pages themselves).
    paging_only = ("page", "snapshot", "after")
    taken = {name.removesuffix("[]") for name in documented if name not in paging_only}
    assert set(client.__annotations__) == taken


def test_every_operation_is_one_the_client_calls() -> None:
    # Each documented operation has an endpoint function building its call.
    calls = {
        "listFeedbackRequests": endpoints.list_feedback_requests({}),
        "createFeedbackRequest": endpoints.create_feedback_request(
            {"email": "kate@example.com", "send_at": "2030-01-01T00:00Z", "survey_id": 1484,
             "email_template_id": 10}),
        "getFeedbackRequest": endpoints.get_feedback_request(1),
        "listFeedbackResponses": endpoints.list_feedback_responses({}),
        "getFeedbackResponse": endpoints.get_feedback_response(1),
        "getResponseRate": endpoints.response_rate({}),
        "getNps": endpoints.nps({}),
        "getCsat": endpoints.csat({}),
        "listSites": endpoints.list_sites({}),
        "createSite": endpoints.create_site({"site_code": "hq", "name": "HQ", "region": "North"}),
        "getSite": endpoints.get_site("hq"),
        "updateSite": endpoints.update_site("hq", {"name": "HQ"}),
        "listStaff": endpoints.list_staff({}),
        "getStaffMember": endpoints.get_staff("98723"),
        "listSurveys": endpoints.list_surveys({}),
        "listEmailTemplates": endpoints.list_email_templates({}),
        "listTextMessageTemplates": endpoints.list_text_message_templates({}),
    }  # fmt: skip
    assert sorted(calls) == sorted(operation.operation_id for operation in openapi.OPERATIONS)
    for operation in openapi.OPERATIONS:
        call = calls[operation.operation_id]
        template = operation.path.replace("{id}", "")
        assert (call.method.lower(), call.path.startswith(template)) == (operation.method, True)
        assert call.model is getattr(contract, operation.result)


# --- the sandbox builds every shape with every field --------------------------------


def unset_fields(source: str, name: str) -> list[tuple[str, str, list[str]]]:
    """(where, shape, fields not set) for each `contract.X(...)` in `source`
    that does not name every field of X (a `**spread` counts as naming all)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "contract"
            and node.func.attr not in ("Error", "FieldError")  # defaults mean "none"
            and all(keyword.arg is not None for keyword in node.keywords)
        ):
            given = {keyword.arg for keyword in node.keywords}
            unset = sorted(set(fields(getattr(contract, node.func.attr))) - given)
            if unset:
                found.append((f"{name}:{node.lineno}", node.func.attr, unset))
    return found


def test_the_sandbox_sets_every_field_of_what_it_builds() -> None:
    # A field with a default (the client's tolerance for the seed's short
    # examples) would otherwise go out as that default, never set.
    sources = {path.name: path.read_text(encoding="utf-8") for path in SANDBOX.glob("*.py")}
    assert sum(source.count("contract.") for source in sources.values()) > 20
    assert [found for name, source in sources.items() for found in unset_fields(source, name)] == []


def test_the_check_finds_a_field_left_unset() -> None:
    source = 'contract.Site(id="1", site_code="hq", name="HQ", city=None, region="North")'
    assert unset_fields(source, "x.py") == [("x.py:1", "Site", ["site_type"])]


# --- what the sandbox sends is the document's shape, exactly -------------------


async def fetch_all() -> dict[str, httpx.Response]:
    app = create_app(seed="demo", now=NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", headers=HEADERS
    ) as http:
        created = await http.post("/feedback_requests", json=openapi.NEW_FEEDBACK_REQUEST)
        site = await http.post("/sites", json=openapi.NEW_SITE)
        paths = {
            "listFeedbackRequests": "/feedback_requests?per_page=100",
            "getFeedbackRequest": f"/feedback_requests/{created.json()['id']}",
            "listFeedbackResponses": "/feedback_responses?per_page=100",
            "getFeedbackResponse": "/feedback_responses/1",
            "getResponseRate": "/response_rate",
            "getNps": "/nps",
            "getCsat": "/csat",
            "listSites": "/sites",
            "getSite": "/sites/hq",
            "listStaff": "/staff",
            "getStaffMember": "/staff/98723",
            "listSurveys": "/surveys",
            "listEmailTemplates": "/email_templates",
            "listTextMessageTemplates": "/text_message_templates",
        }
        answers = {name: await http.get(path) for name, path in paths.items()}
        answers["createFeedbackRequest"] = created
        answers["createSite"] = site
        answers["updateSite"] = await http.patch("/sites/hq", json={"city": "  "})
        return answers


ANSWERS = asyncio.run(fetch_all())


@pytest.mark.parametrize("operation", openapi.OPERATIONS, ids=lambda op: op.operation_id)
def test_every_answer_is_the_documented_shape_exactly(operation: openapi.Operation) -> None:
    response = ANSWERS[operation.operation_id]
    assert response.status_code == operation.status, response.text
    spec = DOCUMENT["paths"][operation.path][operation.method]["responses"][str(operation.status)]
    ((media, content),) = spec["content"].items()
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    validator(content["schema"]).validate(response.json())
    # The client's exact path takes it as it is: no field unknown, none
    # missing, every type as documented.
    shape = getattr(contract, operation.result)
    kind = list[shape] if operation.listed else shape  # type: ignore[valid-type]
    decoded = msgspec.json.decode(response.content, type=kind)
    assert (decoded if operation.listed else [decoded]) != []


def test_blank_text_is_stored_and_returned_as_null() -> None:
    assert ANSWERS["updateSite"].json()["city"] is None


# --- examples: from the seed, valid against their schemas ---------------------------


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_has_a_valid_example(name: str) -> None:
    examples = SCHEMAS[name]["examples"]
    assert examples
    for example in examples:
        validator(ref(name)).validate(example)


def media_examples() -> list[tuple[str, dict[str, Any], Any]]:
    found = []
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            bodies = {"requestBody": operation.get("requestBody", {}).get("content", {})}
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    response = DOCUMENT["components"]["responses"][
                        response["$ref"].rsplit("/", 1)[1]
                    ]
                bodies[status] = response.get("content", {})
            for where, content in bodies.items():
                for media, body in content.items():
                    found.append(
                        (f"{method} {path} {where} {media}", body["schema"], body["example"])
                    )
    return found


@pytest.mark.parametrize(
    ("where", "schema", "example"), media_examples(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_operation_example_is_valid(where: str, schema: dict[str, Any], example: Any) -> None:
    validator(schema).validate(example)


def test_the_request_examples_are_accepted_by_the_rules() -> None:
    assert (
        api_rules.check_feedback_request(openapi.NEW_FEEDBACK_REQUEST, now=NOW)["survey_id"] == 1484
    )
    assert api_rules.check_site(openapi.NEW_SITE, resource="/sites/")["site_code"] == "hq"
