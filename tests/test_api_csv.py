"""CSV that no spreadsheet turns into a formula, and cells of any length up to the limit.

The export of a sandbox holding one response per hostile value
(tests/csv_cases.py) is read back with Python's csv reader and with
LibreOffice Calc, converted headless to ODS with the import options that
run the most (formulas evaluated, spaces trimmed, special numbers
detected): no cell holds a formula, and each cell's text is what was
written. `requests create --csv` and `export --append` read cells up to
`CELL_LIMIT` and refuse a longer one with one line and exit 2.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from xml.etree import ElementTree

import pytest

import ensure_libreoffice
from api_sandbox import TOKEN, serve_sandbox
from csv_cases import GUARDED, NOW, QUESTION_COLUMN, account_with, hostile_store
from cswidget.api.csvfile import CELL_LIMIT, guard_cell
from cswidget.cli import main


@pytest.mark.parametrize(
    ("value", "cell"), [*GUARDED, (None, ""), (10, "10"), (-5, "'-5"), (1.5, "1.5")]
)
def test_guard_cell(value: Any, cell: str) -> None:
    assert guard_cell(value) == cell


def test_csvfile_doctests() -> None:
    import doctest

    import cswidget.api.csvfile

    result = doctest.testmod(cswidget.api.csvfile)
    assert (result.failed, result.attempted > 0) == (0, True)


def run(argv: list[str]) -> tuple[int, str]:
    """`cswidget` in-process with the sandbox's token: exit code and stderr."""
    err = io.StringIO()
    with (
        mock.patch.dict(os.environ, {"CUSTOMERSURE_API_TOKEN": TOKEN}),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        code = main(argv)
    return code, err.getvalue()


def export(base_url: str, out: Path, *more: str) -> list[str]:
    return [
        "api", "--base-url", base_url, "--user-agent", "Acme Ltd", "responses", "export",
        "--format", "csv", "--out", str(out), *more,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str], int]:
    """The hostile account's CSV export, each hostile response's expected
    cell, and how many responses the export said it wrote."""
    store, expected = hostile_store()
    out = tmp_path_factory.mktemp("hostile") / "responses.csv"
    with serve_sandbox(db=store, seed=None, now=NOW) as url:
        code, err = run(export(url, out))
    assert code == 0, err
    written = re.match(r"exported (\d+) responses", err)
    assert written, err
    return out, expected, int(written.group(1))


def read_back(path: Path) -> list[list[str]]:
    return read_back_bytes(path.read_bytes())


def read_back_bytes(content: bytes) -> list[list[str]]:
    # The csv module's own limit (131,072) raised for this read only, so a
    # cell that the code under test reads is read by its own settings.
    previous = csv.field_size_limit(2 * CELL_LIMIT)
    try:
        text = io.StringIO(content.decode("utf-8"), newline="")
        return list(csv.reader(text, strict=True))
    finally:
        csv.field_size_limit(previous)


def test_pythons_csv_reader_reads_every_cell_as_written(
    exported: tuple[Path, dict[int, str], int],
) -> None:
    path, expected, written = exported
    rows = read_back(path)
    assert len(rows) == 1 + written  # no cell split into a row of its own
    header = rows[0]
    assert all(len(row) == len(header) for row in rows)
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert {rid: (by_id[rid][QUESTION_COLUMN], by_id[rid]["name"]) for rid in expected} == {
        rid: (cell, cell) for rid, cell in expected.items()
    }
    starts = [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", " ")]
    assert starts == []


def test_every_cell_is_quoted_and_every_record_ends_in_crlf(
    exported: tuple[Path, dict[int, str], int],
) -> None:
    """Written again with every cell quoted and CRLF, the rows are the file
    byte for byte: no cell holding CR, LF, a quote or a separator is bare."""
    path, _, _ = exported
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(read_back(path))
    assert buffer.getvalue().encode("utf-8") == path.read_bytes()


# LibreOffice's CSV import options, in order: separators (ASCII codes, "/"
# between), string delimiter ("), character set (76: UTF-8), first line,
# column formats, language, quoted cells as text (no: they are parsed like
# the others), detect special numbers, three export-only options, and
# evaluate formulas: the settings under which most cells would run.
OPTIONS = "{separators},34,76,1,,1033,false,true,false,false,true,-1,true"
ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


@pytest.fixture(scope="module")
def soffice() -> str:
    found = ensure_libreoffice.find_soffice()
    if not found:
        pytest.fail("no LibreOffice to read the CSV back (tests/ensure_libreoffice.py)")
    return found


def convert(soffice: str, csv_path: Path, separators: str, folder: Path) -> list[list[Cell]]:
    """The sheet LibreOffice Calc makes of `csv_path`, read from its ODS."""
    folder.mkdir()
    subprocess.run(
        [
            soffice,
            # Its own profile: nothing shared with a user's or another test's.
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--infilter=Text - txt - csv (StarCalc):" + OPTIONS.format(separators=separators),
            "--convert-to",
            "ods",
            "--outdir",
            str(folder),
            str(csv_path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(folder / csv_path.with_suffix(".ods").name) as ods:
        content = ods.read("content.xml")
    return sheet_rows(ElementTree.fromstring(content))  # LibreOffice's own output


Cell = tuple[str | None, str | None, str]  # formula, value type, text


def sheet_rows(root: ElementTree.Element) -> list[list[Cell]]:
    table, office = ODS["table"], ODS["office"]
    rows = []
    for row in root.iter(f"{{{table}}}table-row"):
        cells: list[Cell] = []
        for cell in row.iter(f"{{{table}}}table-cell"):
            found = (
                cell.get(f"{{{table}}}formula"),
                cell.get(f"{{{office}}}value-type"),
                "\n".join(cell_text(p) for p in cell.iter(f"{{{ODS['text']}}}p")),
            )
            cells += [found] * int(cell.get(f"{{{table}}}number-columns-repeated", "1"))
        while cells and cells[-1] == (None, None, ""):
            cells.pop()  # the empty rest of the row, repeated to the sheet's edge
        if cells:
            rows.append(cells)
    return rows


def cell_text(element: ElementTree.Element) -> str:
    """A paragraph's text, with ODF's space, tab and line-break elements."""
    text = ODS["text"]
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{{{text}}}s":
            parts.append(" " * int(child.get(f"{{{text}}}c", "1")))
        elif child.tag == f"{{{text}}}tab":
            parts.append("\t")
        elif child.tag == f"{{{text}}}line-break":
            parts.append("\n")
        else:
            parts.append(cell_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def as_calc_shows(cell: str) -> str:
    """A written cell as Calc holds it: every line break one LF, and without
    the characters XML 1.0 cannot hold (NUL, vertical tab, ...)."""
    cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in cell if c in "\t\n" or ord(c) >= 0x20)


def test_libreoffice_runs_no_cell_and_shows_each_as_written(
    exported: tuple[Path, dict[int, str], int], soffice: str, tmp_path: Path
) -> None:
    """One conversion splitting on comma, semicolon and tab but keeping
    quoted cells whole: the same table as Python reads, every cell text as
    written (no `;` or tab inside a cell splits it: every cell is quoted).
    One as a reader in a semicolon or tab locale parses it (separators 59/9
    alone, which lose track of a comma file's quotes): cells start at
    separators and line breaks inside ours, and none holds a formula."""
    path, expected, written = exported
    sheet = convert(soffice, path, "44/59/9", tmp_path / "all")
    formulas = [cell for row in sheet for cell in row if cell[0] is not None]
    assert formulas == []
    rows = read_back(path)
    assert len(sheet) == len(rows) == 1 + written
    column = rows[0].index(QUESTION_COLUMN)
    empty: Cell = (None, None, "")
    shown = {int(row[0][2]): [*row, *[empty] * (column + 1)][column] for row in sheet[1:]}
    assert {rid: shown[rid] for rid in expected} == {
        rid: (None, "string" if cell else None, as_calc_shows(cell))
        for rid, cell in expected.items()
    }
    misread = convert(soffice, path, "59/9", tmp_path / "misread")
    assert len(misread) > len(sheet)  # it did split cells: the case this guards
    assert [cell for row in misread for cell in row if cell[0] is not None] == []


# --- cells of any length up to the limit


def requests_csv(tmp_path: Path, staff_code: str) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(
        "email,send_at,staff_code,survey_id,email_template_id\n"
        f"kate@example.com,2030-01-01T09:00Z,{staff_code},1484,10\n",
        encoding="utf-8",
    )
    return path


def test_requests_create_reads_a_cell_as_long_as_the_limit(tmp_path: Path) -> None:
    rows = requests_csv(tmp_path, "x" * CELL_LIMIT)
    code, err = run(["api", "requests", "create", "--csv", str(rows), "--dry-run"])
    assert code == 1  # the API's rules refuse so long a value; the file was read
    assert err.splitlines()[0] == "cswidget: row 2 rejected: data[0].value: wrong_length"


def test_requests_create_refuses_a_longer_cell_in_one_line(tmp_path: Path) -> None:
    rows = requests_csv(tmp_path, "x" * (CELL_LIMIT + 1))
    code, err = run(["api", "requests", "create", "--csv", str(rows), "--dry-run"])
    assert (code, err) == (
        2,
        "cswidget: error: --csv: row 2, column 3 (staff_code): a cell of 1,048,577 characters"
        " (a CSV cell holds at most 1,048,576)\n",
    )


@pytest.fixture(scope="module")
def long_cells() -> Iterator[tuple[str, int, int]]:
    """A sandbox with a response whose answer is as long as a cell may be,
    and an older one (before the demo's) with a longer answer."""
    answers = [
        ("x" * CELL_LIMIT, NOW - timedelta(minutes=1)),
        ("y" * (CELL_LIMIT + 1), NOW - timedelta(days=200)),
    ]
    store, (longest, too_long) = account_with(answers, as_name=False)
    with serve_sandbox(db=store, seed=None, now=NOW) as url:
        yield url, longest, too_long


def test_an_export_writes_and_resumes_a_cell_as_long_as_the_limit(
    long_cells: tuple[str, int, int], tmp_path: Path
) -> None:
    url, longest, _ = long_cells
    since = (NOW - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = tmp_path / "responses.csv"
    assert run(export(url, out, "--since", since))[0] == 0
    whole = out.read_bytes()
    start = whole.index(b"x" * CELL_LIMIT)
    # Cut inside the long cell, then after it (so that it is read back).
    for cut in (start + CELL_LIMIT // 2, start + CELL_LIMIT + 300):
        out.write_bytes(whole[:cut])
        code, err = run(export(url, out, "--since", since, "--append"))
        assert code == 0, err
        rows = read_back(out)
        assert [row[0] for row in rows].count(str(longest)) == 1
        assert sorted(rows[1:]) == sorted(read_back_bytes(whole)[1:])


def test_an_export_stops_at_a_longer_cell_in_one_line(
    long_cells: tuple[str, int, int], tmp_path: Path
) -> None:
    url, _, too_long = long_cells
    out = tmp_path / "responses.csv"
    code, err = run(export(url, out))
    assert (code, err) == (
        2,
        f"cswidget: error: --out: response {too_long}, column {QUESTION_COLUMN}: a cell of"
        " 1,048,577 characters (a CSV cell holds at most 1,048,576); --format jsonl has no"
        " such limit\n",
    )
    read_back(out)  # what was written before is whole


def test_append_refuses_a_file_with_a_longer_cell_and_leaves_it_as_it_is(
    long_cells: tuple[str, int, int], tmp_path: Path
) -> None:
    url, _, _ = long_cells
    out = tmp_path / "responses.csv"
    since = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert run(export(url, out, "--since", since))[0] == 0
    rows = read_back(out)
    rows[1][-1] = "z" * (CELL_LIMIT + 1)
    with out.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    before = out.read_bytes()
    code, err = run(export(url, out, "--append"))
    assert (code, err) == (
        2,
        f"cswidget: error: --out: cannot resume {str(out)!r}: row 2, column {len(rows[0])}"
        " (other_answers): a cell of 1,048,577 characters (a CSV cell holds at most 1,048,576)\n",
    )
    assert out.read_bytes() == before
