"""The auto-embed middleware, Django (sync and async) and pure ASGI, held to one
table of rules over real requests: what is inserted where, and every response
that is passed through untouched."""

from __future__ import annotations

import asyncio
import gzip
import logging
import sys
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import AsyncClient, Client, override_settings
from django.urls import path
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware as StarletteGZip
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

import rawtext
from cswidget import Widget
from cswidget.asgi import AutoEmbedMiddleware, Scope
from cswidget.autoembed import MAX_PAGE_BYTES, embedded
from cswidget.bodyend import require_parser
from cswidget.django.middleware import AutoEmbedMiddleware as DjangoAutoEmbed
from cswidget.extras import MissingExtraError
from livesrv import serve

WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src="/widget.js")
NONCE = "cHJvdmVkLW5vbmNl"
FILLER = "<p>" + "Lorem ipsum dolor sit amet. " * 20 + "</p>"  # long enough to gzip
PAGE = f"<!doctype html><html><head><title>t</title></head><body>{FILLER}</body></html>"
TWO_BODIES = f"<!doctype html><html><body><script>var s = '</body>';</script>{FILLER}</BODY></html>"
WITH_WIDGET = f"<html><body>{WIDGET.embed()}{FILLER}</body></html>"
SHOWN_AS_TEXT = f"<html><body><pre>{WIDGET.container()}</pre>".replace("<div", "&lt;div") + (
    f"{FILLER}</body></html>"
)
LATIN1 = f"<html><body>{FILLER}</body></html>"


@dataclass(frozen=True)
class Page:
    body: str
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    streaming: bool = False
    raw: bytes | None = None  # the bytes served, when not `body` in UTF-8 or Latin-1

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return self.body.encode("iso-8859-1" if "iso-8859-1" in self.content_type else "utf-8")


PAGES = {
    "/page": Page(PAGE),
    "/two-bodies": Page(TWO_BODIES),
    "/with-widget": Page(WITH_WIDGET),
    "/shown-as-text": Page(SHOWN_AS_TEXT),
    "/latin1": Page(LATIN1, content_type="text/html; charset=iso-8859-1"),
    "/created": Page(PAGE, status=201),
    "/not-found": Page(PAGE, status=404),
    "/error": Page(PAGE, status=500),
    "/redirect": Page(PAGE, status=302, headers=(("Location", "/page"),)),
    "/not-modified": Page("", status=304),
    "/json": Page('{"html": "</body>"}', content_type="application/json"),
    "/xhtml": Page(PAGE, content_type="application/xhtml+xml"),
    "/encoded": Page(PAGE, headers=(("Content-Encoding", "identity"),)),
    "/stream": Page(PAGE, streaming=True),
    "/no-body-tag": Page("<p>fragment</p>"),
}
# Issue 18: the page's only `</body>` is in a comment of its last script.
ISSUE_18 = (
    "<!doctype html><html><head><title>Thanks</title></head><body><h1>Thank you</h1>\n"
    "<script>\n/* keep this block last, before </body> */\nwindow.ready = true;\n</script>\n</html>"
)
PAGES["/issue-18"] = Page(ISSUE_18)
for _context in rawtext.CONTEXTS:
    for _shape in rawtext.SHAPES:
        PAGES[f"/rawtext/{_shape}/{_context.slug}"] = Page(rawtext.page(_shape, _context))
# A Shift_JIS character whose second byte is "]": read as UTF-8, the CDATA
# section below would end early and the `</body>` in it look real.
KANJI = next(
    chr(code)
    for code in range(0x4E00, 0x9FFF)
    if len(chr(code).encode("shift_jis", "ignore")) == 2 and chr(code).encode("shift_jis")[1] == 93
)
SHIFT_JIS = f"<html><body><p>{KANJI}</p></body><svg><![CDATA[{KANJI}]></svg></body>]]></svg></html>"
UTF8_BOM = "\ufeff" + PAGE
PAGES.update(
    {
        "/shift-jis": Page(
            SHIFT_JIS,
            content_type="text/html; charset=shift_jis",
            raw=SHIFT_JIS.encode("shift_jis"),
        ),
        "/no-charset": Page(PAGE, content_type="text/html"),
        "/meta-charset": Page(
            PAGE.replace("<head>", '<head><meta charset="windows-1252">'),
            content_type="text/html",
        ),
        "/utf8-bom": Page(
            UTF8_BOM, content_type="text/html; charset=iso-8859-1", raw=UTF8_BOM.encode()
        ),
        "/not-utf8": Page(PAGE, raw=PAGE.replace("<p>", "<p>\xff\xfe", 1).encode("latin-1")),
        "/utf16": Page(PAGE, content_type="text/html; charset=utf-16", raw=PAGE.encode("utf-16")),
        "/iso-2022-jp": Page(PAGE, content_type="text/html; charset=iso-2022-jp"),
        "/unknown-charset": Page(PAGE, content_type="text/html; charset=x-unknown"),
    }
)


def page_params(request: Any) -> dict[str, Any]:
    """PARAMS: from the query string, which a Django request and an ASGI scope both carry."""
    query = request.GET if isinstance(request, HttpRequest) else Request(request).query_params
    return {"name": query.get("name", "Kate"), "reference": "AUTO-1"}


def is_enabled(request: Any) -> bool:
    headers = request.headers if isinstance(request, HttpRequest) else Request(request).headers
    return headers.get("x-internal") != "1"


def expected_embed(name: str = "Kate", nonce: str | None = None) -> str:
    return str(WIDGET.embed({"name": name, "reference": "AUTO-1"}, nonce=nonce))


def inserted(body: str, embed: str, point: int | None = None) -> str:
    """`body` with `embed` before `point`, by default its last `</body>`."""
    point = body.lower().rfind("</body>") if point is None else point
    return body[:point] + embed + "\n" + body[point:]


# --- The same pages, served by Django and by Starlette. ---


def _django_view(page: Page) -> Callable[[HttpRequest], HttpResponseBase]:
    def view(request: HttpRequest) -> HttpResponseBase:
        if request.GET.get("csp") == "1":
            request.csp_nonce = NONCE  # type: ignore[attr-defined]
        response: HttpResponseBase
        if page.streaming:
            chunks = [page.body[:20].encode(), page.body[20:].encode()]
            # Each handler streams its own kind of iterator without a warning.
            content: Any = iter(chunks)
            if isinstance(request, ASGIRequest):

                async def async_chunks() -> Any:
                    for chunk in chunks:
                        yield chunk

                content = async_chunks()
            response = StreamingHttpResponse(content, content_type=page.content_type)
        else:
            content = page.encoded()
            response = HttpResponse(content, status=page.status, content_type=page.content_type)
            response["Content-Length"] = str(len(content))
        for name, value in page.headers:
            response[name] = value
        return response

    return view


urlpatterns = [path(url.lstrip("/"), _django_view(page)) for url, page in PAGES.items()]


class OffForInternal(DjangoAutoEmbed):
    def enabled(self, request: HttpRequest) -> bool:
        return is_enabled(request)


def _starlette_endpoint(page: Page) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        if request.query_params.get("csp") == "1":
            request.state.csp_nonce = NONCE
        headers = dict(page.headers)
        if page.streaming:

            async def chunks() -> Any:
                yield page.body[:20].encode()
                yield page.body[20:].encode()

            return StreamingResponse(chunks(), media_type=page.content_type, headers=headers)
        response = Response(page.encoded(), status_code=page.status, headers=headers)
        response.headers["content-type"] = page.content_type
        return response

    return endpoint


def starlette_app(*, gzip_outside: bool | None = None, **options: Any) -> Starlette:
    embed = Middleware(
        AutoEmbedMiddleware,
        widget=WIDGET,
        params=page_params,
        enabled=is_enabled,
        **options,
    )
    gzip = Middleware(StarletteGZip, minimum_size=100)
    middleware = (
        [embed] if gzip_outside is None else [gzip, embed] if gzip_outside else [embed, gzip]
    )
    return Starlette(
        routes=[Route(url, _starlette_endpoint(page)) for url, page in PAGES.items()],
        middleware=middleware,
    )


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


AUTO_EMBED = {"SURVEY": "AKknWccEFf7", "PARAMS": "test_autoembed.page_params"}
CSWIDGET = {"ORG": "acme", "SCRIPT_SRC": "/widget.js", "AUTO_EMBED": AUTO_EMBED}
MIDDLEWARE = ["test_autoembed.OffForInternal"]


def _django_reply(response: Any) -> Reply:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Reply(response.status_code, {k.lower(): v for k, v in response.items()}, body)


Fetch = Callable[..., Reply]


async def async_fetch(url: str, method: str, headers: dict[str, str] | None) -> Reply:
    response = await getattr(AsyncClient(), method.lower())(url, headers=headers)
    if not response.streaming:
        return _django_reply(response)
    chunks = [chunk async for chunk in response.streaming_content]
    return Reply(
        response.status_code, {k.lower(): v for k, v in response.items()}, b"".join(chunks)
    )


def in_new_event_loop(coroutine: Coroutine[Any, Any, Reply]) -> Reply:
    """Runs `coroutine` in a thread of its own: the browser tests' Playwright
    keeps an event loop running in this one, where async_to_sync refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def django_fetch(*, asynchronous: bool, middleware: list[str] = MIDDLEWARE) -> Fetch:
    def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
        with override_settings(
            ROOT_URLCONF="test_autoembed", MIDDLEWARE=middleware, CSWIDGET=CSWIDGET
        ):
            if asynchronous:
                return in_new_event_loop(async_fetch(url, method, headers))
            return _django_reply(getattr(Client(), method.lower())(url, headers=headers))

    return fetch


@pytest.fixture(scope="module")
def starlette_client() -> Iterator[httpx.Client]:
    # One client for the module: a new one per request costs more than the request.
    with serve(starlette_app()) as url, httpx.Client(base_url=url) as client:
        yield client


def asgi_fetch(client: httpx.Client) -> Fetch:
    def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
        response = client.request(
            method, url, headers={"accept-encoding": "identity", **(headers or {})}
        )
        return Reply(response.status_code, dict(response.headers), response.content)

    return fetch


@pytest.fixture(params=["django", "django-async", "asgi"])
def fetch(request: pytest.FixtureRequest) -> Fetch:
    if request.param == "asgi":
        return asgi_fetch(request.getfixturevalue("starlette_client"))
    return django_fetch(asynchronous=request.param == "django-async")


# --- The rules. ---


@pytest.mark.parametrize("url", ["/page", "/created", "/two-bodies"])
def test_inserted_before_the_last_body_end_tag_with_content_length_fixed(
    fetch: Fetch, url: str
) -> None:
    reply = fetch(url)
    assert reply.body.decode() == inserted(PAGES[url].body, expected_embed())
    assert reply.headers["content-length"] == str(len(reply.body))


def test_params_come_from_the_request(fetch: Fetch) -> None:
    reply = fetch("/page?name=O%27Brien%20%22%3E%3Cscript%3E")
    assert reply.body.decode() == inserted(PAGE, expected_embed("O'Brien \"><script>"))


def test_the_csp_nonce_is_carried(fetch: Fetch) -> None:
    reply = fetch("/page?csp=1")
    assert reply.body.decode() == inserted(PAGE, expected_embed(nonce=NONCE))


def test_characters_the_charset_lacks_become_references(fetch: Fetch) -> None:
    reply = fetch("/latin1?name=Zo%C3%AB%20%E2%9C%93")
    embed = expected_embed("Zoë ✓").replace("✓", "&#10003;")
    assert reply.body.decode("iso-8859-1") == inserted(LATIN1, embed)


@pytest.mark.parametrize(
    "url",
    [
        "/with-widget",
        "/not-found",
        "/error",
        "/redirect",
        "/not-modified",
        "/json",
        "/xhtml",
        "/encoded",
        "/stream",
        "/no-body-tag",
    ],
)
def test_passed_through_untouched(fetch: Fetch, url: str) -> None:
    reply = fetch(url)
    page = PAGES[url]
    assert reply.status == page.status
    assert reply.body == page.body.encode()


def test_a_page_that_only_shows_the_markup_as_text_still_gets_it(fetch: Fetch) -> None:
    reply = fetch("/shown-as-text")
    assert reply.body.decode() == inserted(SHOWN_AS_TEXT, expected_embed())


def test_head_requests_are_passed_through(fetch: Fetch) -> None:
    reply = fetch("/page", method="HEAD")
    assert reply.status == 200
    assert reply.headers["content-length"] == str(len(PAGE.encode()))
    assert reply.body == b""


def test_the_enabled_hook_switches_it_off(fetch: Fetch) -> None:
    reply = fetch("/page", headers={"x-internal": "1"})
    assert reply.body == PAGE.encode()


def test_bad_params_leave_the_widget_out_with_a_log(
    fetch: Fetch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="cswidget"):
        reply = fetch("/page?name=" + "x" * 101)
    assert reply.body == PAGE.encode()
    assert reply.headers["content-length"] == str(len(PAGE.encode()))
    (record,) = caplog.records
    assert record.getMessage().startswith(
        "cswidget: auto-embed left out, survey params rejected: Validation error; "
        "customer.name: wrong_length"
    )
    assert record.cswidget_error["errors"][0]["field"] == "customer.name"  # type: ignore[attr-defined]


# --- Compression on either side. ---


def test_django_gzip_above_compresses_the_page_with_the_widget() -> None:
    fetch = django_fetch(
        asynchronous=False,
        middleware=["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE],
    )
    reply = fetch("/page", headers={"accept-encoding": "gzip"})
    assert reply.headers["content-encoding"] == "gzip"
    assert gzip.decompress(reply.body).decode() == inserted(PAGE, expected_embed())


def test_django_gzip_below_leaves_the_page_without_the_widget() -> None:
    fetch = django_fetch(
        asynchronous=False,
        middleware=[*MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"],
    )
    reply = fetch("/page", headers={"accept-encoding": "gzip"})
    assert reply.headers["content-encoding"] == "gzip"
    assert gzip.decompress(reply.body).decode() == PAGE


@pytest.mark.parametrize("gzip_outside", [True, False])
def test_starlette_gzip_on_either_side(gzip_outside: bool) -> None:
    with serve(starlette_app(gzip_outside=gzip_outside)) as url:
        response = httpx.get(url + "/page", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == (inserted(PAGE, expected_embed()) if gzip_outside else PAGE)


# --- The ASGI middleware's own edges. ---


def test_asgi_file_responses_are_streamed_untouched(tmp_path: Any) -> None:
    from starlette.responses import FileResponse

    big = PAGE.replace(FILLER, FILLER * 400)  # several chunks
    page = tmp_path / "page.html"
    page.write_text(big, encoding="utf-8")

    async def endpoint(request: Request) -> Response:
        return FileResponse(page, media_type="text/html")

    app = AutoEmbedMiddleware(Starlette(routes=[Route("/", endpoint)]), widget=WIDGET)
    with serve(app) as url:
        response = httpx.get(url + "/")
    assert response.text == big
    assert response.headers["content-length"] == str(len(big.encode()))


def test_asgi_sample_and_eligible_take_the_scope() -> None:
    seen: list[str] = []

    def eligible(scope: Scope) -> bool:
        seen.append(scope["path"])
        return scope["path"] != "/json"

    app = AutoEmbedMiddleware(
        Starlette(routes=[Route("/page", _starlette_endpoint(PAGES["/page"]))]),
        widget=WIDGET,
        sample=0.5,
        sample_key=lambda scope: Request(scope).query_params["user"],
        eligible=eligible,
    )
    from cswidget.sampling import is_sampled

    users = [f"user-{n}" for n in range(20)]
    with serve(app) as url:
        bodies = {user: httpx.get(f"{url}/page?user={user}").text for user in users}
    for user in users:
        chosen = is_sampled(survey=WIDGET.survey, sample=0.5, sample_key=user)
        assert bodies[user] == (inserted(PAGE, str(WIDGET.embed())) if chosen else PAGE)
    assert set(seen) == {"/page"}


def test_django_settings_are_checked_when_the_middleware_loads() -> None:
    from django.core.exceptions import ImproperlyConfigured

    def load(auto_embed: Any) -> None:
        with override_settings(CSWIDGET={**CSWIDGET, "AUTO_EMBED": auto_embed}):
            DjangoAutoEmbed(lambda request: HttpResponse())

    with pytest.raises(ImproperlyConfigured, match="needs CSWIDGET\\['AUTO_EMBED'\\]"):
        load(None)
    with pytest.raises(ImproperlyConfigured, match="unknown keys \\['SURVY'\\]"):
        load({"SURVY": "x"})
    with pytest.raises(ImproperlyConfigured, match="consent: invalid_value"):
        load({"SURVEY": "AKknWccEFf7", "CONSENT": "google:ads"})
    with pytest.raises(ImproperlyConfigured, match="sample: invalid_value"):
        load({"SURVEY": "AKknWccEFf7", "SAMPLE": 2})
    with pytest.raises(ImproperlyConfigured, match="survey: required"):
        load({})


# --- The Django middleware's own off switch: CSWIDGET's ENABLED and INTERNAL_IPS. ---

PLAIN_MIDDLEWARE = ["cswidget.django.middleware.AutoEmbedMiddleware"]


@pytest.mark.parametrize(
    ("switch", "embedded_into_the_page"),
    [
        ({}, True),
        ({"ENABLED": False}, False),
        # The test client's address is 127.0.0.1.
        ({"INTERNAL_IPS": ["127.0.0.1"]}, False),
        ({"INTERNAL_IPS": ["10.0.0.0/8"]}, True),
    ],
    ids=["on", "enabled-false", "internal-ip", "other-network"],
)
def test_the_django_middleware_follows_the_tags_off_switch(
    switch: dict[str, object], embedded_into_the_page: bool
) -> None:
    with override_settings(
        ROOT_URLCONF="test_autoembed",
        MIDDLEWARE=PLAIN_MIDDLEWARE,
        CSWIDGET={**CSWIDGET, **switch},
    ):
        reply = _django_reply(Client().get("/page"))
    assert reply.status == 200
    assert reply.body.decode() == (
        inserted(PAGE, expected_embed()) if embedded_into_the_page else PAGE
    )


# --- Only where the body really ends: never in a script, style, comment or
# other raw text (issue 18). Every context of tests/rawtext.py, exact output. ---


def _rawtext_cases() -> list[Any]:
    return [
        pytest.param(shape, context, id=f"{shape}-{context.slug}")
        for context in rawtext.CONTEXTS
        for shape in rawtext.SHAPES
    ]


@pytest.mark.parametrize(("shape", "context"), _rawtext_cases())
def test_the_widget_goes_only_where_the_body_really_ends(
    fetch: Fetch, shape: str, context: rawtext.Context
) -> None:
    reply = fetch(f"/rawtext/{shape}/{context.slug}")
    page = rawtext.page(shape, context)
    point = rawtext.body_end_of(shape, context)
    assert reply.body.decode() == (
        page if point is None else inserted(page, expected_embed(), point)
    )
    assert reply.headers["content-length"] == str(len(reply.body))


LEFT_OUT = (
    "cswidget: auto-embed left out: no `</body>` end tag ends the page's body (`</body>` 1 "
    "found: each is inside a script, style, comment, attribute or other raw text, or in a "
    "template, svg, math or select); end the body with a real `</body>`"
)


def test_issue_18_the_body_end_in_a_script_comment_is_left_alone_and_logged(
    fetch: Fetch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="cswidget"):
        reply = fetch("/issue-18?name=*/alert(1)//")
    assert reply.body.decode() == ISSUE_18
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("WARNING", LEFT_OUT)
    ]


def test_a_page_without_body_end_is_left_alone_with_a_debug_line(
    fetch: Fetch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="cswidget"):
        reply = fetch("/no-body-tag")
    assert reply.body == b"<p>fragment</p>"
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("DEBUG", "cswidget: auto-embed left out: the page has no </body>")
    ]


# --- Charsets: the page is read, and the widget written, as the browser reads it. ---


def test_a_page_is_read_in_its_charset(fetch: Fetch) -> None:
    reply = fetch(f"/shift-jis?name={KANJI}")
    page = SHIFT_JIS.encode("shift_jis")
    point = page.index(b"</body>")
    embed = expected_embed(KANJI).encode("shift_jis")
    assert reply.body == page[:point] + embed + b"\n" + page[point:]


@pytest.mark.parametrize("url", ["/no-charset", "/meta-charset"])
def test_without_a_charset_in_the_response_the_widget_is_written_in_ascii(
    fetch: Fetch, url: str
) -> None:
    # Character references read the same in whatever charset the browser picks.
    reply = fetch(url + "?name=Zo%C3%AB%20%E2%9C%93")
    embed = expected_embed("Zoë ✓").replace("ë", "&#235;").replace("✓", "&#10003;")
    assert reply.body.decode("ascii") == inserted(PAGES[url].body, embed)


def test_a_byte_order_mark_decides_the_charset(fetch: Fetch) -> None:
    # Browsers read a page that starts with UTF-8's BOM as UTF-8, whatever
    # the Content-Type says.
    reply = fetch("/utf8-bom?name=Zo%C3%AB")
    assert reply.body.decode() == inserted(UTF8_BOM, expected_embed("Zoë"))


def test_bytes_that_are_not_utf8_are_kept(fetch: Fetch) -> None:
    reply = fetch("/not-utf8")
    page = PAGES["/not-utf8"].encoded()
    point = page.rindex(b"</body>")
    assert reply.body == page[:point] + expected_embed().encode() + b"\n" + page[point:]


@pytest.mark.parametrize(
    ("url", "charset"),
    [("/utf16", "utf-16"), ("/iso-2022-jp", "iso-2022-jp"), ("/unknown-charset", "x-unknown")],
)
def test_a_charset_the_widget_cannot_be_written_in_leaves_the_page_alone(
    fetch: Fetch, caplog: pytest.LogCaptureFixture, url: str, charset: str
) -> None:
    with caplog.at_level(logging.DEBUG, logger="cswidget"):
        reply = fetch(url)
    assert reply.body == PAGES[url].encoded()
    assert [record.getMessage() for record in caplog.records] == [
        "cswidget: auto-embed left out: the page's charset "
        f"(text/html; charset={charset}) is not ASCII byte for byte"
    ]


def test_a_page_over_the_size_limit_is_left_alone_unread(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = (PAGE.replace("</body>", "<p>" + "x" * MAX_PAGE_BYTES + "</p></body>")).encode()
    # Not read at all: the parser is never asked.
    monkeypatch.setattr("cswidget.autoembed.body_end", None)
    with caplog.at_level(logging.DEBUG, logger="cswidget"):
        assert embedded(big, "text/html; charset=utf-8", lambda: WIDGET.embed()) is None
    assert [record.getMessage() for record in caplog.records] == [
        f"cswidget: auto-embed left out: the page is {len(big)} bytes, more than the "
        f"{MAX_PAGE_BYTES} it reads"
    ]


# --- Without the parser: a clear error when the app starts, never a bad page. ---


@pytest.fixture
def without_selectolax(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    require_parser.cache_clear()
    monkeypatch.setitem(sys.modules, "selectolax", None)
    monkeypatch.setitem(sys.modules, "selectolax.lexbor", None)
    yield
    monkeypatch.undo()
    require_parser.cache_clear()


@pytest.mark.usefixtures("without_selectolax")
def test_without_selectolax_neither_middleware_can_be_made() -> None:
    with pytest.raises(MissingExtraError, match=r"pip install '\.\[autoembed\]'"):
        AutoEmbedMiddleware(Starlette(), widget=WIDGET)
    with (
        override_settings(CSWIDGET=CSWIDGET),
        pytest.raises(MissingExtraError, match=r"pip install '\.\[autoembed\]'"),
    ):
        DjangoAutoEmbed(lambda request: HttpResponse())
