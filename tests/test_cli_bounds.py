"""Hostile and oversized input to the command line, run as users run it.

Each bad input gives one line on stderr naming the flag, file, row or key,
exit status 2, nothing on stdout and never a traceback. Run in a real
subprocess: argv bytes that are not UTF-8, the real stderr, real exit codes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cswidget.cli.batch import MAX_CSV_CELL
from cswidget.cli.jsoninput import MAX_JSON_DEPTH
from cswidget.cli.lint import MAX_ELEMENT_DEPTH, MAX_PAGE_BYTES

WIDGET_FLAGS = ["--org", "acme", "--survey", "s1", "--script-src", "/w.js"]
CONTAINER = (
    "<div data-customersure-survey-widget "
    'data-widget-params=\'{"org":"acme","survey":"s1"}\'></div>\n'
)


def cswidget(cwd: Path, *argv: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cswidget", *argv],
        input=stdin.decode("utf-8", "surrogateescape"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": ""},
        check=False,
    )


FILES: dict[str, str] = {
    "deep.json": "[" * 100_000,
    "just_too_deep.json": '{"k":' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}",
    "twice.json": '{"reference":"a","reference":"b"}',
    "big_cell.csv": "reference,note\nR1," + "x" * (MAX_CSV_CELL + 1) + "\n",
    "big_header.csv": "reference," + "h" * (MAX_CSV_CELL + 1) + "\nR1,x\n",
    "rows.csv": "reference\nR1\n",
    "deep.html": "<div>" * (MAX_ELEMENT_DEPTH + 10) + CONTAINER,
    "huge.html": "<p>" + "x" * MAX_PAGE_BYTES + CONTAINER,
}

BAD_INPUT = [
    (
        ["snippet", *WIDGET_FLAGS, "--params", "deep.json"],
        f"cswidget: error: --params: 'deep.json' is not valid JSON: nested deeper than "
        f"{MAX_JSON_DEPTH} levels, the most cswidget reads",
    ),
    (
        ["snippet", *WIDGET_FLAGS, "--params", "just_too_deep.json"],
        f"cswidget: error: --params: 'just_too_deep.json' is not valid JSON: nested deeper than "
        f"{MAX_JSON_DEPTH} levels, the most cswidget reads",
    ),
    (
        ["snippet", *WIDGET_FLAGS, "--params", "twice.json"],
        "cswidget: error: --params: 'twice.json' is not valid JSON: key 'reference' given twice",
    ),
    (
        ["batch", "big_cell.csv", "--out", "out", *WIDGET_FLAGS],
        "cswidget: error: ROWS: 'big_cell.csv' row 2: a cell is longer than 1,048,576 "
        "characters, the most cswidget reads",
    ),
    (
        ["batch", "big_header.csv", "--out", "out", *WIDGET_FLAGS],
        "cswidget: error: ROWS: 'big_header.csv' row 1: a cell is longer than 1,048,576 "
        "characters, the most cswidget reads",
    ),
    (
        ["batch"],
        "cswidget: error: missing required arguments: ROWS, --out, --org, --survey, "
        "--script-src (or set org, survey, script_src in cswidget.toml)",
    ),
    (
        ["batch", "rows.csv", "--survey", "s1"],
        "cswidget: error: missing required arguments: --out, --org, --script-src "
        "(or set org, script_src in cswidget.toml)",
    ),
    (
        ["snippet", "--script-src", "/w.js"],
        "cswidget: error: missing required arguments: --org, --survey "
        "(or set org, survey in cswidget.toml)",
    ),
    (
        ["batch", "rows.csv", "--out", "out", "--name-column", "\x1b[2Jname", *WIDGET_FLAGS],
        "cswidget: error: --name-column: no column '\\x1b[2Jname' in 'rows.csv' "
        "(columns: 'reference')",
    ),
    (
        ["snippet", *WIDGET_FLAGS, "--meta", "k" * 10_000],
        "cswidget: error: --meta: expected KEY=VALUE, got '" + "k" * 100 + "…'",
    ),
    (
        ["lint", "deep.html"],
        f"cswidget: error: 'deep.html': 1:{5 * (MAX_ELEMENT_DEPTH - 2) + 1}: elements nested "
        f"deeper than {MAX_ELEMENT_DEPTH}; lint reads pages nested at most "
        f"{MAX_ELEMENT_DEPTH} deep",
    ),
    (
        ["lint", "huge.html"],
        f"cswidget: error: 'huge.html': {MAX_PAGE_BYTES + len(CONTAINER) + 3:,} bytes; "
        f"lint reads pages of at most {MAX_PAGE_BYTES:,} bytes",
    ),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bad-input")
    for name, text in FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize(("argv", "line"), BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_input_is_one_line_and_exit_2(argv: list[str], line: str, files: Path) -> None:
    result = cswidget(files, *argv)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", line + "\n")
    assert not (files / "out").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["snippet", *WIDGET_FLAGS, "--meta", "note=a\udcffb"],  # argv bytes b"a\xffb"
        ["snippet", *WIDGET_FLAGS, "--meta", "k\udcff=v"],
        ["snippet", "--org", "acme\udcff", "--survey", "s1", "--script-src", "/w.js"],
        ["snippet", *WIDGET_FLAGS, "--params", "-"],
    ],
)
def test_lone_surrogates_are_refused_in_the_apis_language(argv: list[str], files: Path) -> None:
    result = cswidget(files, *argv, stdin=b'{"note": "\\ud800"}')
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("cswidget: error: Validation error\n  ")
    assert "Traceback" not in result.stderr


def test_version(files: Path) -> None:
    from importlib.metadata import version

    result = cswidget(files, "--version")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"cswidget {version('cswidget')}\n",
        "",
    )


def test_batch_reports_lone_surrogates_and_duplicate_keys_per_row(tmp_path: Path) -> None:
    (tmp_path / "rows.jsonl").write_text(
        '{"reference": "\\ud800"}\n'
        '{"reference": "R2", "\\udfff": 1}\n'
        '{"reference": "R3", "reference": "R3"}\n'
        '{"reference": "R4", "k": ' + "[" * 50_000 + "]" * 50_000 + "}\n"
        '{"reference": "R5"}\n',
        encoding="utf-8",
    )
    result = cswidget(tmp_path, "batch", "rows.jsonl", "--out", "out", *WIDGET_FLAGS)
    assert result.returncode == 1
    assert result.stdout == "wrote 1 of 5 snippets to out\n"
    assert "Traceback" not in result.stderr
    raw = (tmp_path / "out" / "rejected.json").read_bytes()
    raw.decode("utf-8")  # strict: the report is valid UTF-8
    report = json.loads(raw)
    assert (report["rows"], report["written"]) == (5, 1)
    assert [(item["row"], item["name"]) for item in report["rejected"]] == [
        (1, "\ud800"),
        (2, "R2"),
        (3, None),
        (4, None),
    ]
    assert [error["field"] for item in report["rejected"] for error in item["errors"]] == [
        "metadata.reference",
        "metadata.\udfff",
        "row",
        "row",
    ]
    assert report["rejected"][2]["errors"][0]["extra_info"] == {
        "message": "not valid JSON: key 'reference' given twice"
    }


def test_batch_escapes_control_characters_it_echoes(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text(
        "reference,\x1b]0;pwned\x07\x1b[2J,\u202ekey\nR1,\x1b[31mred,v\n",
        encoding="utf-8",
    )
    result = cswidget(tmp_path, "batch", "rows.csv", "--out", "out", *WIDGET_FLAGS)
    assert result.returncode == 1
    assert result.stderr == (
        "cswidget: row 2 rejected: metadata.\\x1b]0;pwned\\x07\\x1b[2J: forbidden_value "
        "(message: 'keys must not contain control or invisible formatting characters'); "
        "metadata.\\u202ekey: forbidden_value "
        "(message: 'keys must not contain control or invisible formatting characters')\n"
        "cswidget: 1 of 1 rows rejected, see out/rejected.json\n"
    )


def test_batch_streams_300k_rejected_rows_in_bounded_memory(tmp_path: Path) -> None:
    rows = 300_000
    # Rows with a cell too many: rejected without rendering, so the test
    # measures the report rather than the library.
    (tmp_path / "rows.csv").write_text(
        "reference,email\n" + "".join(f"R{index:06d},x,y\n" for index in range(rows)),
        encoding="utf-8",
    )
    # VmHWM is this process's own peak. (ru_maxrss is not: Linux folds the
    # parent's peak into it at exec, so late in a big test run it reports
    # pytest's memory, not the command's.)
    code = (
        "import re, sys\n"
        "from cswidget.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "status_text = open('/proc/self/status', encoding='ascii').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status_text).group(1), file=sys.stderr)\n"
        "raise SystemExit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "batch", "rows.csv", "--out", "out", *WIDGET_FLAGS],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    peak_kib = int(result.stderr.splitlines()[-1])
    # Before streaming, 300k rejected rows took about 1.2 GB.
    assert peak_kib < 150 * 1024, peak_kib
    report = json.loads((tmp_path / "out" / "rejected.json").read_text(encoding="utf-8"))
    assert (report["rows"], report["written"], len(report["rejected"])) == (rows, 0, rows)
    assert report["rejected"][-1]["row"] == rows + 1
