import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from cswidget.jinja import WidgetDefaults, WidgetExtension

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.add_extension(WidgetExtension)
templates.env.cswidget = WidgetDefaults(
    org="acme", script_src="https://acme.example/survey_widget.js", on_error="omit"
)


async def thanks(request: Request) -> Response:
    # A fresh CSP nonce per response: the cswidget_* globals read `csp_nonce`.
    nonce = secrets.token_urlsafe(16)
    context = {
        "csp_nonce": nonce,
        "customer": {"name": "Kate", "email": "kate@example.com"},
        "order_reference": "INV-2090",
    }
    response = templates.TemplateResponse(request, "thanks.html", context)
    response.headers["Content-Security-Policy"] = f"script-src 'nonce-{nonce}' https://acme.example"
    return response


app = Starlette(routes=[Route("/thanks", thanks)])
