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
        built = client.post("/builder", data=BUILDER_FORM)
        yield "demo-builder-post.html", built.text
        thanks = client.post(
            "/sandbox/acme/AKknWccEFf7",
            data={"survey_params": '{"name": "Kate"}', "customer.name": "Kate", "q12345": "9"},
        )
        yield "demo-sandbox-post.html", thanks.text


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
