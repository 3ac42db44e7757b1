"""The auto-insert middlewares never write the widget into a script, a style
or any other raw text, proven in Chromium with the hostile corpus.

Both middlewares (Django's, through its ASGI handler, and the pure ASGI one
on Starlette) serve the pages of tests/rawtext.py over real HTTP, each under
four consent settings (Cookiebot, Klaro, OneTrust, none; no nonce), with
values of tests/hostile.py as the customer's data:

- the case of issue 18: a page whose only `</body>` is in a comment of an
  inline script and a customer named `*/alert(1)//`, loaded by navigation:
  the page is served untouched and nothing runs;
- the corpus: every context of tests/rawtext.py after a real `</body>`
  (shape `after_body`). Chromium's own parser reads each response (fetched
  from the middleware, written into a frame with `document.write`, which
  runs scripts as a navigation does, at a fraction of a navigation's cost);
  no `alert`, `confirm`, `prompt`, `print` or `__pwned` may run, and the
  widget must be one HTML element in the body whose params read back
  exactly. The values go 100 to a page, the consent settings taking turns,
  except that in the contexts where a browser runs script, the values
  written to run there (hostile.INSIDE_SCRIPT) have a page each under each
  consent setting: a value that breaks a script's syntax stops the whole
  script, and so could hide another's execution (a widget misplaced into a
  script fails the read-back either way).
  `CSWIDGET_RAWTEXT_ONE_VALUE_PER_PAGE=1` puts every value on a page of its
  own, in every context (15,032 pages, minutes): the full count;

It imports nothing but the middlewares, so it also runs against their old
code (the count in issue 18's closing note). That lexbor, which they ask,
and Chromium agree on where a body ends is tests/browser/test_bodyend_chromium.py.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import re_path
from playwright.sync_api import Browser, Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

import hostile
import rawtext
from cswidget import Widget
from cswidget.asgi import AutoEmbedMiddleware
from cswidget.rules import MAX_PARAMS_KEYS
from livesrv import serve

WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src="/widget.js")
CONSENTS = {
    "cookiebot": "cookiebot:statistics",
    "klaro": "klaro:customersure",
    "onetrust": "onetrust:C0002",
    "none": None,
}
MIDDLEWARES = ("django", "asgi")
ISSUE_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Thanks</title></head>\n'
    "<body>\n<h1>Thank you for your order</h1>\n"
    "<script>\n/* keep this block last, before </body> */\nwindow.analyticsReady = true;\n"
    "</script>\n</html>\n"
)
ISSUE_NAME = "*/alert(1)//"
ONE_VALUE_PER_PAGE = os.environ.get("CSWIDGET_RAWTEXT_ONE_VALUE_PER_PAGE") == "1"


def case_params(request: Any) -> dict[str, str]:
    """PARAMS of both middlewares: the customer's name, or corpus values
    `v<index>` chosen by the query string."""
    query = request.GET if isinstance(request, HttpRequest) else Request(request).query_params
    if "name" in query:
        return {"name": query["name"]}
    return {f"v{index}": hostile.VALUES[int(index)] for index in query["values"].split(",")}


def case_page(path: str, query: Any) -> str:
    if path.endswith("/issue"):
        return ISSUE_PAGE
    return rawtext.page("after_body", rawtext.BY_SLUG[query["context"]])


# --- Django: one handler per consent setting, all under this URLconf. ---


def django_case(request: HttpRequest) -> HttpResponse:
    return HttpResponse(case_page(request.path, request.GET))


urlpatterns = [re_path(r"(?:^|/)(?:case|issue)$", django_case)]
DJANGO_SETTINGS = {
    "ROOT_URLCONF": __name__,
    "MIDDLEWARE": ["cswidget.django.middleware.AutoEmbedMiddleware"],
    "CSWIDGET": {
        "ORG": "acme",
        "SCRIPT_SRC": "/widget.js",
        "AUTO_EMBED": {"SURVEY": "AKknWccEFf7", "PARAMS": f"{__name__}.case_params"},
    },
}


def django_handler(consent: str | None) -> ASGIHandler:
    # The middleware reads AUTO_EMBED when the handler loads it.
    base: dict[str, Any] = DJANGO_SETTINGS["CSWIDGET"]  # type: ignore[assignment]
    auto_embed = {**base["AUTO_EMBED"], **({} if consent is None else {"CONSENT": consent})}
    with override_settings(CSWIDGET={**base, "AUTO_EMBED": auto_embed}):
        return ASGIHandler()


# --- Starlette: one AutoEmbedMiddleware per consent setting. ---


async def starlette_case(request: Request) -> Response:
    return HTMLResponse(case_page(request.url.path, request.query_params))


INNER = Starlette(routes=[Route("/case", starlette_case), Route("/issue", starlette_case)])


def asgi_app(consent: str | None) -> Any:
    return AutoEmbedMiddleware(INNER, widget=WIDGET, params=case_params, consent=consent)


async def harness(request: Request) -> Response:
    return HTMLResponse('<!doctype html><html><body><iframe id="case"></iframe></body></html>')


async def widget_js(request: Request) -> Response:
    # The embed without consent loads the widget script: a silent stand-in.
    return Response(
        "window.CustomerSureSurveyWidget = {init: function () {}};",
        media_type="text/javascript",
        headers={"Cache-Control": "max-age=3600"},
    )


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with override_settings(**DJANGO_SETTINGS):
        mounts = [
            Mount(f"/{middleware}/{name}", app=make(consent))
            for middleware, make in (("django", django_handler), ("asgi", asgi_app))
            for name, consent in CONSENTS.items()
        ]
        app = Starlette(routes=[Route("/", harness), Route("/widget.js", widget_js), *mounts])
        with serve(app) as url:
            yield url


@pytest.fixture(scope="module")
def harness_page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/")
    yield page
    context.close()


# --- Issue 18's case, by navigation. ---

EXECUTIONS_SCRIPT = """
window.__executions = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (message) => { window.__executions.push(`${name}(${message})`); };
}
"""


@pytest.mark.parametrize("consent", ["cookiebot", "klaro", "onetrust"])
@pytest.mark.parametrize("middleware", MIDDLEWARES)
def test_issue_18_a_script_comment_holds_the_only_body_end_tag(
    browser: Browser, base_url: str, middleware: str, consent: str, caplog: pytest.LogCaptureFixture
) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with caplog.at_level(logging.WARNING, logger="cswidget"):
        response = page.goto(f"{base_url}/{middleware}/{consent}/issue?name={ISSUE_NAME}")
        assert response is not None
        body = response.text()
        served = page.evaluate("document.documentElement.outerHTML")
    context.close()
    assert dialogs == []
    assert body == ISSUE_PAGE
    assert "data-customersure-survey-widget" not in served
    assert [record.getMessage() for record in caplog.records] == [
        "cswidget: auto-embed left out: no `</body>` end tag ends the page's body (`</body>` 1 "
        "found: each is inside a script, style, comment, attribute or other raw text, or in a "
        "template, svg, math or select); end the body with a real `</body>`"
    ]


# --- The corpus in every raw text context. ---

RUN_CASES = """
async (cases) => {
  const XHTML = "http://www.w3.org/1999/xhtml";
  const frame = document.getElementById("case");
  const results = [];
  for (const url of cases) {
    const html = await (await fetch(url)).text();
    const win = frame.contentWindow;
    const executions = [];
    for (const name of ["alert", "confirm", "prompt", "print"]) {
      win[name] = (message) => { executions.push(`${name}(${message})`); };
    }
    delete win.__pwned;
    delete window.__pwned;
    const loaded = new Promise((resolve) => {
      frame.addEventListener("load", resolve, { once: true });
    });
    const doc = win.document;
    doc.open();
    doc.write(html);
    doc.close();
    await loaded;
    if (win.__pwned !== undefined) executions.push("window.__pwned");
    if (window.__pwned !== undefined) executions.push("parent.__pwned");
    const widgets = [...doc.querySelectorAll("[data-customersure-survey-widget]")].filter(
      (element) => element.namespaceURI === XHTML && element.closest("body")
    );
    results.push({
      url,
      executions,
      params: widgets.map((element) => element.getAttribute("data-survey-params")),
    });
  }
  return results;
}
"""


def pages_of(context: rawtext.Context) -> list[tuple[str, list[int]]]:
    """The pages of a context: each a consent setting and the indexes of the
    corpus values on it. Where a browser runs script, every value written to
    run there has a page under each consent setting; the other values take
    the settings in turn."""
    names = list(CONSENTS)
    indexes = list(range(len(hostile.VALUES)))
    runs = [index for index in indexes if hostile.VALUES[index] in hostile.INSIDE_SCRIPT]
    alone = [(name, [index]) for index in runs for name in names] if context.runs_script else []
    rest = [index for index in indexes if not (alone and index in runs)]
    size = 1 if ONE_VALUE_PER_PAGE else MAX_PARAMS_KEYS
    groups = [rest[start : start + size] for start in range(0, len(rest), size)]
    turn = rawtext.CONTEXTS.index(context)
    return alone + [
        (names[(number + turn) % len(names)], group) for number, group in enumerate(groups)
    ]


@pytest.mark.parametrize("context", rawtext.CONTEXTS, ids=lambda context: context.slug)
@pytest.mark.parametrize("middleware", MIDDLEWARES)
def test_the_corpus_never_runs_from_raw_text(
    harness_page: Page, middleware: str, context: rawtext.Context
) -> None:
    pages = pages_of(context)
    urls = [
        f"/{middleware}/{consent}/case?context={context.slug}&values={','.join(map(str, values))}"
        for consent, values in pages
    ]
    results = harness_page.evaluate(RUN_CASES, urls)
    executions = [
        (result["url"], result["executions"]) for result in results if result["executions"]
    ]
    misplaced = [
        result["url"]
        for result, (_, values) in zip(results, pages, strict=True)
        if [json.loads(params) for params in result["params"]]
        != [{f"v{index}": hostile.VALUES[index] for index in values}]
    ]
    cases = sum(len(values) for _, values in pages)
    assert (len(executions), len(misplaced)) == (0, 0), (
        f"{middleware}, {context.slug}: {len(executions)} of {len(pages)} pages ({cases} values) "
        f"ran script, {len(misplaced)} without the widget in the body; first: "
        f"{[(url[:90], ran) for url, ran in executions[:3]]} {[url[:90] for url in misplaced[:3]]}"
    )
