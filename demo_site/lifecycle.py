"""The widget's life on real sites: consent banners, Turbo, htmx, auto-insertion.

Pages: /consent?manager=... (a banner for each consent manager), /turbo
(Turbo Drive pages, a 422 form, a data-turbo-permanent pair), /htmx (boosted
links and fragment swaps) and /auto-embed (a page the ASGI middleware embeds
the widget into). Turbo and htmx are served from node_modules/ (`npm ci`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from cswidget import Widget
from cswidget.asgi import AutoEmbedMiddleware, Scope

from . import pages

ROOT = Path(__file__).resolve().parents[1]
VENDOR: Final = {
    "turbo.js": ROOT / "node_modules" / "@hotwired" / "turbo" / "dist" / "turbo.es2017-umd.js",
    "htmx.js": ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
}

# manager -> the consent= value its demo uses.
CONSENTS: Final = {
    "event": "event:survey-consent",
    "cookiebot": "cookiebot:statistics",
    "klaro": "klaro:customersure",
    "onetrust": "onetrust:C0002",
}
MANAGER_LABELS: Final = {
    "event": "Site's own event",
    "cookiebot": "Cookiebot",
    "klaro": "Klaro",
    "onetrust": "OneTrust",
}
AUTO_EMBED_PARAMS: Final = {"reference": "AUTO-7"}
TURBO_PAGES: Final = {"": "Page one", "two": "Page two"}


def _nonce(request: Request) -> str:
    # demo_site.security puts the response's nonce there; its policy allows it.
    nonce: str = request.state.csp_nonce
    return nonce


def _render(
    request: Request,
    slug: str,
    template: str,
    *,
    nonce: str | None = None,
    snippet_context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    scenario = pages.BY_SLUG[slug]
    nonce = nonce or _nonce(request)
    values = {**pages.snippet_context(nonce=nonce), **(snippet_context or {})}
    snippet = Markup(templates.env.get_template(scenario.snippet_template).render(values).strip())
    return templates.TemplateResponse(
        request,
        template,
        {"scenario": scenario, "snippet": snippet, **values, **context},
        status_code=status_code,
        headers=headers,
    )


async def consent(request: Request) -> Response:
    manager = request.query_params.get("manager", "event")
    if manager not in CONSENTS:
        manager = "event"
    # 'strict-dynamic': a manager that copies attributes (Klaro) loses the
    # hidden nonce, and scripts a trusted script inserts may still run.
    request.state.csp_strict_dynamic = True
    return _render(
        request,
        "consent",
        "consent.html",
        snippet_context={"consent": CONSENTS[manager]},
        manager=manager,
        consent_name=CONSENTS[manager].partition(":")[2],
        managers=MANAGER_LABELS,
    )


def _turbo(request: Request, page: str, *, permanent: bool = False, **context: Any) -> Response:
    return _render(
        request,
        "turbo",
        "turbo.html",
        page=page,
        page_title=TURBO_PAGES.get(page, "Form"),
        permanent=permanent,
        **context,
    )


async def turbo(request: Request) -> Response:
    return _turbo(request, "")


async def turbo_two(request: Request) -> Response:
    return _turbo(request, "two")


async def turbo_permanent(request: Request) -> Response:
    return _turbo(request, request.path_params.get("page", ""), permanent=True)


async def turbo_form(request: Request) -> Response:
    if request.method == "POST":
        comment = str((await request.form()).get("comment", "")).strip()
        if comment:
            return RedirectResponse("/turbo/two", status_code=303)
        # Turbo renders a 4xx form response without turbo:load (hotwired/turbo#85).
        return _turbo(request, "form", error="Please write a comment.", status_code=422)
    return _turbo(request, "form")


async def htmx(request: Request) -> Response:
    return _render(request, "htmx", "htmx.html", page="", page_title="Page one")


async def htmx_two(request: Request) -> Response:
    return _render(request, "htmx", "htmx.html", page="two", page_title="Page two")


async def htmx_fragment(request: Request) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    text = request.query_params.get("n", "1")
    number = int(text) if text.isdigit() and len(text) < 6 else 1
    return templates.TemplateResponse(
        request,
        "htmx_fragment.html",
        {**pages.snippet_context(nonce=_nonce(request)), "number": number},
    )


async def _auto_embed_page(scope: Scope, receive: Any, send: Any) -> None:
    # demo_site.security put the response's nonce in request.state.csp_nonce,
    # where the auto-embed middleware finds it too.
    request = Request(scope, receive)
    response = _render(request, "auto-embed", "auto-embed.html")
    await response(scope, receive, send)


auto_embed = AutoEmbedMiddleware(
    _auto_embed_page,
    widget=Widget(org=pages.ORG, survey=pages.SURVEY, script_src=pages.SCRIPT_SRC),
    params=lambda scope: AUTO_EMBED_PARAMS,
)


async def vendor(request: Request) -> Response:
    path = VENDOR.get(request.path_params["name"])
    if path is None:
        return PlainTextResponse("Not Found", status_code=404)
    if not path.is_file():
        return PlainTextResponse(f"{path} is missing: run `npm ci`.", status_code=404)
    return FileResponse(path, media_type="text/javascript")


routes = [
    Route("/consent", consent),
    Route("/turbo", turbo),
    Route("/turbo/two", turbo_two),
    Route("/turbo/form", turbo_form, methods=["GET", "POST"]),
    Route("/turbo/permanent", turbo_permanent),
    Route("/turbo/permanent/{page:str}", turbo_permanent),
    Route("/htmx", htmx),
    Route("/htmx/two", htmx_two),
    Route("/htmx/fragment", htmx_fragment),
    Route("/auto-embed", auto_embed),
    Route("/vendor/{name:str}", vendor),
]
