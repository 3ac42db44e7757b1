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
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..errors import FieldError, ValidationError
from ..vocabulary import INVALID_FORMAT, INVALID_VALUE, MESSAGE, VALIDATION_ERROR_MESSAGE
from .errors import UsageError
from .options import render_part, widget_options

__all__ = ["file_stem", "run_batch"]

DEFAULT_NAME_COLUMN = "reference"
REPORT_NAME = "rejected.json"
# Resource named in errors about a row itself rather than its params.
ROWS = "rows"
PROGRESS_THRESHOLD = 1000
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
    options = widget_options(args)
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
        raise UsageError(f"--out: cannot create {str(out)!r}: {error.strerror}") from None
    # Rows are counted by lines: exact unless CSV cells hold line breaks.
    expected = text.count("\n") + (not text.endswith("\n"))
    show_progress = args.progress
    if show_progress is None:
        show_progress = sys.stderr.isatty() and expected >= PROGRESS_THRESHOLD
    progress = _Progress(expected, sys.stderr) if show_progress else None

    out_directory = str(out)
    used: set[str] = set()
    rejected: list[_Rejected] = []
    written = total = 0
    files = _Files()
    for row, params, problems in rows:
        total += 1
        if progress is not None:
            progress.advance(total)
        name = params.get(name_column) if params is not None else None
        name_text = None if name is None else str(name)
        if params is None:
            rejected.append(_Rejected(row, name_text, problems))
            continue
        try:
            snippet = render_part(options, params)
        except ValidationError as error:
            rejected.append(_Rejected(row, name_text, list(error.errors)))
            continue
        stem = _unique(file_stem(name_text) if name_text else "", row, used)
        # os.path.join on str: a Path object per row costs more than a join.
        files.add(os.path.join(out_directory, stem + ".html"), snippet + "\n")
        written += 1
    files.flush()
    if progress is not None:
        progress.close()
    report = {
        "message": VALIDATION_ERROR_MESSAGE if rejected else "OK",
        "rows": total,
        "written": written,
        "rejected": [item.to_dict() for item in rejected],
    }
    _write(report_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {written} of {total} snippets to {out}")
    if rejected:
        for item in rejected[:10]:
            detail = "; ".join(map(str, item.errors))
            print(f"cswidget: row {item.row} rejected: {detail}", file=sys.stderr)
        more = f" ({len(rejected) - 10} more)" if len(rejected) > 10 else ""
        print(
            f"cswidget: {len(rejected)} of {total} rows rejected{more}, see {report_path}",
            file=sys.stderr,
        )
        return 1
    return 0


def _format_from_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise UsageError(
        f"ROWS: cannot tell the format of {name!r}; name it .csv or .jsonl, or pass --input-format"
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
        raise UsageError(f"ROWS: cannot read {name!r}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"ROWS: {name!r} is not UTF-8 (byte {error.start})") from None


_Row = tuple[int, "dict[str, Any] | None", list[FieldError]]


def _csv_rows(text: str, name: str, name_column: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise UsageError(f"ROWS: {name!r} has no header row")
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise UsageError(f"ROWS: column {column!r} appears twice in the header of {name!r}")
        seen.add(column)
    if name_column not in seen:
        raise UsageError(
            f"--name-column: no column {name_column!r} in {name!r} (columns: {', '.join(header)})"
        )
    return _csv_records(reader, header)


def _csv_records(reader: Any, header: list[str]) -> Iterator[_Row]:
    width = len(header)
    row = 1
    for record in reader:
        row += 1
        if not record:
            continue  # a blank line
        if len(record) != width:
            yield row, None, [_row_error(f"has {len(record)} cells, the header has {width}")]
            continue
        yield row, {key: value for key, value in zip(header, record, strict=True) if value}, []


def _jsonl_rows(text: str) -> Iterator[_Row]:
    # Not splitlines(): JSON strings may hold U+2028 and other characters
    # it would split on; only LF (or CRLF) ends a JSON Lines record.
    for row, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
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
        raise UsageError(f"--out: cannot write {str(path)!r}: {error.strerror}") from None


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
