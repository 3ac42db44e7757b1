"""A check against the real Klaro, run by hand (not part of the suite: Klaro's
npm package lists its build tools as dependencies, about 160 packages).

    cd /tmp && npm pack klaro@0.7.22 && tar xzf klaro-0.7.22.tgz
    .venv/bin/python tests/manual/klaro_check.py /tmp/package/dist/klaro.js

It serves a page with Klaro and a `consent="klaro:customersure"` embed, and
prints the requests for the widget script and the init() count: none before
"That's ok", one of each after, and one of each on a later visit (consent
kept in Klaro's cookie). Exits 1 if any of that is not so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Route, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from conftest import CHROMIUM_ARGS, chromium_executable
from cswidget import Widget

SITE = "https://site.example"
STAND_IN = (
    "window.CustomerSureSurveyWidget={init:function(){window.__inits=(window.__inits||0)+1;}};"
)
CONFIG = (
    'var klaroConfig={storageMethod:"cookie",cookieName:"klaro",acceptAll:true,services:'
    '[{name:"customersure",title:"CustomerSure",purposes:["analytics"]}]};'
)


def answer(body: bytes, content_type: str) -> Callable[[Route], None]:
    return lambda route: route.fulfill(body=body, content_type=content_type)


def open_page(context: BrowserContext, klaro: bytes, requests: list[str]) -> Page:
    widget = Widget(org="acme", survey="AKknWccEFf7", script_src=f"{SITE}/survey_widget.js")
    html = (
        f'<!doctype html><html lang="en"><head><title>Klaro</title><script>{CONFIG}</script>'
        f'<script defer src="{SITE}/klaro.js" data-config="klaroConfig"></script></head>'
        f"<body>{widget.embed({'name': 'Kate'}, consent='klaro:customersure')}</body></html>"
    )
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    bodies = {
        "/page": (html.encode(), "text/html; charset=utf-8"),
        "/klaro.js": (klaro, "text/javascript; charset=utf-8"),
        "/survey_widget.js": (STAND_IN.encode(), "text/javascript"),
    }
    for path, (body, content_type) in bodies.items():
        page.route(SITE + path, answer(body, content_type))
    page.goto(SITE + "/page")
    return page


def widget_requests(requests: list[str]) -> int:
    return sum(url.endswith("/survey_widget.js") for url in requests)


def main(klaro_js: str) -> int:
    klaro = Path(klaro_js).read_bytes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        requests: list[str] = []
        page = open_page(context, klaro, requests)
        accept = page.get_by_role("button", name="That's ok")
        accept.wait_for()
        before = (widget_requests(requests), page.evaluate("window.__inits || 0"))
        accept.click()
        page.wait_for_function("window.__inits === 1")
        after = (widget_requests(requests), page.evaluate("window.__inits"))
        requests.clear()
        later = open_page(context, klaro, requests)
        later.wait_for_function("window.__inits === 1")
        next_visit = (widget_requests(requests), later.evaluate("window.__inits"))
        browser.close()
    print(f"before consent: {before}, after: {after}, next visit: {next_visit}")
    return 0 if (before, after, next_visit) == ((0, 0), (1, 1), (1, 1)) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
