"""`cswidget lint`: every way an embed breaks has a stable code and position,
and everything the library renders lints clean."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import hostile
from cswidget import SurveyParams, Widget, init_script, toggle_script, trigger
from cswidget.cli import main
from cswidget.cli.lint import CODES, lint_html

CASES = Path(__file__).parent / "lint_cases"
SCRIPT_SRC = "https://acme.example/survey_widget.js"

# file -> every problem as (line, col, code), in output order.
BROKEN = {
    "seed_second_example.html": [
        (2, 3, "CSW010"),
        (3, 8, "CSW006"),
        (3, 8, "CSW006"),
        (4, 8, "CSW001"),
    ],
    "stray_gt.html": [(4, 6, "CSW001")],
    "widget_params_bad_json.html": [(2, 38, "CSW002")],
    "widget_params_double_quotes.html": [(2, 38, "CSW002")],
    "survey_params_bad_json.html": [(2, 97, "CSW003")],
    "survey_params_not_object.html": [(2, 97, "CSW003")],
    "survey_params_nan.html": [(2, 97, "CSW003")],
    "duplicate_key.html": [(2, 97, "CSW004")],
    "missing_widget_params.html": [(2, 1, "CSW005")],
    "missing_survey.html": [(2, 38, "CSW005")],
    "invalid_org.html": [(2, 38, "CSW006")],
    "survey_params_too_long.html": [(2, 97, "CSW007")],
    "survey_params_invalid.html": [(2, 97, "CSW007"), (2, 97, "CSW007")],
    "two_containers.html": [(3, 1, "CSW008")],
    "params_on_other_element.html": [(3, 4, "CSW009")],
    "init_missing.html": [(2, 1, "CSW010")],
    "init_before_container.html": [(2, 9, "CSW011")],
    "init_before_script.html": [(2, 9, "CSW012")],
    "init_with_deferred_script.html": [(3, 9, "CSW012")],
    "toggle_before_container.html": [(2, 9, "CSW013")],
    "toggle_before_script.html": [(2, 9, "CSW012"), (3, 9, "CSW014")],
    "async_script.html": [(1, 9, "CSW015")],
    "set_params_after_init.html": [(5, 36, "CSW016")],
    "dataset_after_init.html": [(5, 36, "CSW016")],
    "no_widget_script.html": [(1, 1, "CSW017")],
    "script_twice.html": [(4, 1, "CSW018")],
    "forbidden_code_points.html": [(3, 97, "CSW019")],
}
CLEAN = ["ok_seed_first_example.html", "ok_handwritten.html", "ok_no_widget.html"]


def test_every_code_has_a_broken_case() -> None:
    found = {code for problems in BROKEN.values() for _, _, code in problems}
    assert found == set(CODES)
    assert sorted(path.name for path in CASES.glob("*.html")) == sorted([*BROKEN, *CLEAN])


@pytest.mark.parametrize("name", BROKEN)
def test_broken_snippet_is_reported(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES / name
    assert main(["lint", str(path)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(" ")[0:2] for line in lines] == [
        [f"{path}:{line}:{col}:", code] for line, col, code in BROKEN[name]
    ]
    assert err == ""


def test_seed_second_example_messages(capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES / "seed_second_example.html"
    assert main(["lint", str(path)]) == 1
    assert capsys.readouterr().out == (
        f"{path}:2:3: CSW010 CustomerSureSurveyWidget.init() is never called: "
        "the widget never starts\n"
        f"{path}:3:8: CSW006 data-widget-params: org: invalid_format "
        "(valid_format: '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$(?!\\\\n)')\n"
        f"{path}:3:8: CSW006 data-widget-params: survey: invalid_format "
        "(valid_format: '^[A-Za-z0-9_-]{1,64}$(?!\\\\n)')\n"
        f"{path}:4:8: CSW001 data-survey-params is page text, not an attribute: "
        "a '>' before it closed the tag\n"
    )


@pytest.mark.parametrize("name", CLEAN)
def test_correct_page_is_clean(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(CASES / name)]) == 0
    assert capsys.readouterr() == ("", "")


def test_json_format_carries_the_field_error(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CASES / "survey_params_too_long.html")
    assert main(["lint", "--format", "json", path]) == 1
    assert json.loads(capsys.readouterr().out) == [
        {
            "path": path,
            "line": 2,
            "col": 97,
            "code": "CSW007",
            "message": "data-survey-params: metadata.reference: wrong_length (maximum: 100)",
            "error": {
                "resource": "survey_params",
                "field": "metadata.reference",
                "error": "wrong_length",
                "extra_info": {"maximum": 100},
            },
        }
    ]


def test_json_format_clean_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--format", "json", str(CASES / "ok_handwritten.html")]) == 0
    assert capsys.readouterr().out == "[]\n"


def test_declared_segment_keys_are_used() -> None:
    widget = Widget(org="acme", survey="AKknWccEFf7", script_src=SCRIPT_SRC, segment_keys=["x"])
    page = str(widget.embed({"x": "ok"})).replace("&#34;ok&#34;", f"&#34;{'k' * 101}&#34;")
    [problem] = lint_html(page, path="p.html", segment_keys=["x"])
    assert (problem.code, problem.error and problem.error.field) == ("CSW007", "segments.x")


def test_script_src_names_the_widget_script() -> None:
    widget = Widget(org="acme", survey="AKknWccEFf7", script_src="/static/w.js")
    page = str(widget.embed())
    assert [problem.code for problem in lint_html(page)] == ["CSW017"]
    assert lint_html(page, script_src="/static/w.js") == []


def test_several_files_and_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    stdin = io.TextIOWrapper(io.BytesIO((CASES / "init_missing.html").read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["lint", str(CASES / "ok_handwritten.html"), "-"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "-:2:1: CSW010 CustomerSureSurveyWidget.init() is never called: the widget never starts"
    ]


def test_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(CASES / "ok_handwritten.html"), "nope.html"]) == 2
    assert capsys.readouterr() == (
        "",
        "cswidget: error: cannot read 'nope.html': No such file or directory\n",
    )


def test_bad_segment_key_is_a_validation_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--segment-key", "email", str(CASES / "ok_handwritten.html")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "cswidget: error: Validation error",
        "  segment_keys[0] must not be any of: name, email, telephone_number, company_name, "
        "postcode, reference, machine_id [--segment-key]",
    ]


def test_settings_file_gives_segment_keys_and_script_src(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    widget = Widget(org="acme", survey="AKknWccEFf7", script_src="/w.js", segment_keys=["x"])
    page = tmp_path / "page.html"
    page.write_text(str(widget.embed({"x": "1"})), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "page.html"]) == 1
    assert capsys.readouterr().out.split(" ")[1] == "CSW017"
    (tmp_path / "cswidget.toml").write_text(
        'script_src = "/w.js"\nsegment_keys = ["x"]\n', encoding="utf-8"
    )
    assert main(["lint", "page.html"]) == 0
    (tmp_path / "cswidget.toml").write_text('segment_keys = ["email"]\n', encoding="utf-8")
    assert main(["lint", "page.html"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("[cswidget.toml: segment_keys]")


# -- everything the library renders lints clean --------------------------------

WIDGET = Widget(org="acme", survey="AKknWccEFf7", script_src=SCRIPT_SRC, segment_keys=["region"])
PARAMS = SurveyParams(
    customer={"name": "Kate", "email": "kate@example.com"},
    segments={"site_code": "hq", "region": "north"},
    metadata={"reference": "INV-2090", "order_total": 42},
)
RENDERED = {
    "embed": WIDGET.embed(),
    "embed with params": WIDGET.embed(PARAMS),
    "embed deferred": WIDGET.embed(PARAMS, defer=True),
    "embed with nonce": WIDGET.embed(PARAMS, nonce="r4nd0m+/=="),
    "embed deferred with nonce": WIDGET.embed(PARAMS, defer=True, nonce="abc"),
    "parts in order": WIDGET.script_tag() + WIDGET.container(PARAMS) + init_script(),
    "parts deferred": WIDGET.script_tag(defer=True) + WIDGET.container() + init_script(defer=True),
    "trigger and toggle script first": toggle_script() + trigger("Feedback") + WIDGET.embed(),
    "trigger link and toggle script last": WIDGET.embed(PARAMS)
    + trigger("Tell us", tag="a", href="https://acme.customersure.com/s")
    + toggle_script(nonce="abc"),
}


@pytest.mark.parametrize("html", RENDERED.values(), ids=list(RENDERED))
def test_library_output_is_clean(html: str) -> None:
    page = f"<!doctype html><title>t</title><body><main>{html}</main></body>"
    assert lint_html(page, segment_keys=["region"]) == []


@pytest.mark.parametrize("value", hostile.VALUES)
def test_hostile_values_lint_clean(value: str) -> None:
    page = str(WIDGET.embed({"reference": value, "name": value}))
    assert lint_html(page) == []


def test_hostile_keys_lint_clean() -> None:
    for key in hostile.KEYS:
        page = str(WIDGET.embed({key: "v"}))
        assert lint_html(page, segment_keys=["region"]) == [], key


def test_library_output_is_clean_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = []
    for index, html in enumerate(RENDERED.values()):
        page = tmp_path / f"page{index}.html"
        page.write_text(str(html), encoding="utf-8")
        pages.append(str(page))
    assert main(["lint", "--segment-key", "region", *pages]) == 0
    assert capsys.readouterr() == ("", "")


def test_lint_as_a_subprocess() -> None:
    path = str(CASES / "stray_gt.html")
    result = subprocess.run(
        [sys.executable, "-m", "cswidget", "lint", path],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"{path}:4:6: CSW001 data-survey-params is page text, not an attribute: "
        "a '>' before it closed the tag\n"
    )


def test_late_meta_charset_reparse_reports_once() -> None:
    # A <meta charset> past the first 1024 bytes makes the parser start again.
    page = (
        "<!doctype html><!-- " + "x" * 1100 + ' --><meta charset="utf-8"><title>Zoë</title>\n'
        f"<script src='{SCRIPT_SRC}'></script>"
        "<div data-customersure-survey-widget data-widget-params='"
        '{"org":"acme","survey":"x"}\'>\n'
        " data-survey-params='{}'></div><script>CustomerSureSurveyWidget.init()</script>"
    ).encode()
    assert [(p.line, p.col, p.code) for p in lint_html(page)] == [(3, 2, "CSW001")]


def test_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    # More output than a pipe buffers, so the write must hit the closed pipe.
    page = tmp_path / "big.html"
    page.write_bytes((CASES / "seed_second_example.html").read_bytes() * 400)
    with subprocess.Popen(
        [sys.executable, "-m", "cswidget", "lint", str(page)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()
        stderr = process.stderr.read()
        status = process.wait()
    assert (status, stderr) == (1, b"")
