"""The W3C Nu HTML checker over the library's output and every demo page: zero errors.

vnu.jar comes from the `vnu-jar` npm package (package.json; `make test`
runs `npm ci`), run with the `java` tests/ensure_java.py finds or installs.
JVM start-up costs seconds, so every document is written to one directory
and checked in a single run, with `--format json`; a missing checker or Java
is a failure, never a skip.

Run by hand over any pages: `python tests/test_nu_html.py page.html ...`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from demo_site.app import create_app
from markupsafe import Markup, escape

import ensure_java
import hostile
from cswidget import Widget, init_script, toggle_script, trigger
from cswidget.codepoints import text_problem
from demo_forms import form_session
from livesrv import serve

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

WIDGET = Widget(
    org="acme",
    survey="AKknWccEFf7",
    script_src="https://acme.example/survey_widget.js?v=1&x='2'",
    segment_keys=["region"],
    extra_params={"theme": "dark\x7f\ufdd0"},
)

# Every demo page, as a visitor reaches it (GET), and the pages forms lead to.
DEMO_PAGES = [
    "/",
    "/prebuilt",
    "/native",
    "/scripted",
    "/deferred",
    "/csp",
    "/logged-in",
    "/hostile",
    "/builder",
    "/sandbox/acme/AKknWccEFf7",
    "/sandbox/acme/AKknWccEFf7?survey_params="
    + quote(
        json.dumps({"name": "Kate", "staff_code": "han", "site_code": "leeds", "note": "\x85"})
    ),
    "/sandbox/acme/AKknWccEFf7?survey_params=" + quote('{"email": "not-an-email"}'),
    "/sandbox/acme/nope",
    # The widget's life on real sites: a page per consent manager, Turbo and
    # htmx pages, the page the auto-embed middleware fills.
    *(f"/consent?manager={manager}" for manager in ("event", "cookiebot", "klaro", "onetrust")),
    "/turbo",
    "/turbo/two",
    "/turbo/form",
    "/turbo/permanent",
    "/htmx",
    "/htmx/two",
    "/auto-embed",
    # The styled error pages.
    "/no-such-page",
]
BUILDER_FORM = {
    "org": "acme",
    "survey": "AKknWccEFf7",
    "script_src": "https://acme.example/survey_widget.js",
    "key": ["email", "region", "reference", ""],
    "value": ["kate@example.com", "north", "INV-2090", ""],
    "category": ["customer", "segment", "metadata", "metadata"],
    "action": "build",
}


def document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def library_documents() -> Iterator[tuple[str, str]]:
    """The library's output for the whole hostile corpus, a page per part."""
    values = {f"value_{index:03d}": value for index, value in enumerate(hostile.VALUES)}
    keys = {key: key for key in hostile.KEYS}
    for index, batch in enumerate(hostile.in_batches({**values, **keys})):
        body = WIDGET.embed(batch, nonce="bm9uY2U=") + Markup("\n") + WIDGET.container(batch)
        yield f"library-params-{index}.html", document("cswidget params", body)
    labels = [value for value in hostile.VALUES if value.strip() and text_problem(value) is None]
    triggers = Markup("\n").join(
        trigger(label, title=label, data_note=label, class_="btn") for label in labels
    )
    links = trigger("Feedback", tag="a", href="https://acme.example/survey?x=1&y='2'")
    scripts = init_script(defer=True, nonce="a+b/c=") + toggle_script(nonce="a+b/c=")
    yield "library-triggers.html", document("cswidget triggers", triggers + links + scripts)


def demo_documents(base_url: str) -> Iterator[tuple[str, str]]:
    with httpx.Client(base_url=base_url) as client:
        for index, path in enumerate(DEMO_PAGES):
            response = client.get(path)
            assert response.headers["content-type"].startswith("text/html"), path
            yield f"demo-{index:02d}.html", response.text
        yield "demo-method-not-allowed.html", client.delete("/builder").text
    # The forms, posted with their CSRF token as a browser posts them.
    builder, token = form_session(base_url + "/builder")
    with closing(builder):
        built = builder.post(base_url + "/builder", data={**BUILDER_FORM, "csrf_token": token})
        assert built.status_code == 200, built.text
        yield "demo-builder-post.html", built.text
    survey_url = base_url + "/sandbox/acme/AKknWccEFf7"
    survey, token = form_session(survey_url)
    with closing(survey):
        thanks = survey.post(
            survey_url,
            data={
                "csrf_token": token,
                "survey_params": '{"name": "Kate"}',
                "customer.name": "Kate",
                "q12345": "9",
            },
        )
        assert thanks.status_code == 200, thanks.text
        yield "demo-sandbox-post.html", thanks.text


# Cookiebot's manual mode and OneTrust's script rewriting are documented as
# `<script type="text/plain" ... src="...">`: the managers find the tag by its
# marker and re-create it as a script. HTML calls a text/plain script a data
# block, which may not have a src, so the Nu checker reports that one error on
# those two managers' tags; cswidget's own gate (event:) and Klaro use
# data-src and validate.
MANAGERS_OWN_MARKUP = ("data-cookieconsent=", 'class="optanon-category-')


def is_consent_managers_own_markup(message: dict[str, object]) -> bool:
    extract = str(message.get("extract", ""))
    return "must not have a “src” attribute" in str(message.get("message", "")) and any(
        marker in extract for marker in MANAGERS_OWN_MARKUP
    )


def test_only_the_managers_own_markup_is_excused() -> None:
    text = "A “script” element with a “type” attribute ... must not have a “src” attribute."
    cookiebot = '<script type="text/plain" data-cookieconsent="statistics" src="/w.js">'
    ours = '<script type="text/plain" data-cswidget-consent-event="x" src="/w.js">'
    assert is_consent_managers_own_markup({"message": text, "extract": cookiebot})
    assert not is_consent_managers_own_markup({"message": text, "extract": ours})
    assert not is_consent_managers_own_markup({"message": "Stray end tag", "extract": cookiebot})


def nu_errors(java: str, paths: Sequence[Path]) -> list[str]:
    """Every error the Nu checker reports over `paths`, in one JVM run."""
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stderr)["messages"]
    messages = [message for message in messages if not is_consent_managers_own_markup(message)]
    return [
        f"{Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: "
        f"{message['message']} [{message.get('extract', '')!r}]"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]


@pytest.fixture(scope="module")
def java() -> str:
    found = ensure_java.find_java()
    if found is None:
        pytest.fail("no java to run the Nu HTML checker (tests/ensure_java.py)")
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: run `npm ci` (make test does)")
    return found


def test_nu_checker_finds_no_errors_in_the_library_output_and_demo_pages(
    java: str, tmp_path: Path
) -> None:
    with serve(create_app()) as base_url:
        documents = [*library_documents(), *demo_documents(base_url)]
    # A control in the same run: the checker must see what was wrong before,
    # a raw DEL and U+FFFE in an attribute.
    documents.append(("control.html", document("control", '<p title="a\x7fb\ufffe">x</p>')))
    paths = []
    for name, text in documents:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    errors = nu_errors(java, paths)
    assert [error.split(" [")[0] for error in errors if error.startswith("control.html")] == [
        "control.html:8: Forbidden code point U+007f.",
        "control.html:8: Forbidden code point U+fffe.",
    ]
    assert [error for error in errors if not error.startswith("control.html")] == []


if __name__ == "__main__":
    found = ensure_java.find_java()
    if found is None:
        raise SystemExit("no java")
    print("\n".join(nu_errors(found, [Path(name) for name in sys.argv[1:]])))
