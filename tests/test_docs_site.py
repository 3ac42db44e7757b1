"""The documentation site builds strictly: a broken link, a missing page or a
reference to a name that is not there fails `make test`, as it fails `make docs`;
and it loads nothing from another host (in Chromium:
tests/browser/test_docs_site_offline.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from docsite import BuiltSite

# Elements and attributes whose URL a browser fetches by itself.
RESOURCE_ATTRIBUTES = {
    ("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
    ("audio", "src"), ("embed", "src"), ("object", "data"), ("video", "poster"),
    ("input", "src"), ("track", "src"),
}  # fmt: skip


def test_the_documentation_site_builds_strictly(docs_site: BuiltSite) -> None:
    assert docs_site.returncode == 0, docs_site.stderr
    assert "WARNING" not in docs_site.stderr
    for page in ["index", "python", "jinja", "django", "cli", "demo", "csp", "reference"]:
        assert (
            docs_site.path / page / "index.html"
            if page != "index"
            else docs_site.path / "index.html"
        ).is_file()
    # The reference is generated from the docstrings.
    reference = (docs_site.path / "reference" / "index.html").read_text(encoding="utf-8")
    assert 'id="cswidget.widget.Widget"' in reference
    assert 'id="cswidget.params.SurveyParams.from_flat"' in reference


class Resources(HTMLParser):
    """Every URL a page makes the browser fetch: scripts, images, frames,
    and <link>s other than navigation (stylesheets, preconnect, icons, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (
            tag == "link"
            and values.get("href")
            and not {"canonical", "alternate"} & set((values.get("rel") or "").split())
        ):
            self.urls.append(values["href"] or "")
        for element, attribute in RESOURCE_ATTRIBUTES:
            if tag == element and values.get(attribute):
                self.urls.append(values[attribute] or "")
        if values.get("srcset"):
            self.urls += [item.split()[0] for item in (values["srcset"] or "").split(",")]


def other_hosts(html: str) -> list[str]:
    parser = Resources()
    parser.feed(html)
    return [url for url in parser.urls if urlsplit(url).scheme in ("http", "https", "")
            and urlsplit(url).netloc not in ("", "127.0.0.1", "localhost")]  # fmt: skip


def test_no_page_loads_anything_from_another_host(docs_site: BuiltSite) -> None:
    pages = sorted(docs_site.path.rglob("*.html"))
    assert len(pages) > 10
    found = {
        str(page.relative_to(docs_site.path)): urls
        for page in pages
        if (urls := other_hosts(page.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize(
    ("html", "urls"),
    [
        ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">',
         ["https://fonts.googleapis.com/css?family=Roboto"]),
        ('<link rel="preconnect" href="https://fonts.gstatic.com">', ["https://fonts.gstatic.com"]),
        ('<script src="//cdn.example/x.js"></script>', ["//cdn.example/x.js"]),
        ('<img srcset="https://a.example/1.png 1x, /local.png 2x">', ["https://a.example/1.png"]),
        ('<a href="https://www.customersure.com/">a link is not a resource</a>', []),
        ('<code>&lt;script src="https://acme.example/survey_widget.js"&gt;</code>', []),
        ('<link rel="stylesheet" href="assets/main.css"><script src="/x.js"></script>', []),
    ],
)  # fmt: skip
def test_what_counts_as_a_resource_from_another_host(html: str, urls: list[str]) -> None:
    assert other_hosts(html) == urls
