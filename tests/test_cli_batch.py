"""`cswidget batch`: one file per row, byte for byte the API, bad rows reported."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

import hostile
from cswidget import Widget
from cswidget.cli import main
from cswidget.cli.batch import file_stem

ORG, SURVEY, SRC = "acme", "AKknWccEFf7", "https://acme.example/survey_widget.js"
WIDGET_FLAGS = ["--org", ORG, "--survey", SURVEY, "--script-src", SRC]
WIDGET = Widget(org=ORG, survey=SURVEY, script_src=SRC, segment_keys=["region"])


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)


def batch(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["batch", *argv, *WIDGET_FLAGS, "--segment-key", "region"])
    out, err = capsys.readouterr()
    return status, out, err


def listing(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_one_file_per_row_empty_cells_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(
        tmp_path / "rows.csv",
        [
            ["reference", "name", "email", "region", "note"],
            ["INV-1", "Kate", "kate@example.com", "north", ""],
            ["INV-2", "", "", "south", "gift"],
        ],
    )
    assert batch(capsys, "rows.csv", "--out", "out") == (0, "wrote 2 of 2 snippets to out\n", "")
    out = tmp_path / "out"
    assert listing(out) == ["INV-1.html", "INV-2.html", "rejected.json"]
    first = {"reference": "INV-1", "name": "Kate", "email": "kate@example.com", "region": "north"}
    assert (out / "INV-1.html").read_text(encoding="utf-8") == f"{WIDGET.embed(first)}\n"
    second = {"reference": "INV-2", "region": "south", "note": "gift"}
    assert (out / "INV-2.html").read_text(encoding="utf-8") == f"{WIDGET.embed(second)}\n"
    assert json.loads((out / "rejected.json").read_text(encoding="utf-8")) == {
        "message": "OK",
        "rows": 2,
        "written": 2,
        "rejected": [],
    }


def test_bad_rows_are_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(
        tmp_path / "rows.csv",
        [
            ["reference", "email"],
            ["INV-1", "not-an-email"],
            ["INV-2", "ok@example.com"],
            ["INV-3"],
            ["INV-4", "x" * 101 + "@example.com"],
        ],
    )
    status, out, err = batch(capsys, "rows.csv", "--out", "out")
    assert (status, out) == (1, "wrote 1 of 4 snippets to out\n")
    assert err.splitlines()[-1] == "cswidget: 3 of 4 rows rejected, see out/rejected.json"
    assert listing(tmp_path / "out") == ["INV-2.html", "rejected.json"]
    email_format = {"valid_format": "^[^@\\s\\x00]+@[^@\\s\\x00]+\\.[^@\\s\\x00]+$(?!\\n)"}
    assert json.loads((tmp_path / "out" / "rejected.json").read_text(encoding="utf-8")) == {
        "message": "Validation error",
        "rows": 4,
        "written": 1,
        "rejected": [
            {
                "row": 2,
                "name": "INV-1",
                "message": "Validation error",
                "errors": [
                    {
                        "resource": "survey_params",
                        "field": "customer.email",
                        "error": "invalid_format",
                        "extra_info": email_format,
                    }
                ],
            },
            {
                "row": 4,
                "name": None,
                "message": "Validation error",
                "errors": [
                    {
                        "resource": "rows",
                        "field": "row",
                        "error": "invalid_value",
                        "extra_info": {"message": "has 1 cells, the header has 2"},
                    }
                ],
            },
            {
                "row": 5,
                "name": "INV-4",
                "message": "Validation error",
                "errors": [
                    {
                        "resource": "survey_params",
                        "field": "customer.email",
                        "error": "wrong_length",
                        "extra_info": {"maximum": 100},
                    }
                ],
            },
        ],
    }


def test_jsonl_values_may_hold_line_separators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = {"reference": "A", "note": "a\u2028b\x85c\x1cd"}
    line = json.dumps(row, ensure_ascii=False)
    (tmp_path / "rows.jsonl").write_text(line + "\r\n", encoding="utf-8")
    assert batch(capsys, "rows.jsonl", "--out", "out")[0] == 0
    assert (tmp_path / "out" / "A.html").read_text(encoding="utf-8") == f"{WIDGET.embed(row)}\n"


def test_jsonl_keeps_json_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"reference": 7, "vip": True, "total": 12.5, "gone": None}, {"reference": "A"}]
    lines = [json.dumps(row) for row in rows] + ["", "{oops", "[1, 2]"]
    (tmp_path / "rows.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = batch(capsys, "rows.jsonl", "--out", "out", "--report", "report.json")
    assert (status, out) == (1, "wrote 2 of 4 snippets to out\n")
    assert listing(tmp_path / "out") == ["7.html", "A.html"]
    assert (tmp_path / "out" / "7.html").read_text(encoding="utf-8") == f"{WIDGET.embed(rows[0])}\n"
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [(item["row"], item["errors"][0]["error"]) for item in report["rejected"]] == [
        (4, "invalid_format"),
        (5, "invalid_value"),
    ]


def test_file_names_are_safe_and_unique(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["../../etc/passwd", "", "INV-1", "inv-1", "INV-1", "CON", "Zoë & Co", ".hidden", "/"]
    write_csv(tmp_path / "rows.csv", [["reference"], *([name] for name in names)])
    assert batch(capsys, "rows.csv", "--out", "out")[0] == 0
    assert listing(tmp_path / "out") == sorted(
        [
            "etc_passwd.html",
            "row-3.html",
            "INV-1.html",
            "inv-1-2.html",
            "INV-1-3.html",
            "_CON.html",
            "Zo_Co.html",
            "hidden.html",
            "row-10.html",
            "rejected.json",
        ]
    )
    assert listing(tmp_path) == ["out", "rows.csv"]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("INV-2090", "INV-2090"),
        ("../x", "x"),
        ("a/b\\c", "a_b_c"),
        ("..", ""),
        ("nul.txt", "_nul.txt"),
        ("x" * 150, "x" * 100),
        ("日本語", ""),
        ("a\x00b", "a_b"),
    ],
)
def test_file_stem(name: str, stem: str) -> None:
    assert file_stem(name) == stem


def test_docstring_example() -> None:
    import doctest

    import cswidget.cli.batch

    result = doctest.testmod(cswidget.cli.batch)
    assert (result.failed, result.attempted) == (0, 1)


def test_name_column_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(tmp_path / "rows.csv", [["machine_id", "name"], ["abc-1", "Kate"]])
    assert batch(capsys, "rows.csv", "--out", "out", "--name-column", "machine_id")[0] == 0
    assert listing(tmp_path / "out") == ["abc-1.html", "rejected.json"]


def test_part_container(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(tmp_path / "rows.csv", [["reference"], ["R1"]])
    assert batch(capsys, "rows.csv", "--out", "out", "--part", "container")[0] == 0
    expected = f"{WIDGET.container({'reference': 'R1'})}\n"
    assert (tmp_path / "out" / "R1.html").read_text(encoding="utf-8") == expected


def test_hostile_values_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # csv cannot carry NUL.
    values = [value for value in hostile.VALUES if value and "\x00" not in value]
    write_csv(
        tmp_path / "rows.csv",
        [["reference", "name", "note"], *([f"r{i}", v, v] for i, v in enumerate(values))],
    )
    assert batch(capsys, "rows.csv", "--out", "out")[0] == 0
    for index, value in enumerate(values):
        expected = WIDGET.embed({"reference": f"r{index}", "name": value, "note": value})
        written = (tmp_path / "out" / f"r{index}.html").read_bytes().decode("utf-8")
        assert written == f"{expected}\n", value


def test_progress_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(tmp_path / "rows.csv", [["reference"], *([f"R{i}"] for i in range(1000))])
    status, _, err = batch(capsys, "rows.csv", "--out", "out", "--progress")
    assert status == 0
    frames = err.split("\r")
    assert frames[1] == "[------------------------------]   0% 5/1001 rows"
    assert frames[-1] == "[##############################] 100% 1001/1001 rows\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rows.txt", "--out", "out"], "ROWS: cannot tell the format of 'rows.txt'"),
        (["missing.csv", "--out", "out"], "ROWS: cannot read 'missing.csv'"),
        (["rows.csv"], "missing required argument: --out\n"),
        (["rows.csv", "--out", "out", "--name-column", "id"], "--name-column: no column 'id'"),
        (["dupes.csv", "--out", "out"], "ROWS: column 'a' appears twice"),
    ],
)
def test_usage_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(tmp_path / "rows.csv", [["reference"], ["R"]])
    write_csv(tmp_path / "dupes.csv", [["reference", "a", "a"], ["R", "1", "2"]])
    (tmp_path / "rows.txt").write_text("reference\nR\n", encoding="utf-8")
    status, out, err = batch(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.startswith("cswidget: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_batch_as_a_subprocess(tmp_path: Path) -> None:
    write_csv(tmp_path / "rows.csv", [["reference", "email"], ["A", "a@example.com"], ["B", "b"]])
    result = subprocess.run(
        [sys.executable, "-m", "cswidget", "batch", "rows.csv", "--out", "out", *WIDGET_FLAGS],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "wrote 1 of 2 snippets to out\n")
    assert result.stderr.splitlines()[-1] == "cswidget: 1 of 2 rows rejected, see out/rejected.json"
    expected = Widget(org=ORG, survey=SURVEY, script_src=SRC).embed(
        {"reference": "A", "email": "a@example.com"}
    )
    assert (tmp_path / "out" / "A.html").read_text(encoding="utf-8") == f"{expected}\n"
