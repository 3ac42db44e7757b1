"""`cswidget snippet` and `cswidget schema`: byte for byte the Python API."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import hostile
from cswidget import SurveyParams, Widget, init_script, schema
from cswidget.cli import main

ORG, SURVEY, SRC = "acme", "AKknWccEFf7", "https://acme.example/survey_widget.js"
WIDGET_FLAGS = ["--org", ORG, "--survey", SURVEY, "--script-src", SRC]
WIDGET = Widget(org=ORG, survey=SURVEY, script_src=SRC)


@pytest.fixture(autouse=True)
def _empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings are read from the current directory: start from none.
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_embed_without_params(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "snippet", *WIDGET_FLAGS) == (0, f"{WIDGET.embed()}\n", "")


def test_embed_with_every_kind_of_param(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        "snippet",
        *WIDGET_FLAGS,
        "--segment-key=region",
        "--customer=name=Kate",
        "--customer=email=kate@example.com",
        "--segment=region=north",
        "--segment=site_code=hq",
        "--meta=reference=INV-2090",
        "--meta=note=a=b",
    )
    widget = Widget(org=ORG, survey=SURVEY, script_src=SRC, segment_keys=["region"])
    params = SurveyParams(
        customer={"name": "Kate", "email": "kate@example.com"},
        segments={"region": "north", "site_code": "hq"},
        metadata={"reference": "INV-2090", "note": "a=b"},
    )
    assert (status, out, err) == (0, f"{widget.embed(params)}\n", "")


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--defer"], WIDGET.embed({"reference": "R"}, defer=True)),
        (["--nonce", "abc+/=="], WIDGET.embed({"reference": "R"}, nonce="abc+/==")),
        (["--part", "container"], WIDGET.container({"reference": "R"})),
        (["--part", "script", "--defer", "--nonce", "n"], WIDGET.script_tag(defer=True, nonce="n")),
        (["--part", "init", "--defer", "--nonce", "n"], init_script(defer=True, nonce="n")),
    ],
)
def test_options_and_parts(
    flags: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "snippet", *WIDGET_FLAGS, "--meta", "reference=R", *flags) == (
        0,
        f"{expected}\n",
        "",
    )


def test_params_file_is_classified_like_from_flat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = {"email": "k@example.com", "region": "north", "total": 12.5, "vip": True, "x": None}
    (tmp_path / "params.json").write_text(json.dumps(flat), encoding="utf-8")
    status, out, _ = run(
        capsys, "snippet", *WIDGET_FLAGS, "--segment-key", "region", "--params", "params.json"
    )
    widget = Widget(org=ORG, survey=SURVEY, script_src=SRC, segment_keys=["region"])
    assert (status, out) == (0, f"{widget.embed(flat)}\n")


def test_params_from_stdin_merge_with_flags(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"name": "Kate"}'))
    status, out, _ = run(capsys, "snippet", *WIDGET_FLAGS, "--params", "-", "--meta", "ref=1")
    assert (status, out) == (0, f"{WIDGET.embed({'name': 'Kate', 'ref': '1'})}\n")


@pytest.mark.parametrize("value", hostile.VALUES)
def test_hostile_values_byte_for_byte(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "snippet", *WIDGET_FLAGS, "--customer", f"name={value}", "--meta", f"v={value}"
    )
    expected = WIDGET.embed(SurveyParams(customer={"name": value}, metadata={"v": value}))
    assert (status, out, err) == (0, f"{expected}\n", "")


def test_hostile_keys_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flat = dict.fromkeys(hostile.KEYS, "v")
    (tmp_path / "params.json").write_text(json.dumps(flat), encoding="utf-8")
    status, out, _ = run(capsys, "snippet", *WIDGET_FLAGS, "--params", "params.json")
    assert (status, out) == (0, f"{WIDGET.embed(flat)}\n")


# -- bad input: exit 2, one line naming the flag, nothing on stdout --------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["snippet", "--survey", SURVEY, "--script-src", SRC],
            "missing required argument: --org (or set org in cswidget.toml)\n",
        ),
        ([], "a command is required: snippet, batch, schema, lint, sandbox or api"),
        (["snippet", *WIDGET_FLAGS, "--customer", "name"], "--customer: expected KEY=VALUE"),
        (["snippet", *WIDGET_FLAGS, "--part", "head"], "argument --part: invalid choice"),
        (["snippet", *WIDGET_FLAGS, "--bogus"], "unrecognized arguments: --bogus"),
        (["snippet", *WIDGET_FLAGS, "--params", "missing.json"], "--params: cannot read"),
        (
            ["snippet", *WIDGET_FLAGS, "--meta", "k=1", "--meta", "k=2"],
            "--meta: key 'k' is already given by --meta",
        ),
        (["schema", "survey"], "argument name: invalid choice: 'survey'"),
    ],
)
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.startswith("cswidget: error: ")
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{",
            "--params: 'p.json' is not valid JSON: Expecting property name enclosed in "
            "double quotes: line 1 column 2 (char 1)",
        ),
        ("[1]", "--params: 'p.json' must hold a JSON object, not list"),
        ('{"a": NaN}', "--params: 'p.json' is not valid JSON: NaN is not valid JSON"),
        ('{"a": 1, "a": 2}', "--params: 'p.json' is not valid JSON: key 'a' given twice"),
    ],
)
def test_bad_params_file(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.json").write_text(content, encoding="utf-8")
    assert run(capsys, "snippet", *WIDGET_FLAGS, "--params", "p.json") == (
        2,
        "",
        f"cswidget: error: {message}\n",
    )


def test_key_in_params_file_and_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.json").write_text('{"name": "Kate"}', encoding="utf-8")
    assert run(capsys, "snippet", *WIDGET_FLAGS, "--params", "p.json", "--customer", "name=B") == (
        2,
        "",
        "cswidget: error: --customer: key 'name' is already given by --params\n",
    )


def test_validation_errors_in_the_api_language(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        "snippet",
        "--org",
        "acme corp",
        "--survey",
        SURVEY,
        "--script-src",
        "javascript:alert(1)",
    )
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines == [
        "cswidget: error: Validation error",
        "  org must be your CustomerSure account name (letters, digits and hyphens) [--org]",
        "  script_src must be an https:// URL, a root-relative path, or http://localhost"
        " [--script-src]",
    ]


def test_validation_errors_name_the_flag_that_gave_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.json").write_text('{"email": "kate@example"}', encoding="utf-8")
    status, out, err = run(capsys, "snippet", *WIDGET_FLAGS, "--params", "p.json")
    assert (status, out) == (2, "")
    assert err.splitlines()[1].endswith("[--params]")
    status, out, err = run(
        capsys, "snippet", *WIDGET_FLAGS, "--segment-key", "region", "--segment", "area=x"
    )
    assert (status, out) == (2, "")
    assert err.splitlines()[1:] == [
        "  segments.area must be one of: staff_code, site_code, region [--segment]"
    ]


def test_params_errors_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        "snippet",
        *WIDGET_FLAGS,
        "--error-format",
        "json",
        "--customer",
        "phone=1",
        "--meta",
        f"note={'x' * 101}",
    )
    assert (status, out) == (2, "")
    assert json.loads(err) == {
        "message": "Validation error",
        "errors": [
            {
                "resource": "survey_params",
                "field": "customer.phone",
                "error": "invalid_value",
                "extra_info": {
                    "allowed_values": [
                        "name",
                        "email",
                        "telephone_number",
                        "company_name",
                        "postcode",
                    ]
                },
            },
            {
                "resource": "survey_params",
                "field": "metadata.note",
                "error": "wrong_length",
                "extra_info": {"maximum": 100},
            },
        ],
    }


def test_bad_nonce_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "snippet", *WIDGET_FLAGS, "--nonce", '"><script>')
    assert (status, out) == (2, "")
    assert err.splitlines()[1].startswith("  nonce must be a CSP nonce: base64 text")
    assert err.splitlines()[1].endswith("[--nonce]")


# -- settings files ---------------------------------------------------------------


def test_settings_from_cswidget_toml_flags_win(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cswidget.toml").write_text(
        f'org = "other"\nsurvey = "{SURVEY}"\nscript_src = "{SRC}"\n'
        'segment_keys = ["region"]\ndefer = true\n',
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "snippet", "--org", ORG, "--segment", "region=north")
    widget = Widget(org=ORG, survey=SURVEY, script_src=SRC, segment_keys=["region"])
    assert (status, out) == (0, f"{widget.embed({'region': 'north'}, defer=True)}\n")
    status, out, _ = run(capsys, "snippet", "--no-defer")
    expected = Widget(org="other", survey=SURVEY, script_src=SRC).embed()
    assert (status, out) == (0, f"{expected}\n")


def test_settings_from_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "site"\n\n[tool.cswidget]\norg = "{ORG}"\nsurvey = "{SURVEY}"\n'
        f'script_src = "{SRC}"\n',
        encoding="utf-8",
    )
    assert run(capsys, "snippet") == (0, f"{WIDGET.embed()}\n", "")


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("cswidget.toml", 'org = "a"\nnonce = "x"\n', "cswidget.toml: nonce: unknown key"),
        ("cswidget.toml", "org = 1\n", "cswidget.toml: org: must be a string"),
        ("cswidget.toml", 'defer = "yes"\n', "cswidget.toml: defer: must be true or false"),
        ("cswidget.toml", 'segment_keys = "region"\n', "cswidget.toml: segment_keys: must be a"),
        ("cswidget.toml", "org = \n", "cswidget.toml: invalid TOML: "),
        (
            "pyproject.toml",
            "[tool.cswidget]\nsurvay = 'x'\n",
            "pyproject.toml [tool.cswidget]: survay: unknown key",
        ),
    ],
)
def test_bad_settings_name_file_and_key(
    file: str, content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / file).write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "snippet", *WIDGET_FLAGS)
    assert (status, out) == (2, "")
    assert err.startswith(f"cswidget: error: {message}")
    assert err.count("\n") == 1


def test_invalid_setting_value_names_its_origin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cswidget.toml").write_text('org = "acme corp"\n', encoding="utf-8")
    status, out, err = run(capsys, "snippet", "--survey", SURVEY, "--script-src", SRC)
    assert (status, out) == (2, "")
    assert err.splitlines()[1].endswith("[cswidget.toml: org]")


# -- schema ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["survey-params", "widget-params"])
def test_schema(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", name) == (0, json.dumps(schema(name), indent=2) + "\n", "")


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "snippet", "--help")
    assert (status, err) == (0, "")
    assert "--segment-key NAME" in out


# -- as a real process -------------------------------------------------------------------


def cswidget(*argv: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cswidget", *argv], capture_output=True, cwd=cwd, check=False
    )


def test_snippet_as_a_subprocess(tmp_path: Path) -> None:
    value = "</script><script>window.__pwned=1</script> Zoë \u2028"
    result = cswidget("snippet", *WIDGET_FLAGS, "--meta", f"note={value}", cwd=tmp_path)
    expected = f"{WIDGET.embed({'note': value})}\n".encode()
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, b"")


def test_schema_as_a_subprocess(tmp_path: Path) -> None:
    result = cswidget("schema", "widget-params", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout) == schema("widget-params")


def test_usage_error_as_a_subprocess(tmp_path: Path) -> None:
    result = cswidget("snippet", "--org", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, b"")
    assert (
        result.stderr
        == b"cswidget: error: cswidget snippet: argument --org: expected one argument\n"
    )


def test_import_cswidget_stays_light(tmp_path: Path) -> None:
    code = (
        "import sys, cswidget, cswidget.cli; "
        "heavy = ('html5lib', 'jsonschema', 'cswidget.cli.lint'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout == "[]\n"
