"""The library's own embed, parsed by Chromium: hostile values round-trip and nothing runs."""

from __future__ import annotations

import json

from playwright.sync_api import Page
from standin import RECORDING_WIDGET_JS as STAND_IN
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

import hostile
from cswidget import Widget
from livesrv import serve


def test_hostile_values_round_trip_in_chromium(page: Page) -> None:
    widget = Widget(org="acme", survey="AKknWccEFf7", script_src="/widget.js")
    params = {f"k{index}": value for index, value in enumerate(hostile.VALUES[:29])}
    params.update(dict.fromkeys(hostile.KEYS[:10], "v"))
    body = f"<!doctype html><title>t</title><body>{widget.embed(params)}</body>"

    async def index(request: object) -> HTMLResponse:
        return HTMLResponse(body)

    async def script(request: object) -> HTMLResponse:
        return HTMLResponse(STAND_IN, media_type="text/javascript")

    app = Starlette(routes=[Route("/", index), Route("/widget.js", script)])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve(app) as base_url:
        page.goto(base_url + "/")
        seen = page.evaluate("window.__seen")
        pwned = page.evaluate("typeof window.__pwned")
    assert seen == {"widget": {"org": "acme", "survey": "AKknWccEFf7"}, "survey": params}
    assert pwned == "undefined"
    assert dialogs == []
    assert json.dumps(seen["survey"], sort_keys=True) == json.dumps(params, sort_keys=True)
