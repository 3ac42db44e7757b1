"""`responses export --append` after a cut at any byte: every response exactly once.

An export file is cut at a random byte offset (what a killed process or a
full disk leaves), then resumed with the real command against the sandbox
over HTTP; the file must then hold exactly the rows of an uninterrupted
export (every response once, every row whole, the header once), and the
command must say how many bytes of a partial record it dropped. Real
export processes are also killed with SIGKILL mid-export and resumed.

`python tests/test_api_export_resume.py [CUTS]` counts, for CUTS random
offsets per format, how many resumes lose, repeat or break rows (the
figure quoted in issue 18 and in the report that closed it).
"""

from __future__ import annotations

import collections
import contextlib
import csv
import functools
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from api_sandbox import TOKEN, serve_sandbox
from csv_cases import NOW, QUESTION_COLUMN, QUESTION_ID, hostile_store
from cswidget.api.csvfile import guard_cell
from cswidget.cli import main

FORMATS = ("csv", "jsonl")
PER_PAGE = 100  # the page size the export asks for
# Responses whose cells a cut can land inside, about half the file: text
# over many lines (CRLF, LF or CR), with quotes, separators and multi-byte
# characters (the demo's own answers are one line each).
MULTILINE = tuple(
    ("\r\n", "\n", "\r")[number % 3].join(
        f'Point {line} of {number}: "quoted", commas, semicolons; Zoë, 李' for line in range(12)
    )
    for number in range(40)
)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    store, _ = hostile_store(extra=MULTILINE)
    with serve_sandbox(db=store, seed=None, now=NOW) as url:
        yield url


def export_argv(base_url: str, output_format: str, out: Path, *more: str) -> list[str]:
    return [
        "api", "--base-url", base_url, "--user-agent", "Acme Ltd", "responses", "export",
        "--format", output_format, "--out", str(out), *more,
    ]  # fmt: skip


@dataclass(frozen=True)
class Run:
    code: int
    stderr: str
    content: bytes


def run_export(base_url: str, output_format: str, out: Path, *more: str) -> Run:
    err = io.StringIO()
    with (
        mock.patch.dict(os.environ, {"CUSTOMERSURE_API_TOKEN": TOKEN}),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        code = main(export_argv(base_url, output_format, out, *more))
    return Run(code, err.getvalue(), out.read_bytes() if out.exists() else b"")


@pytest.fixture(scope="module")
def references(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """An uninterrupted export in each format."""
    folder = tmp_path_factory.mktemp("references")
    found = {}
    for output_format in FORMATS:
        run = run_export(base_url, output_format, folder / f"all.{output_format}")
        assert run.code == 0, run.stderr
        found[output_format] = run.content
    return found


@functools.cache
def records(content: bytes, output_format: str, *, strict: bool = True) -> list[tuple[str, ...]]:
    """Every record of a whole export file; raises if one does not parse
    (unless not `strict`: then the rows a lenient reader sees)."""
    text = content.decode("utf-8", errors="strict" if strict else "replace")
    if output_format == "jsonl":
        assert text.endswith("\n") or not text or not strict
        return [(line,) for line in text.split("\n") if line and (not strict or json.loads(line))]
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), strict=strict)]


@functools.cache
def record_ends(reference: bytes, output_format: str) -> list[int]:
    """The byte offset after each record of a reference export, found
    without the code under test: JSON Lines by its line breaks, CSV by
    writing each parsed row again with the dialect the export documents
    (every cell quoted, CRLF) and checking the rows add up to the file."""
    if output_format == "jsonl":
        return [index + 1 for index, byte in enumerate(reference) if byte == ord("\n")]
    ends, offset = [], 0
    for row in records(reference, "csv"):
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(row)
        written = buffer.getvalue().encode("utf-8")
        assert reference[offset : offset + len(written)] == written
        offset += len(written)
        ends.append(offset)
    assert offset == len(reference)
    return ends


def problems(run: Run, reference: bytes, output_format: str) -> list[str]:
    """What is wrong with a resumed export, compared with an uninterrupted
    one: each as `kind: detail`."""
    found = []
    if run.code != 0:
        found.append(f"exit {run.code}: {run.stderr.strip().splitlines()[-1:]}")
    try:
        rows = records(run.content, output_format)
    except (ValueError, AssertionError, csv.Error) as error:  # UnicodeDecodeError is a ValueError
        found.append(f"unreadable: {error!r}")
        rows = records(run.content, output_format, strict=False)
    expected = records(reference, output_format)
    if output_format == "csv" and (rows[:1] != expected[:1] or rows.count(expected[0]) != 1):
        found.append("header: not there exactly once, first")
    have, want = collections.Counter(rows), collections.Counter(expected)
    if lost := want - have:
        found.append(f"lost: {sum(lost.values())} rows")
    extra = have - want
    if duplicates := sum(n for row, n in extra.items() if row in want):
        found.append(f"twice: {duplicates} rows")
    if broken := sum(n for row, n in extra.items() if row not in want):
        found.append(f"broken: {broken} rows")
    return found


def resume_after_cut(
    base_url: str, output_format: str, reference: bytes, cut: int, out: Path
) -> Run:
    out.write_bytes(reference[:cut])
    return run_export(base_url, output_format, out, "--append")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cut")


@pytest.mark.parametrize("output_format", FORMATS)
@settings(max_examples=25, deadline=None, derandomize=True)
@given(where=st.floats(min_value=0, max_value=1))
@example(where=0.0)
@example(where=1.0)
@example(where=0.0001)  # inside the header
def test_a_resume_after_a_cut_at_any_byte_has_every_response_once(
    base_url: str,
    references: dict[str, bytes],
    scratch: Path,
    output_format: str,
    where: float,
) -> None:
    reference = references[output_format]
    cut = round(where * len(reference))
    run = resume_after_cut(base_url, output_format, reference, cut, scratch / "cut")
    assert problems(run, reference, output_format) == [], f"cut at byte {cut}"
    complete = max([0, *(end for end in record_ends(reference, output_format) if end <= cut)])
    message = f"dropped a partial last record of {cut - complete} bytes"
    assert (message in run.stderr) == (cut > complete), run.stderr


@pytest.mark.parametrize("output_format", FORMATS)
def test_cuts_where_a_line_based_repair_goes_wrong(
    base_url: str, references: dict[str, bytes], tmp_path: Path, output_format: str
) -> None:
    """Cuts at the places a wrong repair trips on: at a record's end and one
    byte before it (its CR kept, its LF lost), just after a line break
    inside a quoted cell and between its CR and LF, after an escaped quote,
    and inside a multi-byte character."""
    reference = references[output_format]
    ends = record_ends(reference, output_format)
    inside = reference.index(b"Point 3 of 0")  # the first multi-line answer
    # JSON Lines escapes line breaks and quotes inside a string.
    crlf, lf, quote = (
        (b"\r\n", b"\n", b'""') if output_format == "csv" else (rb"\r\n", rb"\n", rb"\"")
    )
    cuts = {
        ends[0] - 1,  # the header's (or first line's) last byte lost
        ends[0],
        ends[5],
        ends[5] - 1,
        reference.index(crlf, inside) + 1,  # between CR and LF in a cell
        reference.index(crlf, inside) + len(crlf),  # just after the line break
        reference.index(lf, inside) + len(lf),
        reference.index(quote, inside) + len(quote),  # after an escaped quote
        reference.index("李".encode()) + 1,  # inside a multi-byte character
        len(reference) - 1,
    }
    failures = {}
    for cut in sorted(cuts):
        run = resume_after_cut(base_url, output_format, reference, cut, tmp_path / "cut")
        if found := problems(run, reference, output_format):
            failures[cut] = found
    assert failures == {}


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_periodic_export_with_since_resumes_the_same_way(
    base_url: str, tmp_path: Path, output_format: str
) -> None:
    """`--since` with `--append` (the nightly run): cut anywhere in the part
    written since, resumed, the file ends as an uncut run's."""
    since = "2023-07-01T00:00:00Z"
    whole = run_export(base_url, output_format, tmp_path / "whole", "--since", since)
    assert whole.code == 0, whole.stderr
    rng = random.Random(f"since {output_format}")
    out = tmp_path / "cut"
    for cut in sorted(rng.sample(range(1, len(whole.content)), 3)):
        out.write_bytes(whole.content[:cut])
        run = run_export(base_url, output_format, out, "--since", since, "--append")
        assert problems(run, whole.content, output_format) == [], f"cut at byte {cut}"


@pytest.mark.parametrize("output_format", FORMATS)
def test_an_export_killed_mid_write_resumes(
    base_url: str, references: dict[str, bytes], tmp_path: Path, output_format: str
) -> None:
    """SIGKILL a real export process once its file passes a random size
    short of its last page (so that it is still running), then resume it:
    three times per format."""
    reference = references[output_format]
    ends = record_ends(reference, output_format)
    header = 1 if output_format == "csv" else 0
    last_page = ends[(len(ends) - header - 1) // PER_PAGE * PER_PAGE + header - 1]
    seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    env = {**os.environ, "CUSTOMERSURE_API_TOKEN": TOKEN}
    command = [sys.executable, "-m", "cswidget"]
    for attempt in range(3):
        out = tmp_path / f"killed{attempt}.{output_format}"
        threshold = rng.randrange(1, last_page)
        process = subprocess.Popen(
            [*command, *export_argv(base_url, output_format, out)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # Poll the file's size; kill as soon as it passes the threshold.
            while process.poll() is None and (not out.exists() or out.stat().st_size < threshold):
                time.sleep(0.001)  # polling interval; lets the sandbox's thread serve
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait()
        killed_at = out.stat().st_size if out.exists() else 0
        context = f"seed {seed}, attempt {attempt}, killed at {killed_at} bytes"
        assert process.returncode == -signal.SIGKILL, context
        run = run_export(base_url, output_format, out, "--append")
        assert problems(run, reference, output_format) == [], context


NOT_A_HEADER = "its first row is not the header of a responses export"


@pytest.mark.parametrize(
    ("output_format", "content", "problem"),
    [
        ("jsonl", b'"id","submitted_at"\r\n"1","2023"\r\n', "line 1 is not JSON"),
        ("jsonl", b'{"id": 1}\n[1, 2]\n{"id"', "line 2 is not a feedback response with an id"),
        ("jsonl", b'{"id": 1}\n{"id": "\xff"}\n', "line 2 is not JSON"),
        ("csv", b'{"id": 1, "survey": "x"}\n', NOT_A_HEADER),
        ("csv", b"id,submitted_at\n1,2023\n", NOT_A_HEADER),
        ("csv", b"\x1b[2J,\x1b]0;owned\x07\n", NOT_A_HEADER),  # not echoed to the terminal
    ],
)  # fmt: skip
def test_append_refuses_a_file_that_is_not_such_an_export_and_leaves_it_as_it_is(
    base_url: str, tmp_path: Path, output_format: str, content: bytes, problem: str
) -> None:
    out = tmp_path / "other"
    out.write_bytes(content)
    run = run_export(base_url, output_format, out, "--append")
    assert (run.code, run.stderr) == (
        2,
        f"cswidget: error: --out: cannot resume {str(out)!r}: {problem}\n",
    )
    assert run.content == content


def test_a_broken_row_in_the_middle_is_refused_not_repaired(
    base_url: str, references: dict[str, bytes], tmp_path: Path
) -> None:
    """Only a partial last record is an interrupted export; a row that lost
    cells in the middle of the file is not something to guess about."""
    reference = references["csv"]
    ends = record_ends(reference, "csv")
    out = tmp_path / "broken.csv"
    out.write_bytes(reference[: ends[2]] + b'"999","2023"\r\n' + reference[ends[3] : ends[6]])
    run = run_export(base_url, "csv", out, "--append")
    columns = len(records(reference, "csv")[0])
    assert (run.code, run.stderr) == (
        2,
        f"cswidget: error: --out: cannot resume {str(out)!r}:"
        f" row 4 has 2 cells, the header has {columns}\n",
    )


def test_appending_keeps_the_files_own_question_columns(
    base_url: str, references: dict[str, bytes], tmp_path: Path
) -> None:
    """A file begun before a question was added (here: without the column
    of Q22002) goes on with its own columns; the new question's answers go
    to other_answers, as any other answer without a column does."""
    rows = records(references["csv"], "csv")
    column = rows[0].index(QUESTION_COLUMN)
    older = [[*row[:column], *row[column + 1 :]] for row in rows]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(older[:50])
    out = tmp_path / "older.csv"
    out.write_bytes(buffer.getvalue().encode("utf-8"))
    run = run_export(base_url, "csv", out, "--append")
    assert run.code == 0, run.stderr
    resumed = records(run.content, "csv")
    assert resumed[:50] == [tuple(row) for row in older[:50]]
    assert {len(row) for row in resumed} == {len(older[0])}
    assert len(resumed) == len(rows)
    later = {row[0]: row for row in resumed[50:]}
    answered = [row for row in rows[50:] if row[column]]
    assert answered
    for row in answered:
        other_answers = json.loads(later[row[0]][-1])
        (answer,) = (a for a in other_answers if a["question_id"] == QUESTION_ID)
        assert guard_cell(answer["answer"]) == row[column]


def count_failures(cuts: int, *, demo_only: bool) -> None:
    """Print, per format, how many of `cuts` random resumes went wrong."""
    import tempfile

    rng = random.Random(18)
    store, _ = hostile_store(extra=MULTILINE, demo_only=demo_only)
    with serve_sandbox(db=store, seed=None, now=NOW) as url, tempfile.TemporaryDirectory() as tmp:
        for output_format in FORMATS:
            reference = run_export(url, output_format, Path(tmp) / "all").content
            kinds: collections.Counter[str] = collections.Counter()
            failed = 0
            for _ in range(cuts):
                cut = rng.randrange(len(reference) + 1)
                run = resume_after_cut(url, output_format, reference, cut, Path(tmp) / "cut")
                found = problems(run, reference, output_format)
                failed += bool(found)
                kinds.update(problem.split(":")[0] for problem in found)
            data = "the demo's responses" if demo_only else "the demo's and hostile responses"
            print(f"{output_format}, {data}: {failed} of {cuts} resumes wrong {dict(kinds)}")


if __name__ == "__main__":
    for demo_only in (True, False):
        count_failures(int(sys.argv[1]) if len(sys.argv) > 1 else 120, demo_only=demo_only)
