"""The demo site's ASGI app: `uvicorn demo_site.app:app`."""

from __future__ import annotations

from cswidget.extras import MissingExtraError, installed

if not installed("demo"):
    raise MissingExtraError("demo", feature="the demo site")

import os
import re
import secrets
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

import cswidget.jinja
from cswidget.sandbox import API_PATHS, Store
from cswidget.sandbox import create_app as create_api
from cswidget.vocabulary import CUSTOMER_FIELDS

from . import builder, decoded, gallery, lifecycle, pages, sandbox
from .security import Receive, Scope, SecurityHeaders, Send
from .surveys import load_account

HERE = Path(__file__).parent
# The REST API authenticates with a header, not a cookie: no CSRF token there.
# A feedback request's survey page (/r/<signed id>) is reached only through
# its unguessable link, which a cross-site form cannot know.
API_PREFIXES = tuple(sorted({path.split("{")[0] for path in API_PATHS}))
SCRIPTED_DEFAULT_DELAY_MS = 20_000
MAX_DELAY_MS = 600_000


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    cswidget.jinja.setup(env)
    env.globals["scenarios"] = pages.SCENARIOS
    env.filters["pyrepr"] = repr
    # Markup shown as source: a plain str, so autoescape escapes it.
    env.filters["source"] = str.__str__
    env.filters["decoded"] = decoded.decode
    return Jinja2Templates(env=env, context_processors=[request_security])


def request_security(request: Request) -> dict[str, str]:
    """The nonce and CSRF token SecurityHeaders chose for this request, for every template."""
    return {"csp_nonce": request.state.csp_nonce, "csrf_token": request.state.csrf_token}


def render_snippet(templates: Jinja2Templates, scenario: pages.Scenario, nonce: str) -> Markup:
    template = templates.env.get_template(scenario.snippet_template)
    return Markup(template.render(pages.snippet_context(nonce=nonce)).strip())


def _page(
    request: Request,
    slug: str,
    **context: Any,
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    scenario = pages.BY_SLUG[slug]
    nonce = request.state.csp_nonce
    return templates.TemplateResponse(
        request,
        f"{slug}.html",
        {
            "scenario": scenario,
            "snippet": render_snippet(templates, scenario, nonce),
            "nonce": nonce,
            **pages.snippet_context(nonce=nonce),
            **context,
        },
    )


async def index(request: Request) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    snippets = {
        scenario.slug: render_snippet(templates, scenario, request.state.csp_nonce)
        for scenario in pages.SCENARIOS
        if scenario.slug != "builder"
    }
    return templates.TemplateResponse(request, "index.html", {"snippets": snippets})


async def prebuilt(request: Request) -> Response:
    return _page(request, "prebuilt")


async def native(request: Request) -> Response:
    return _page(request, "native")


async def scripted(request: Request) -> Response:
    # ?delay_ms=... shortens the "time on page" delay, e.g. for a quick look.
    text = request.query_params.get("delay_ms", "")
    delay = int(text) if re.fullmatch("[0-9]{1,6}", text) else SCRIPTED_DEFAULT_DELAY_MS
    return _page(request, "scripted", delay_ms=min(delay, MAX_DELAY_MS))


async def deferred(request: Request) -> Response:
    return _page(request, "deferred")


async def csp(request: Request) -> Response:
    # Every page gets the same strict policy (security.SecurityHeaders); this
    # page shows it off.
    return _page(request, "csp")


async def logged_in(request: Request) -> Response:
    return _page(request, "logged-in", session=pages.FAKE_SESSION, customer_fields=CUSTOMER_FIELDS)


async def hostile(request: Request) -> Response:
    if gallery.corpus() is None:
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "hostile_missing.html", {"path": gallery.HOSTILE_FILE}, status_code=404
        )
    return _page(request, "hostile")


async def snippet_builder(request: Request) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    result = None
    form = builder.Form()
    status_code = 200
    if request.method == "POST":
        data = await request.form()
        form = builder.read_form(data)
        if data.get("action") == "add_row":
            # At the limit the button is gone; a crafted post adds nothing.
            if len(form.rows) < builder.MAX_ROWS:
                form.rows.append(builder.Row())
        else:
            result = builder.build(form)
            status_code = 200 if result.snippet is not None else 422
    while len(form.rows) < builder.DEFAULT_ROWS:
        form.rows.append(builder.Row())
    return templates.TemplateResponse(
        request,
        "builder.html",
        {
            "scenario": pages.BY_SLUG["builder"],
            "form": form,
            "result": result,
            "categories": builder.CATEGORY_LABELS,
            "builder": builder,
        },
        status_code=status_code,
    )


async def error_page(request: Request, exc: Exception) -> Response:
    """Styled 403, 404 and 405 pages that lead back home."""
    status_code = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = exc.headers if isinstance(exc, HTTPException) else None
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status_code": status_code, "path": request.url.path},
        status_code=status_code,
        headers=headers,
    )


async def forbidden(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer to a form post without a valid CSRF token."""
    request = Request(scope, receive)
    response = await error_page(request, HTTPException(403))
    await response(scope, receive, send)


async def favicon(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


# Where `make demo` serves: feedback request links and Link headers use it.
# The Makefile passes its HOST and PORT here; never taken from a request's
# Host header, which a client chooses.
DEMO_BASE_URL = os.environ.get("CSWIDGET_DEMO_BASE_URL", "http://127.0.0.1:8000")


def create_app(*, store: Store | None = None, base_url: str = DEMO_BASE_URL) -> Starlette:
    """A fresh demo app: its pages, and the REST API sandbox (`cswidget.sandbox`)
    on the same port, over `store` (default: a new in-memory one with the
    demo account). Responses filed by the widget's survey land in the same
    store, so the API lists them."""
    api = create_api(
        db=Store.open(":memory:", link_base=base_url) if store is None else store,
        seed="demo",
        base_url=base_url,
    )
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/prebuilt", prebuilt),
            Route("/native", native),
            Route("/scripted", scripted),
            Route("/deferred", deferred),
            Route("/csp", csp),
            Route("/logged-in", logged_in),
            Route("/hostile", hostile),
            Route("/builder", snippet_builder, methods=["GET", "POST"]),
            Route("/favicon.ico", favicon),
            *(Route(path, api) for path in API_PATHS),
            *sandbox.routes,
            *lifecycle.routes,
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(
                SecurityHeaders,
                secret=secrets.token_bytes(32),
                on_forbidden=forbidden,
                csrf_exempt=API_PREFIXES,
            )
        ],
        exception_handlers={403: error_page, 404: error_page, 405: error_page},
    )
    app.state.templates = make_templates()
    app.state.account = load_account()
    app.state.store = api.state.sandbox.store
    return app


app = create_app()
