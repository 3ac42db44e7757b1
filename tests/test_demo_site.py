"""The demo site's pages, over HTTP: the index shows each page's exact
snippet, the strict-CSP page nonces every script, the builder answers in
the API's error language and the sandbox files params by the documented rules."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from demo_site import gallery, pages
from demo_site.app import create_app
from markupsafe import escape

import hostile
from cswidget import Widget
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


def shown_snippets(page_html: str) -> list[str]:
    return [html.unescape(text) for text in SNIPPET.findall(page_html)]


def test_index_shows_the_snippet_each_page_embeds(base_url: str) -> None:
    index = httpx.get(base_url + "/").text
    shown = dict(zip([s.slug for s in pages.SCENARIOS], shown_snippets(index), strict=True))
    for scenario in pages.SCENARIOS:
        if scenario.slug == "builder":
            continue
        page = httpx.get(base_url + scenario.path).text
        # Nonces are fresh per request; everything else is byte-identical.
        assert NONCE.sub("nonce", shown[scenario.slug]) in NONCE.sub("nonce", page)
        assert [NONCE.sub("nonce", text) for text in shown_snippets(page)] == [
            NONCE.sub("nonce", shown[scenario.slug])
        ]


def test_index_shows_the_builder_default_snippet(base_url: str) -> None:
    index = httpx.get(base_url + "/").text
    expected = Widget(org="acme", survey="AKknWccEFf7", script_src="/static/survey_widget.js")
    assert shown_snippets(index)[-1] == str(expected.embed({}))


def test_strict_csp_page_nonces_every_script_with_a_fresh_nonce(base_url: str) -> None:
    first, second = httpx.get(base_url + "/csp"), httpx.get(base_url + "/csp")
    nonces = []
    for response in (first, second):
        policy = response.headers["content-security-policy"]
        match = re.fullmatch(
            r"script-src 'nonce-([A-Za-z0-9_-]{24})'; object-src 'none'; base-uri 'none'", policy
        )
        assert match is not None, policy
        nonce = match.group(1)
        scripts = re.findall(r"<script\b[^>]*>", response.text)
        assert len(scripts) == 3
        assert all(f'nonce="{nonce}"' in tag for tag in scripts)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_only_the_csp_page_sends_a_policy(base_url: str) -> None:
    assert "content-security-policy" not in httpx.get(base_url + "/prebuilt").headers


def test_builder_returns_the_library_snippet(base_url: str) -> None:
    response = httpx.post(
        base_url + "/builder",
        data={
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
    response = httpx.post(
        base_url + "/builder",
        data={
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
        html.unescape(re.search(r"<pre tabindex=\"0\"><code>(.*?)</code>", response.text, re.S)[1])
    )
    assert errors["message"] == "Validation error"
    assert [(e["field"], e["error"]) for e in errors["errors"]] == [
        ("survey", "invalid_format"),
        ("script_src", "invalid_format"),
        ("customer.email", "invalid_format"),
        ("metadata.__proto__", "forbidden_value"),
        ("metadata.email", "forbidden_value"),
    ]
    for control in ("survey", "script_src", "row-0-key", "row-1-key", "row-2-key"):
        assert f'aria-describedby="{control}-errors"' in response.text


def test_builder_refuses_a_key_given_twice(base_url: str) -> None:
    response = httpx.post(
        base_url + "/builder",
        data={
            **{"org": "acme", "survey": "AKknWccEFf7", "script_src": "/w.js"},
            "key": ["ref", "ref"],
            "value": ["a", "b"],
            "category": ["metadata", "metadata"],
            "action": "build",
        },
    )
    assert response.status_code == 422
    assert (
        "metadata.ref: the same key is given in two rows (<code>invalid_value</code>)"
        in response.text
    )


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
