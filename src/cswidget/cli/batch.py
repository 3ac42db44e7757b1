"""`cswidget batch`: one snippet file per row of a CSV or JSON Lines file.

Each row is a flat params object, classified like `SurveyParams.from_flat`
(customer fields, then staff_code/site_code and declared segment keys, then
everything else as metadata). Empty CSV cells are left out. Rows the library
refuses are skipped and listed in a JSON report in the API's error shape.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO

from ..codepoints import escape_json_text
from ..errors import FieldError, ValidationError
from ..vocabulary import INVALID_FORMAT, INVALID_VALUE, MESSAGE, VALIDATION_ERROR_MESSAGE
from .errors import UsageError, shown, terminal_text
from .jsoninput import load_json
from .options import render_part, widget_options

__all__ = ["file_stem", "run_batch"]

DEFAULT_NAME_COLUMN = "reference"
REPORT_NAME = "rejected.json"
# Resource named in errors about a row itself rather than its params.
ROWS = "rows"
PROGRESS_THRESHOLD = 1000
# Rejections listed on stderr; the report has them all.
SHOWN_REJECTIONS = 10
# The longest CSV cell read (csv's own default is 131,072). Cells up to it
# are read and, if too long for a value, the row is rejected; a longer cell
# stops the batch before anything is written.
MAX_CSV_CELL = 1 << 20
MAX_STEM_LENGTH = 100

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows refuses as files, whatever the extension.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)]
)
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)


def file_stem(name: object) -> str:
    """A file name stem that is safe on every platform, from a row's name.

    Runs of anything but ASCII letters, digits, `.`, `_` and `-` become `_`;
    leading and trailing dots and underscores are dropped (no `..`, no hidden
    files); at most 100 characters. May be empty: the caller names the row.

    >>> file_stem("../../etc/passwd")
    'etc_passwd'
    """
    stem = _UNSAFE.sub("_", str(name)).strip("._")[:MAX_STEM_LENGTH].rstrip("._")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


@dataclass
class _Rejected:
    row: int
    name: str | None
    errors: list[FieldError]

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "name": self.name,
            "message": VALIDATION_ERROR_MESSAGE,
            "errors": [error.to_dict() for error in self.errors],
        }


def run_batch(args: argparse.Namespace) -> int:
    """Render every row; 0 when all were written, 1 when any was rejected."""
    options = widget_options(args, required={"rows": "ROWS", "out": "--out"})
    input_format = args.input_format or _format_from_suffix(args.rows)
    name_column = args.name_column or options.settings.values.get(
        "name_column", DEFAULT_NAME_COLUMN
    )
    text = _read_rows(args.rows)
    out = Path(args.out)
    report_path = Path(args.report) if args.report else out / REPORT_NAME
    rows = _csv_rows(text, args.rows, name_column) if input_format == "csv" else _jsonl_rows(text)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--out: cannot create {shown(str(out))}: {error.strerror}") from None
    # Rows are counted by lines: exact unless CSV cells hold line breaks.
    expected = text.count("\n") + (not text.endswith("\n"))
    show_progress = args.progress
    if show_progress is None:
        show_progress = sys.stderr.isatty() and expected >= PROGRESS_THRESHOLD
    progress = _Progress(expected, sys.stderr) if show_progress else None

    out_directory = str(out)
    used: set[str] = set()
    # Only the first few rejections are kept for stderr; the report streams.
    shown_rejections: list[_Rejected] = []
    written = total = 0
    files = _Files()
    with _RejectedReport(report_path) as report:
        for row, params, problems in rows:
            total += 1
            if progress is not None:
                progress.advance(total)
            name = params.get(name_column) if params is not None else None
            name_text = None if name is None else str(name)
            if params is not None:
                try:
                    snippet = render_part(options, params)
                except ValidationError as error:
                    problems = list(error.errors)
                else:
                    stem = _unique(file_stem(name_text) if name_text else "", row, used)
                    # os.path.join on str: a Path object per row costs more than a join.
                    files.add(os.path.join(out_directory, stem + ".html"), snippet + "\n")
                    written += 1
                    continue
            rejected = _Rejected(row, name_text, problems)
            report.add(rejected)
            if len(shown_rejections) < SHOWN_REJECTIONS:
                shown_rejections.append(rejected)
        files.flush()
        report.finish(rows=total, written=written)
    if progress is not None:
        progress.close()
    print(f"wrote {written} of {total} snippets to {out}")
    if report.count:
        for item in shown_rejections:
            detail = "; ".join(map(str, item.errors))
            print(terminal_text(f"cswidget: row {item.row} rejected: {detail}"), file=sys.stderr)
        more = report.count - len(shown_rejections)
        print(
            terminal_text(
                f"cswidget: {report.count} of {total} rows rejected"
                + (f" ({more} more)" if more else "")
                + f", see {report_path}"
            ),
            file=sys.stderr,
        )
        return 1
    return 0


class _RejectedReport:
    """`rejected.json`, written as rows are rejected: memory stays flat
    however many there are. Entries go to a spool file first, so that the
    report can open with its totals; it is complete or not written at all.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._spool: IO[str] | None = None

    def __enter__(self) -> _RejectedReport:
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._spool is not None
        self._spool.close()

    def add(self, rejected: _Rejected) -> None:
        assert self._spool is not None
        # One rejected row per line: readable, greppable, and written by
        # json's C encoder (indent= would take the pure-Python one).
        entry = _json(rejected.to_dict())
        self._spool.write(("    " if self.count == 0 else ",\n    ") + entry)
        self.count += 1

    def finish(self, *, rows: int, written: int) -> None:
        assert self._spool is not None
        message = _json(VALIDATION_ERROR_MESSAGE if self.count else "OK")
        head = f'{{\n  "message": {message},\n  "rows": {rows},\n  "written": {written},\n'
        self._spool.seek(0)
        try:
            with open(self.path, "w", encoding="utf-8") as report:
                report.write(head + '  "rejected": ' + ("[\n" if self.count else "[]"))
                shutil.copyfileobj(self._spool, report)
                report.write("\n  ]\n}\n" if self.count else "\n}\n")
        except OSError as error:
            raise UsageError(
                f"--report: cannot write {shown(str(self.path))}: {error.strerror}"
            ) from None


_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _json(value: object) -> str:
    # Lone surrogates (from JSON escapes in the rows) and C1 controls are
    # written as escapes: the report is valid UTF-8 and safe to cat.
    return escape_json_text(_encode(value))


def _format_from_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise UsageError(
        f"ROWS: cannot tell the format of {shown(name)}; name it .csv or .jsonl, "
        "or pass --input-format"
    )


def _read_rows(name: str) -> str:
    try:
        if name == "-":
            return sys.stdin.buffer.read().decode("utf-8-sig")
        # utf-8-sig: spreadsheets often start their CSV exports with a BOM.
        # newline="": a CR inside a quoted cell is data, not a line break.
        with open(name, encoding="utf-8-sig", newline="") as file:
            return file.read()
    except OSError as error:
        raise UsageError(f"ROWS: cannot read {shown(name)}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"ROWS: {shown(name)} is not UTF-8 (byte {error.start})") from None


_Row = tuple[int, "dict[str, Any] | None", list[FieldError]]


def _csv_rows(text: str, name: str, name_column: str) -> Iterator[_Row]:
    if len(text) > MAX_CSV_CELL:
        # Only a file this long can hold a cell over the limit: find it now,
        # before any snippet is written, rather than stop half-way.
        for _ in _csv_records(_csv_reader(text), [], name):
            pass
    reader = _csv_reader(text)
    previous = csv.field_size_limit(MAX_CSV_CELL)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise UsageError(f"ROWS: {shown(name)} row 1: {_csv_problem(error)}") from None
    finally:
        csv.field_size_limit(previous)
    if not header:
        raise UsageError(f"ROWS: {shown(name)} has no header row")
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise UsageError(
                f"ROWS: column {shown(column)} appears twice in the header of {shown(name)}"
            )
        seen.add(column)
    if name_column not in seen:
        columns = ", ".join(map(shown, header[:20])) + (", …" if len(header) > 20 else "")
        raise UsageError(
            f"--name-column: no column {shown(name_column)} in {shown(name)} (columns: {columns})"
        )
    return _csv_records(reader, header, name)


def _csv_reader(text: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""))


def _csv_records(reader: Iterator[list[str]], header: list[str], name: str) -> Iterator[_Row]:
    width = len(header)
    row = 1 if header else 0  # the header is row 1; when only checking, it is read here
    limit = csv.field_size_limit(MAX_CSV_CELL)
    try:
        while True:
            try:
                record = next(reader, None)
            except csv.Error as error:
                raise UsageError(
                    f"ROWS: {shown(name)} row {row + 1}: {_csv_problem(error)}"
                ) from None
            if record is None:
                return
            row += 1
            if not record or not header:
                continue  # a blank line, or only checking
            if len(record) != width:
                yield row, None, [_row_error(f"has {len(record)} cells, the header has {width}")]
                continue
            yield row, {key: value for key, value in zip(header, record, strict=True) if value}, []
    finally:
        # The limit is the csv module's, for the whole process: put it back.
        csv.field_size_limit(limit)


def _csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a cell is longer than {MAX_CSV_CELL:,} characters, the most cswidget reads"
    return str(error)


def _jsonl_rows(text: str) -> Iterator[_Row]:
    # Not splitlines(): JSON strings may hold U+2028 and other characters
    # it would split on; only LF (or CRLF) ends a JSON Lines record.
    for row, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            # Duplicate keys and deep nesting refused, as --params refuses them.
            value = load_json(line)
        except ValueError as error:
            yield row, None, [_row_error(f"not valid JSON: {error}", INVALID_FORMAT)]
            continue
        if not isinstance(value, dict):
            yield row, None, [_row_error("must be a JSON object")]
            continue
        yield row, value, []


def _row_error(message: str, error: str = INVALID_VALUE) -> FieldError:
    return FieldError(ROWS, "row", error, {MESSAGE: message})


def _unique(stem: str, row: int, used: set[str]) -> str:
    # Case-insensitive: "INV-1" and "inv-1" are one file on macOS and Windows.
    candidate = stem or f"row-{row}"
    suffix = 1
    while candidate.lower() in used:
        suffix += 1
        candidate = f"{stem or f'row-{row}'}-{suffix}"
    used.add(candidate.lower())
    return candidate


class _Files:
    """Files to write, written in bursts.

    Interleaving three system calls with every row slowed rendering itself
    by a third (measured with benchmarks/batch.py): grouping them keeps the
    interpreter's caches warm between calls.
    """

    BURST = 256

    def __init__(self) -> None:
        self._pending: list[tuple[str, str]] = []

    def add(self, path: str, text: str) -> None:
        self._pending.append((path, text))
        if len(self._pending) >= self.BURST:
            self.flush()

    def flush(self) -> None:
        for path, text in self._pending:
            _write(path, text)
        self._pending.clear()


def _write(path: str | Path, text: str) -> None:
    try:
        descriptor = os.open(path, _OPEN_FLAGS, 0o644)
        try:
            os.write(descriptor, text.encode("utf-8"))
        finally:
            os.close(descriptor)
    except OSError as error:
        raise UsageError(f"--out: cannot write {shown(str(path))}: {error.strerror}") from None


class _Progress:
    """A one-line progress bar, redrawn about 200 times in all."""

    WIDTH = 30

    def __init__(self, expected: int, stream: TextIO) -> None:
        self.expected = max(expected, 1)
        self.stream = stream
        self.step = max(self.expected // 200, 1)

    def advance(self, done: int) -> None:
        if done % self.step == 0:
            self._draw(done)

    def _draw(self, done: int) -> None:
        fraction = min(done / self.expected, 1.0)
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {fraction:4.0%} {done}/{self.expected} rows")
        self.stream.flush()

    def close(self) -> None:
        self._draw(self.expected)
        self.stream.write("\n")
