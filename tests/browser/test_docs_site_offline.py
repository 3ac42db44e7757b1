"""The documentation site renders offline: every page of the built site,
served on localhost and loaded in Chromium, requests nothing from another
host (fonts, scripts, images, the search index and its worker included).

Requests to any other host are recorded and refused, so the test proves the
site needs none of them, on a network with or without internet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, Route, expect
from starlette.staticfiles import StaticFiles

from docsite import BuiltSite
from livesrv import serve

LOCAL = ("127.0.0.1", "localhost")
DOCS = Path(__file__).resolve().parents[2] / "docs"


def page_paths(site: Path) -> list[str]:
    """Every page of the site as a URL path: /, /install/, ..."""
    paths = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        paths.append("/" if relative == "." else f"/{relative}/")
    return paths


@pytest.fixture(scope="module")
def site_url(docs_site: BuiltSite) -> Iterator[str]:
    assert docs_site.returncode == 0, docs_site.stderr
    with serve(StaticFiles(directory=docs_site.path, html=True)) as url:
        yield url


class Requests:
    """Every request a page makes; those to another host are refused."""

    def __init__(self, page: Page) -> None:
        self.local: list[str] = []
        self.elsewhere: list[str] = []
        self.failed: list[str] = []
        page.context.route("**/*", self._route)
        page.on("requestfailed", self._failed)

    def _failed(self, request: Request) -> None:
        # Going to the next page aborts what the last one still loads (its
        # favicon, say): that is not a missing resource.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(request.url)

    def _route(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOCAL:
            self.local.append(url)
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()


def test_the_site_has_its_pages(docs_site: BuiltSite) -> None:
    paths = page_paths(docs_site.path)
    assert {"/", "/install/", "/api/", "/sandbox/", "/reference/"} <= set(paths)
    assert len(paths) == len(list(DOCS.glob("*.md")))


def test_every_page_renders_with_nothing_from_another_host(
    page: Page, site_url: str, docs_site: BuiltSite
) -> None:
    requests = Requests(page)
    for path in page_paths(docs_site.path):
        page.goto(site_url + path, wait_until="networkidle")
        expect(page.locator("article h1").first).to_be_visible()
    assert requests.elsewhere == []
    assert [url for url in requests.failed if urlsplit(url).hostname in LOCAL] == []
    # The theme's own stylesheet and script came from the site itself.
    assert any(url.endswith(".css") for url in requests.local)
    assert any(url.endswith(".js") for url in requests.local)


def test_search_works_offline(page: Page, site_url: str) -> None:
    requests = Requests(page)
    page.goto(site_url + "/", wait_until="networkidle")
    page.keyboard.press("s")  # the theme's search shortcut
    page.keyboard.type("sandbox")
    expect(page.locator(".md-search-result__item").first).to_contain_text("sandbox")
    assert requests.elsewhere == []
    assert any("search" in url for url in requests.local)
