"""The sandbox's ASGI app: every REST API v1 endpoint of the seed.

from cswidget.sandbox import create_app
app = create_app(db=":memory:", token="secret", seed="demo")
# uvicorn.run(app, port=8010), or mount it, or httpx.ASGITransport(app=app)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any, Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import openapi, wire
from ..api_rules import (
    SITES_RESOURCE,
    UnpermittedParameters,
    check_feedback_request,
    check_site,
    format_timestamp,
    parse_timestamp,
)
from ..errors import FieldError, ValidationError
from ..vocabulary import (
    ALLOWED_VALUES,
    DATE_PERIODS,
    FEEDBACK_REQUEST_STATES,
    FEEDBACK_RESPONSE_FILTERS,
    GREATER_THAN,
    INVALID_DATE,
    INVALID_VALUE,
    MESSAGE,
    METRIC_FILTERS,
    SANDBOX_TOKEN,
    STAFF_FILTERS,
)
from . import metrics, periods, survey_page
from .http import (
    KEYSET_PAGING,
    PAGING,
    ApiError,
    Query,
    check_headers,
    database_work,
    error_response,
    json_response,
    list_headers,
    read_json,
)
from .storage import MetricFilter, Page, ResponseFilter, Store, TakenError, UnknownPosition

__all__ = ["API_PATHS", "DEFAULT_BASE_URL", "DEFAULT_TOKEN", "create_app"]

# The token the seed's own examples send most often, so they run as written
# (defined in the core: `cswidget api` checks for it, and may not import this).
DEFAULT_TOKEN: Final = SANDBOX_TOKEN
DEFAULT_BASE_URL: Final = "http://127.0.0.1:8010"
# Paths outside the API's header rules: the OpenAPI document, and the survey
# pages a feedback request's `link` opens (for customers, not API clients).
OPEN_PATHS: Final = ("/openapi.json",)
OPEN_PREFIXES: Final = (survey_page.PREFIX,)
SECURITY_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
)

Handler = Callable[[Request], Response]

# Every endpoint that touches the database is a plain function, run in
# Starlette's thread pool (`database_work`, `_on_database`), so SQLite never
# blocks the event loop (a file database gives each thread its own
# connection; reads run beside a write). Endpoints that read a body await it
# on the loop, then hand the rest to the pool.


class Sandbox:
    """The state the endpoints share: the store, the token, the base URL, the clock."""

    def __init__(
        self, *, store: Store, token: str, base_url: str, now: datetime | None = None
    ) -> None:
        self.store = store
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.frozen_now = now.astimezone(UTC) if now is not None else None

    def now(self) -> datetime:
        return self.frozen_now or datetime.now(UTC).replace(microsecond=0)


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def _listed(request: Request, query: Query, page: int, per_page: int, found: Page) -> Response:
    headers = list_headers(
        base_url=_sandbox(request).base_url,
        query=query,
        page=page,
        per_page=per_page,
        total=found.total,
        snapshot=found.snapshot,
        last_id=found.last_id,
    )
    return json_response(found.items, headers=headers)


def _row_id(request: Request) -> int:
    text: str = request.path_params["id"]
    # Digits only, and few enough to be an id: `/feedback_responses/<5000
    # digits>` is simply not found.
    if not (text.isascii() and text.isdigit() and len(text) <= 16):
        raise ApiError(404, "Not found")
    return int(text)


def _found(item: Any) -> Response:
    if item is None:
        raise ApiError(404, "Not found")
    return json_response(item)


# --- feedback requests


async def create_feedback_request(request: Request) -> Response:
    body = await read_json(request)
    return await database_work(request, _create_feedback_request, _sandbox(request), body)


def _create_feedback_request(sandbox: Sandbox, body: Any) -> Response:
    now = sandbox.now()
    checked = check_feedback_request(body, now=now)
    store = sandbox.store
    resource = "/feedback_requests/"
    errors: list[FieldError] = []
    if not store.has_survey(checked["survey_id"]):
        errors.append(_not_owned(resource, "survey_id"))
    if checked["email_template_id"] is not None and not store.has_email_template(
        checked["email_template_id"]
    ):
        errors.append(_not_owned(resource, "email_template_id"))
    sms = checked["sms"]
    if sms is not None and not store.has_text_message_template(sms["text_message_template_id"]):
        errors.append(_not_owned(resource, "sms.text_message_template_id"))
    for index, reminder in enumerate(checked["reminders"]):
        for name, exists in (
            ("email_template_id", store.has_email_template),
            ("text_message_template_id", store.has_text_message_template),
        ):
            if reminder[name] is not None and not exists(reminder[name]):
                errors.append(_not_owned(resource, f"reminders[{index}].{name}"))
    if errors:
        raise ValidationError(errors)
    data = {entry["key"]: entry["value"] for entry in checked["data"]}
    created = store.create_feedback_request(
        checked,
        now=format_timestamp(now),
        site_id=store.site_by_code(data["site_code"]) if data.get("site_code") else None,
        staff_id=store.staff_by_code(data["staff_code"]) if data.get("staff_code") else None,
    )
    return json_response(created, 201)


def _not_owned(resource: str, field: str) -> FieldError:
    return FieldError(resource, field, INVALID_VALUE, {MESSAGE: "not one of this account's"})


def list_feedback_requests(request: Request) -> Response:
    query = Query(request, (*KEYSET_PAGING, "state"))
    page, per_page, snapshot = query.paging()
    after = query.after()
    state = query.text("state")
    if state is not None and state not in FEEDBACK_REQUEST_STATES:
        query.errors.append(
            FieldError(
                query.resource, "state", INVALID_VALUE, {ALLOWED_VALUES: [*FEEDBACK_REQUEST_STATES]}
            )
        )
    query.finish()
    try:
        found = _sandbox(request).store.feedback_requests(
            page=page, per_page=per_page, state=state, snapshot=snapshot, after=after
        )
    except UnknownPosition:
        raise query.unknown_position() from None
    return _listed(request, query, page, per_page, found)


async def feedback_requests(request: Request) -> Response:
    if request.method == "POST":
        return await create_feedback_request(request)
    return await database_work(request, list_feedback_requests, request)


def get_feedback_request(request: Request) -> Response:
    Query(request, ())
    return _found(_sandbox(request).store.feedback_request(_row_id(request)))


# --- feedback responses


def list_feedback_responses(request: Request) -> Response:
    query = Query(request, (*KEYSET_PAGING, *FEEDBACK_RESPONSE_FILTERS))
    page, per_page, snapshot = query.paging()
    after = query.after()
    where = ResponseFilter(
        created_since=_time(query, "created_since"),
        updated_since=_time(query, "updated_since"),
        email=query.text("email"),
        survey_ids=query.ids("survey_ids[]"),
        site_ids=query.ids("site_ids[]"),
        staff_ids=query.ids("staff_ids[]"),
    )
    query.finish()
    try:
        found = _sandbox(request).store.feedback_responses(
            page=page, per_page=per_page, where=where, snapshot=snapshot, after=after
        )
    except UnknownPosition:
        raise query.unknown_position() from None
    return _listed(request, query, page, per_page, found)


def _time(query: Query, name: str) -> str | None:
    text = query.text(name)
    if text is None:
        return None
    try:
        return format_timestamp(parse_timestamp(text, resource=query.resource, field=name))
    except ValidationError as error:
        query.errors.extend(error.errors)
        return None


def get_feedback_response(request: Request) -> Response:
    Query(request, ())
    return _found(_sandbox(request).store.feedback_response(_row_id(request)))


# --- metrics


def _scope(request: Request, endpoint: str) -> MetricFilter:
    sandbox = _sandbox(request)
    query = Query(request, METRIC_FILTERS)
    from_text, to_text = _time(query, "from_time"), _time(query, "to_time")
    period = query.text("period")
    company_name = query.text("company_name")
    survey_ids = query.ids("survey_ids[]")
    site_ids = query.ids("site_ids[]")
    staff_ids = query.ids("staff_ids[]")
    default_from, default_to = periods.default_window(endpoint, now=sandbox.now())
    window = (from_text or format_timestamp(default_from), to_text or format_timestamp(default_to))
    if period is not None:
        if period in DATE_PERIODS:
            # "If you pass both from/to times and period, the times you passed
            # will be ignored."
            start, end = periods.window(period, now=sandbox.now())
            window = (format_timestamp(start), format_timestamp(end))
        else:
            query.errors.append(
                FieldError(
                    query.resource, "period", INVALID_VALUE, {ALLOWED_VALUES: [*DATE_PERIODS]}
                )
            )
    elif window[0] > window[1]:
        query.errors.append(
            FieldError(
                query.resource,
                "to_time",
                INVALID_DATE,
                {GREATER_THAN: window[0], MESSAGE: "must not be before from_time"},
            )
        )
    query.finish()
    return MetricFilter(
        from_time=window[0],
        to_time=window[1],
        company_name=company_name or None,
        survey_ids=survey_ids,
        site_ids=site_ids,
        staff_ids=staff_ids,
    )


def response_rate(request: Request) -> Response:
    sent, delivered, replied = _sandbox(request).store.request_counts(
        _scope(request, "response_rate")
    )
    return json_response(metrics.response_rate(sent=sent, delivered=delivered, replied=replied))


def nps(request: Request) -> Response:
    counts = _sandbox(request).store.score_counts("nps", _scope(request, "nps"))
    return json_response(metrics.nps(counts))


def csat(request: Request) -> Response:
    counts = _sandbox(request).store.score_counts("csat", _scope(request, "csat"))
    return json_response(metrics.csat(counts))


# --- sites, staff, surveys, templates


async def sites(request: Request) -> Response:
    if request.method == "POST":
        body = await read_json(request)
        return await database_work(request, _create_site, _sandbox(request).store, body)
    return await database_work(request, _list_sites, request)


def _create_site(store: Store, body: Any) -> Response:
    checked = check_site(body, resource=SITES_RESOURCE)
    try:
        return json_response(store.create_site(checked), 201)
    except TakenError as taken:
        raise _taken(SITES_RESOURCE, taken.field) from None


def _list_sites(request: Request) -> Response:
    store = _sandbox(request).store
    query = Query(request, PAGING)
    page, per_page, snapshot = query.paging()
    query.finish()
    return _listed(
        request, query, page, per_page, store.sites(page=page, per_page=per_page, snapshot=snapshot)
    )


def _taken(resource: str, field: str) -> ValidationError:
    return ValidationError(
        [FieldError(resource, field, "custom", {MESSAGE: "has already been taken"})]
    )


async def site(request: Request) -> Response:
    body = await read_json(request) if request.method == "PATCH" else None
    return await database_work(request, _site, request, body)


def _site(request: Request, body: Any) -> Response:
    store = _sandbox(request).store
    key: str = request.path_params["id"]
    found = store.site(key)
    if request.method == "PATCH":
        resource = f"/sites/{key}"
        changes = check_site(body, resource=resource, partial=True)
        if found is None:
            raise ApiError(404, "Not found")
        try:
            return json_response(store.update_site(int(found.id), changes))
        except TakenError as taken:
            raise _taken(resource, taken.field) from None
    Query(request, ())
    return _found(found)


def staff(request: Request) -> Response:
    query = Query(request, (*PAGING, *STAFF_FILTERS))
    page, per_page, snapshot = query.paging()
    email, code = query.text("email"), query.text("code")
    query.finish()
    found = _sandbox(request).store.staff(
        page=page, per_page=per_page, email=email, code=code, snapshot=snapshot
    )
    return _listed(request, query, page, per_page, found)


def staff_member(request: Request) -> Response:
    Query(request, ())
    return _found(_sandbox(request).store.staff_member(_row_id(request)))


def _by_name(lister: str) -> Handler:
    def endpoint(request: Request) -> Response:
        query = Query(request, PAGING)
        page, per_page, snapshot = query.paging()
        query.finish()
        found = getattr(_sandbox(request).store, lister)(
            page=page, per_page=per_page, snapshot=snapshot
        )
        return _listed(request, query, page, per_page, found)

    endpoint.__name__ = lister
    return endpoint


def _on_database(endpoint: Handler) -> Callable[[Request], Awaitable[Response]]:
    """`endpoint` run as `database_work`: in the thread pool, or inline."""

    async def run(request: Request) -> Response:
        return await database_work(request, endpoint, request)

    run.__name__ = endpoint.__name__
    return run


async def openapi_document(request: Request) -> Response:
    # The document itself is plain JSON, for any tool to load.
    document = openapi.document(base_url=_sandbox(request).base_url)
    return Response(wire.encode(document), media_type="application/json")


ROUTES: Final = (
    Route("/feedback_requests", feedback_requests, methods=["GET", "POST"]),
    Route("/feedback_requests/{id}", _on_database(get_feedback_request), methods=["GET"]),
    Route("/feedback_responses", _on_database(list_feedback_responses), methods=["GET"]),
    Route("/feedback_responses/{id}", _on_database(get_feedback_response), methods=["GET"]),
    Route("/response_rate", _on_database(response_rate), methods=["GET"]),
    Route("/nps", _on_database(nps), methods=["GET"]),
    Route("/csat", _on_database(csat), methods=["GET"]),
    Route("/sites", sites, methods=["GET", "POST"]),
    Route("/sites/{id}", site, methods=["GET", "PATCH"]),
    Route("/staff", _on_database(staff), methods=["GET"]),
    Route("/staff/{id}", _on_database(staff_member), methods=["GET"]),
    Route("/surveys", _on_database(_by_name("surveys")), methods=["GET"]),
    Route("/email_templates", _on_database(_by_name("email_templates")), methods=["GET"]),
    Route(
        "/text_message_templates", _on_database(_by_name("text_message_templates")), methods=["GET"]
    ),
    Route("/openapi.json", openapi_document, methods=["GET"]),
    *survey_page.ROUTES,
)

# Every path the app answers, for a host app that routes them to it (the demo
# site: `Route(path, sandbox_app)` for each, so its own pages keep their 404s).
API_PATHS: Final = tuple(route.path for route in ROUTES)


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError | ValidationError | UnpermittedParameters)
    return error_response(error)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    message = {404: "Not found", 405: "Method not allowed"}.get(error.status_code, error.detail)
    return ApiError(error.status_code, message, headers=error.headers).response()


async def _server_error(request: Request, error: Exception) -> Response:
    # Never expected: every input has a 4xx answer. Still JSON, never a trace.
    return ApiError(500, "Internal server error").response()


ASGIApp = Callable[..., Awaitable[None]]


class _Guard:
    """Security headers on every response; the API's header rules on every
    API request, before routing (an unknown path without a token is 401)."""

    def __init__(self, app: ASGIApp, *, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        path: str = scope["path"]
        if path not in OPEN_PATHS and not path.startswith(OPEN_PREFIXES):
            headers = {
                key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
            }
            # Two tokens are not one valid token: neither may win silently.
            if sum(key == b"authorization" for key, _ in scope["headers"]) > 1:
                headers["authorization"] = ""
            refusal = _check(headers, self.sandbox.token)
            if refusal is not None:
                await refusal(scope, receive, secured)
                return
        await self.app(scope, receive, secured)


def _check(headers: dict[str, str], token: str) -> Response | None:
    error = check_headers(headers, token=token)
    return None if error is None else error.response()


def create_app(
    *,
    db: str | Store = ":memory:",
    token: str = DEFAULT_TOKEN,
    base_url: str = DEFAULT_BASE_URL,
    now: datetime | None = None,
    seed: str | None = None,
    debug: bool = False,
    threads: bool = True,
) -> Starlette:
    """A sandbox API app over the SQLite database `db` (a path, ":memory:",
    or an open Store to share with another app).

    `token` is the API token it accepts; `base_url` is where it is served
    (Link headers and feedback request links are built on it, never on the
    request's Host); `now` (aware) freezes its clock; `seed="demo"` loads
    the demo account into an empty database. `threads=False` runs the
    database work on the event loop instead of Starlette's thread pool: for
    an app in process with one caller at a time (cswidget.testing), where
    the hop to a thread costs more than the work; a served sandbox keeps
    the default, so one slow request never stalls the others.

        app = create_app(db="sandbox.db", seed="demo", now=datetime(2023, 8, 19, tzinfo=UTC))
    """
    store = db if isinstance(db, Store) else Store.open(db, link_base=base_url.rstrip("/"))
    if seed is not None:
        from . import seed as seeds

        seeds.load(seed, store=store, now=now or datetime.now(UTC))
    sandbox = Sandbox(store=store, token=token, base_url=base_url, now=now)
    app = Starlette(
        debug=debug,
        routes=list(ROUTES),
        exception_handlers={
            ApiError: _api_error,
            ValidationError: _api_error,
            UnpermittedParameters: _api_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    # No trailing-slash redirects: Starlette builds their Location from the
    # request's Host, and every URL the sandbox hands out comes from base_url.
    app.router.redirect_slashes = False
    app.state.sandbox = sandbox
    app.state.threads = threads
    app.add_middleware(_Guard, sandbox=sandbox)
    return app
