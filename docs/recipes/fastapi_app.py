import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cswidget.jinja import WidgetDefaults, configure

app = FastAPI()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
configure(
    templates.env,
    WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js"),
    on_error="omit",
)


@app.middleware("http")
async def csp_nonce(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    # A fresh nonce per response, in request.state.csp_nonce (cswidget reads it there).
    nonce = secrets.token_urlsafe(16)
    request.state.csp_nonce = nonce
    response = await call_next(request)
    response.headers["Content-Security-Policy"] = f"script-src 'nonce-{nonce}' https://acme.example"
    return response


@app.get("/thanks", response_class=HTMLResponse)
async def thanks(request: Request) -> Response:
    context = {
        "customer": {"name": "Kate", "email": "kate@example.com"},
        "order_reference": "INV-2090",
    }
    return templates.TemplateResponse(request, "thanks.html", context)
