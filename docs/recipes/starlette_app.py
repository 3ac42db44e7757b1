import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from cswidget.jinja import WidgetDefaults, configure

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
configure(
    templates.env,
    WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js"),
    on_error="omit",
)


class CspNonceMiddleware(BaseHTTPMiddleware):
    """A fresh nonce per response, in request.state.csp_nonce (cswidget reads it there)."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        nonce = secrets.token_urlsafe(16)
        request.state.csp_nonce = nonce
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = (
            f"script-src 'nonce-{nonce}' https://acme.example"
        )
        return response


async def thanks(request: Request) -> Response:
    context = {
        "customer": {"name": "Kate", "email": "kate@example.com"},
        "order_reference": "INV-2090",
    }
    return templates.TemplateResponse(request, "thanks.html", context)


app = Starlette(routes=[Route("/thanks", thanks)], middleware=[Middleware(CspNonceMiddleware)])
