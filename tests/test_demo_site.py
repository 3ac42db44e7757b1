"""The demo site's pages, over HTTP: the index shows each page's exact
snippet, every response carries a nonce CSP and the other security headers,
forms need their CSRF token, the builder answers in the API's error language
and the sandbox files params by the documented rules."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import closing
from urllib.parse import quote

import httpx
import pytest
from demo_site import builder, gallery, pages
from demo_site.app import create_app
from markupsafe import escape

import hostile
from cswidget import Widget
from demo_forms import form_session
from livesrv import serve

NONCE = re.compile(r'nonce="[^"]*"')
SNIPPET = re.compile(
    r'<details class="snippet"[^>]*>\s*<summary[^>]*>The snippet</summary>\s*'
    r"<pre tabindex=\"0\"><code>(.*?)</code></pre>",
    re.S,
)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(create_app()) as url:
        yield url


def post_builder(base_url: str, data: dict[str, object]) -> httpx.Response:
    client, token = form_session(base_url + "/builder")
    with closing(client):
        return client.post(base_url + "/builder", data={**data, "csrf_token": token})


def shown_snippets(page_html: str) -> list[str]:
    return [html.unescape(text) for text in SNIPPET.findall(page_html)]


def test_index_shows_the_snippet_each_page_embeds(base_url: str) -> None:
    index = httpx.get(base_url + "/").text
    slugs = [s.slug for s in pages.SCENARIOS if s.slug != "builder"]
    shown = dict(zip(slugs, shown_snippets(index), strict=True))
    for scenario in pages.SCENARIOS:
        if scenario.slug == "builder":
            continue
        page = httpx.get(base_url + scenario.path).text
        # Nonces are fresh per request; everything else is byte-identical.
        assert NONCE.sub("nonce", shown[scenario.slug]) in NONCE.sub("nonce", page)
        assert [NONCE.sub("nonce", text) for text in shown_snippets(page)] == [
            NONCE.sub("nonce", shown[scenario.slug])
        ]


def test_index_shows_a_snippet_for_each_page_but_the_builder(base_url: str) -> None:
    index = httpx.get(base_url + "/").text
    assert len(shown_snippets(index)) == len(pages.SCENARIOS) - 1
    assert 'href="/builder"' in index


def test_builder_starts_empty_with_the_real_shapes_as_placeholders(base_url: str) -> None:
    page = httpx.get(base_url + "/builder").text
    for name, shape in [
        ("org", "your-subdomain"),
        ("survey", "survey-url-code"),
        ("script_src", "https://…/survey_widget.js"),
    ]:
        assert re.search(f'name="{name}"[^>]* value="" placeholder="{re.escape(shape)}"', page), (
            name
        )
    assert "/static/survey_widget.js" not in page


POLICY = re.compile(
    "default-src 'self'; script-src 'nonce-([A-Za-z0-9_-]{24})'(?: 'strict-dynamic')?; "
    "style-src 'self' 'nonce-\\1'; "
    "img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors ('none'|'self')"
)
PAGE_PATHS = [scenario.path for scenario in pages.SCENARIOS]
SCRIPTS = {
    "/prebuilt": 2,
    "/native": 3,
    "/scripted": 3,
    "/deferred": 2,
    "/csp": 3,
    "/logged-in": 2,
    "/hostile": 2,
    "/builder": 2,
    "/consent": 3,
    "/turbo": 3,
    "/htmx": 3,
    "/auto-embed": 2,
}


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_nonces_every_script_with_a_fresh_nonce(base_url: str, path: str) -> None:
    nonces = []
    for response in (httpx.get(base_url + path), httpx.get(base_url + path)):
        match = POLICY.fullmatch(response.headers["content-security-policy"])
        assert match is not None, response.headers["content-security-policy"]
        assert match.group(2) == "'none'"
        scripts = re.findall(r"<script\b[^>]*>", response.text)
        assert len(scripts) == SCRIPTS[path]
        assert all(f'nonce="{match.group(1)}"' in tag for tag in scripts)
        nonces.append(match.group(1))
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize(
    ("path", "status", "ancestors"),
    [
        ("/", 200, "'none'"),
        ("/builder", 200, "'none'"),
        ("/static/demo.css", 200, "'none'"),
        ("/no-such-page", 404, "'none'"),
        ("/feedback_responses", 401, "'none'"),
        # Only the survey the widget frames may be framed, and only by this site.
        ("/sandbox/acme/AKknWccEFf7", 200, "'self'"),
    ],
)
def test_every_response_carries_the_security_headers(
    base_url: str, path: str, status: int, ancestors: str
) -> None:
    response = httpx.get(base_url + path)
    assert response.status_code == status
    match = POLICY.fullmatch(response.headers["content-security-policy"])
    assert match is not None
    assert match.group(2) == ancestors
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers.get("x-frame-options") == (None if ancestors == "'self'" else "DENY")


@pytest.mark.parametrize(
    ("method", "path", "status", "heading"),
    [
        ("GET", "/no-such-page", 404, "Page not found"),
        ("GET", "/static/no-such-file.css", 404, "Page not found"),
        ("DELETE", "/prebuilt", 405, "Not allowed here"),
    ],
)
def test_error_pages_are_styled_and_lead_home(
    base_url: str, method: str, path: str, status: int, heading: str
) -> None:
    response = httpx.request(method, base_url + path)
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f"<h1>{heading}</h1>" in response.text
    assert '<a class="button" href="/">Go to the demo\'s home page</a>' in response.text
    assert '<link rel="stylesheet" href="/static/demo.css">' in response.text


SURVEY = "/sandbox/acme/AKknWccEFf7"


@pytest.mark.parametrize("path", ["/builder", SURVEY])
@pytest.mark.parametrize(
    "forgery",
    ["no token", "wrong token", "token without its cookie", "multipart"],
)
def test_forms_refuse_posts_without_their_csrf_token(
    base_url: str, path: str, forgery: str
) -> None:
    client, token = form_session(base_url + path)
    data = {"action": "build", "csrf_token": token}
    with closing(client):
        if forgery == "no token":
            del data["csrf_token"]
        elif forgery == "wrong token":
            data["csrf_token"] = "0" * 64
        elif forgery == "token without its cookie":
            client.cookies.clear()
        if forgery == "multipart":
            response = client.post(base_url + path, data=data, files={"f": b"x"})
        else:
            response = client.post(base_url + path, data=data)
    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in response.text


@pytest.mark.parametrize("path", ["/builder", SURVEY])
def test_forms_accept_posts_with_their_csrf_token(base_url: str, path: str) -> None:
    client, token = form_session(base_url + path)
    with closing(client):
        response = client.post(base_url + path, data={"action": "add_row", "csrf_token": token})
    assert response.status_code in (200, 422)
    assert "This form has expired" not in response.text


def test_builder_returns_the_library_snippet(base_url: str) -> None:
    response = post_builder(
        base_url,
        {
            "org": "acme",
            "survey": "AKknWccEFf7",
            "script_src": "https://acme.example/survey_widget.js",
            "key": ["email", "region", "reference", ""],
            "value": ["kate@example.com", "north", "INV-2090", ""],
            "category": ["customer", "segment", "metadata", "metadata"],
            "action": "build",
        },
    )
    widget = Widget(
        org="acme",
        survey="AKknWccEFf7",
        script_src="https://acme.example/survey_widget.js",
        segment_keys=["region"],
    )
    expected = widget.embed(
        {"email": "kate@example.com", "region": "north", "reference": "INV-2090"}
    )
    assert response.status_code == 200
    assert f"<code>{escape(str(expected))}</code>" in response.text


def test_builder_errors_are_the_api_errors_and_no_snippet(base_url: str) -> None:
    response = post_builder(
        base_url,
        {
            "org": "acme",
            "survey": "not a code",
            "script_src": "javascript:alert(1)",
            "key": ["email", "email", "__proto__"],
            "value": ["nope", "x@y.co", "v"],
            "category": ["customer", "metadata", "metadata"],
            "action": "build",
        },
    )
    assert response.status_code == 422
    assert 'id="snippet"' not in response.text
    errors = json.loads(
        html.unescape(
            re.search(r'<pre tabindex="0" id="error-json"><code>(.*?)</code>', response.text, re.S)[
                1
            ]
        )
    )
    assert errors["message"] == "Validation error"
    assert [(e["field"], e["error"]) for e in errors["errors"]] == [
        ("survey", "invalid_format"),
        ("script_src", "invalid_format"),
        ("customer.email", "invalid_format"),
        ("metadata.__proto__", "forbidden_value"),
        ("metadata.email", "forbidden_value"),
    ]
    described = {
        "survey": "survey-help survey-errors",
        "script_src": "script_src-help script_src-errors",
        # The email is wrong, not its key; a forbidden key is the key's fault.
        "row-0-value": "row-0-value-errors",
        "row-1-key": "row-1-key-errors",
        "row-2-key": "row-2-key-errors",
    }
    for control, ids in described.items():
        assert re.search(
            f'id="{control}"[^>]* aria-invalid="true" aria-describedby="{ids}"', response.text
        ), control
    assert response.text.count('aria-invalid="true"') == len(described)


def test_builder_refuses_a_key_given_twice(base_url: str) -> None:
    response = post_builder(
        base_url,
        {
            **{"org": "acme", "survey": "AKknWccEFf7", "script_src": "/w.js"},
            "key": ["ref", "ref"],
            "value": ["a", "b"],
            "category": ["metadata", "metadata"],
            "action": "build",
        },
    )
    assert response.status_code == 422
    assert (
        "<li>The key “ref” is in two rows of the same category; keep one of them. "
        "<code>metadata.ref: invalid_value</code></li>"
    ) in response.text


def test_builder_refuses_rows_past_its_limit_instead_of_dropping_them(base_url: str) -> None:
    count = builder.MAX_ROWS + 1
    response = post_builder(
        base_url,
        {
            **{"org": "acme", "survey": "AKknWccEFf7", "script_src": "/w.js"},
            "key": [f"k{i}" for i in range(count)],
            "value": ["v"] * count,
            "category": ["metadata"] * count,
            "action": "build",
        },
    )
    assert response.status_code == 422
    assert "Use at most 40 rows; this form had more. <code>params: wrong_length</code>" in (
        response.text
    )
    assert response.text.count('name="key"') == count


def test_builder_adds_rows_up_to_its_limit_and_says_so(base_url: str) -> None:
    response = post_builder(
        base_url,
        {
            "key": ["k"] * builder.MAX_ROWS,
            "value": ["v"] * builder.MAX_ROWS,
            "category": ["metadata"] * builder.MAX_ROWS,
            "action": "add_row",
        },
    )
    assert response.text.count('name="key"') == builder.MAX_ROWS
    assert 'value="add_row"' not in response.text
    assert "This is the limit of 40 rows." in response.text


@pytest.mark.parametrize(
    ("key", "value", "category", "control", "sentence"),
    [
        ("email", "nope", "customer", "row-0-value", "must be an email address such as"),
        ("reference", "x" * 101, "metadata", "row-0-value", "must be at most 100 characters"),
        ("k" * 31, "v", "metadata", "row-0-key", "must be at most 30 characters long"),
        ("phone", "1", "customer", "row-0-key", "customer.phone must be one of: name, email"),
        ("__proto__", "v", "metadata", "row-0-key", "must not be any of: __proto__"),
        ("email", "a@b.co", "metadata", "row-0-key", "metadata.email must not be any of: name"),
        ("", "v", "metadata", "row-0-key", "metadata. must not be empty"),
    ],
)
def test_builder_puts_each_error_on_the_control_that_caused_it(
    base_url: str, key: str, value: str, category: str, control: str, sentence: str
) -> None:
    response = post_builder(
        base_url,
        {
            **{"org": "acme", "survey": "AKknWccEFf7", "script_src": "/w.js"},
            **{"key": [key], "value": [value], "category": [category], "action": "build"},
        },
    )
    assert response.status_code == 422
    errors = re.search(
        f'<ul class="field-errors" id="{control}-errors">(.*?)</ul>', response.text, re.S
    )
    assert errors is not None
    assert sentence in html.unescape(errors.group(1))
    assert "^" not in errors.group(1)  # a sentence, never a regex


def sandbox(base_url: str, params: dict[str, object]) -> httpx.Response:
    query = quote(json.dumps(params))
    return httpx.get(f"{base_url}/sandbox/acme/AKknWccEFf7?survey_params={query}")


def test_sandbox_files_params_by_the_documented_rules(base_url: str) -> None:
    page = sandbox(
        base_url,
        {
            "name": "Kate",
            "postcode": "AB1 2CD",
            "staff_code": "han",
            "site_code": "leeds",
            "account_type": "gold",
            "reference": "INV-1",
            "colour": "blue",
        },
    ).text
    # Visible customer field: an editable, prefilled input.
    assert 'name="customer.name" value="Kate"' in page
    # Segments with a question preselect it; unknown options are still offered.
    assert 'name="q12346" value="han" checked>' in page
    assert "<option selected>gold</option>" in page
    # Everything else is sent as it was given, by category.
    assert re.findall(r"<dt>(.*?) <span class=\"tag\">(.*?)</span></dt>", page) == [
        ("postcode", "hidden field"),
        ("site_code", "hidden field"),
        ("reference", "link field"),
        ("colour", "unique metadata"),
    ]


def test_sandbox_refuses_params_the_library_refuses(base_url: str) -> None:
    response = sandbox(base_url, {"email": "not-an-email"})
    assert response.status_code == 400
    assert "customer.email" in response.text
    assert "invalid_format" in response.text


def test_sandbox_unknown_survey_is_a_404(base_url: str) -> None:
    response = httpx.get(base_url + "/sandbox/acme/nope")
    assert response.status_code == 404
    assert "AKknWccEFf7" in response.text


def test_gallery_batches_hold_the_whole_corpus() -> None:
    batches = gallery.batches(hostile.VALUES, hostile.KEYS)
    values = [value for batch in batches[:-1] for value in batch.values()]
    assert values == hostile.VALUES
    assert batches[-1] == {key: key for key in hostile.KEYS}
    assert all(len(batch) <= gallery.BATCH_SIZE for batch in batches[:-1])


def test_gallery_without_a_checkout_says_so(
    base_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setattr(gallery, "HOSTILE_FILE", gallery.HOSTILE_FILE.with_name("missing.py"))
    gallery.corpus.cache_clear()
    try:
        response = httpx.get(base_url + "/hostile")
    finally:
        gallery.corpus.cache_clear()
    assert response.status_code == 404
    assert "only exists in a" in response.text


def test_decoded_params_are_the_snippets_own_by_category() -> None:
    from demo_site.decoded import Param, decode

    widget = Widget(org="acme", survey="AKknWccEFf7", script_src="/w.js", segment_keys=["region"])
    snippet = widget.embed(
        {
            "email": "kate@example.com",
            "region": "north",
            "staff_code": "leia",
            "reference": 'INV "1"',
            "note": "a\x85b\ufffe é",
        }
    )
    assert decode(snippet, ("region",)) == [
        Param("Widget", "org", '"acme"'),
        Param("Widget", "survey", '"AKknWccEFf7"'),
        Param("Customer field", "email", '"kate@example.com"'),
        Param("Segment", "region", '"north"'),
        Param("Segment", "staff_code", '"leia"'),
        Param("Unique metadata (link field)", "reference", '"INV \\"1\\""'),
        # Readable, but what HTML may not carry stays a JSON escape.
        Param("Unique metadata", "note", '"a\\u0085b\\ufffe é"'),
    ]
