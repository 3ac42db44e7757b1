"""The README and the documentation pages are true: their examples run and
print what they show, the README stays a short front door, and every port,
script URL and link in them is right. (Recipes: test_recipes.py; command
transcripts: test_readme_cli.py; the site's strict build: test_docs_site.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")}
ALL_DOCS = {"README.md": README, **{f"docs/{name}": text for name, text in PAGES.items()}}
RECIPES = {path.read_text(encoding="utf-8") for path in (ROOT / "docs" / "recipes").rglob("*.py")}


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)\n```$", text, re.M | re.S)


def test_first_example_renders_exactly_the_html_shown() -> None:
    namespace: dict[str, object] = {}
    exec(blocks(README, "python")[0], namespace)
    assert str(namespace["html"]) == blocks(README, "html")[0]


def test_error_example_is_the_error_shown() -> None:
    from cswidget import ValidationError

    page = PAGES["python.md"]
    (source,) = [block for block in blocks(page, "python") if "except ValidationError" in block]
    with pytest.raises(ValidationError) as caught:
        exec(source.replace("    error.to_dict()", "    raise"), {})
    assert caught.value.to_dict() == json.loads(blocks(page, "json")[0])


OWN_TESTS = {"docs/api.md"}
PYTHON_EXAMPLES = [
    pytest.param(block, id=f"{name}:{number}")
    for name, text in ALL_DOCS.items()
    for number, block in enumerate(blocks(text, "python"))
    # Recipes run through their real frameworks in test_recipes.py; the API
    # client's examples run in order against the sandbox in test_api_docs.py.
    if block + "\n" not in RECIPES and name not in OWN_TESTS
]


@pytest.mark.parametrize("source", PYTHON_EXAMPLES)
def test_every_python_example_runs_and_prints_what_it_shows(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each example runs as written; a line followed by `# <output>` evaluates to that output."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    lines = source.split("\n")
    for number, line in enumerate(lines):
        shown = lines[number + 1] if number + 1 < len(lines) else ""
        if shown.startswith("# <") and not line.startswith((" ", "#")):
            exec("\n".join(lines[:number]), namespace)
            assert str(eval(line, namespace)) == shown.removeprefix("# ")
    exec(source, namespace)


def test_hostile_corpus_size_is_as_stated() -> None:
    import hostile

    stated = (
        f"({len(hostile.VALUES)} values and {len(hostile.KEYS)} keys, "
        f"plus {len(hostile.INVALID_KEYS)} keys it must refuse:"
    )
    assert stated in " ".join(PAGES["csp.md"].split())


def test_readme_is_a_short_front_door() -> None:
    assert len(README.splitlines()) <= 250
    for heading in ["## Two commands", "## Install", "## A short tour of the demo"]:
        assert heading in README
    assert "not on a package index yet; install it from a clone" in README


# The one statement of the real script URL's shape and where to find it.
SCRIPT_URL = re.search(r"^\*\*The script URL\*\* is .*$", README, re.M)


def test_the_script_url_is_stated_once_and_the_same_everywhere() -> None:
    assert SCRIPT_URL is not None
    assert SCRIPT_URL.group(0) in PAGES["index.md"]
    for name, text in ALL_DOCS.items():
        assert text.count("**The script URL** is") == (1 if name in SCRIPT_URL_PAGES else 0), name


SCRIPT_URL_PAGES = ("README.md", "docs/index.md")
# The example stand-in, the contract's own placeholder, and the demo's local
# stand-in (named only where the demo is described).
ALLOWED_SCRIPT_URLS = {
    "https://acme.example/survey_widget.js",
    "https://link-to-survey_widget.js",
    "/static/survey_widget.js",
}


@pytest.mark.parametrize("name", sorted(ALL_DOCS))
def test_every_script_url_is_the_example_or_the_contracts_placeholder(name: str) -> None:
    urls = set(re.findall(r"(?:https?://|/)[^\s\"'`<>()]*survey_widget\.js", ALL_DOCS[name]))
    assert urls <= ALLOWED_SCRIPT_URLS
    if "/static/survey_widget.js" in urls:
        assert name in ("docs/demo.md", "docs/development.md")


# `cswidget sandbox`'s default port, on the pages that show that command.
SANDBOX_PORT = "8010"


@pytest.mark.parametrize("name", sorted(ALL_DOCS))
def test_every_local_url_is_the_demos_port(name: str) -> None:
    ports = set(re.findall(r"(?:127\.0\.0\.1|localhost):(\d+)", ALL_DOCS[name]))
    sandbox = "cswidget sandbox" in ALL_DOCS[name]
    assert ports <= ({"8000", SANDBOX_PORT} if sandbox else {"8000"})


def test_the_sandbox_port_is_the_commands_default(capsys: pytest.CaptureFixture[str]) -> None:
    from cswidget.cli import main

    assert main(["sandbox", "--help"]) == 0
    assert f"--port PORT    port (default {SANDBOX_PORT}; 0: any free port)" in (
        capsys.readouterr().out
    )


def test_every_relative_link_in_the_readme_exists() -> None:
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", README)
    assert targets
    assert [target for target in targets if not (ROOT / target).exists()] == []


def test_the_rest_api_transcript_answers_as_shown() -> None:
    from demo_site.app import create_app

    from livesrv import serve

    (transcript,) = [b for b in blocks(PAGES["demo.md"], "console") if "curl" in b]
    command, _, shown = transcript.partition("\n[")
    headers = dict(re.findall(r"-H '([^:]+): ([^']*)'", command))
    (url,) = re.findall(r"http://127\.0\.0\.1:8000(/\S+)", command)
    with serve(create_app()) as base_url:
        response = httpx.get(base_url + url, headers=headers)
    assert response.status_code == 200
    assert response.text == "[" + shown
