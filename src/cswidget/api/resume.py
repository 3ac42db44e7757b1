"""`responses export --append`: where an interrupted export stopped.

An export can be cut at any byte: a killed process, a full disk, a lost
connection after part of a page was written. Before appending, the file is
read with its own format's parser, the bytes after its last complete
record are dropped (that record's response is not counted as exported, so
it is written again, whole), and the ids of the responses it holds are
collected so that none is written twice.

A record is complete when the parser ends it at a line break: in JSON Lines
every line break ends one (JSON escapes them inside strings); in CSV only a
line break outside quotes does, so the csv module, in strict mode, finds
it (a line break inside a quoted cell, or a file ending inside quotes, is
not the end of a record). The file itself is the record of progress: no
sidecar file to lose, copy without, or get out of step with the data.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from .csvfile import read_rows
from .export import CUSTOMER_COLUMNS, FIXED_COLUMNS

__all__ = ["ExportFileError", "Resumed", "resume_export"]

_QUESTION = re.compile(r"Q(\d+) ")


class ExportFileError(ValueError):
    """A file that is not an export this command can resume; nothing was changed."""


@dataclass(frozen=True)
class Resumed:
    """What an export file held when it was resumed.

    `ids`: the responses in it; `question_ids`: for CSV, the question
    columns of its header, in order (None: no header yet, write one);
    `dropped`: how many bytes of a partial last record were removed.
    """

    ids: frozenset[int]
    question_ids: tuple[int, ...] | None
    dropped: int


def resume_export(path: str, *, output_format: str) -> Resumed:
    """Read the export at `path`, drop a partial last record, and say what
    it holds. A missing file holds nothing.

        resumed = resume_export("responses.csv", output_format="csv")
        if resumed.dropped:
            print(f"dropped a partial last record of {resumed.dropped} bytes")
    """
    if not os.path.exists(path):
        return Resumed(frozenset(), None, 0)
    size = os.path.getsize(path)
    if output_format == "csv":
        # surrogateescape: a cut inside a UTF-8 sequence is in the partial
        # record and must still count as its own bytes.
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as text:
            ids, question_ids, complete = _read_csv(text)
    else:
        with open(path, "rb") as raw:
            ids, complete = _read_jsonl(raw)
        question_ids = None
    # Only once the whole file was read and found to be an export.
    if complete < size:
        os.truncate(path, complete)
    return Resumed(frozenset(ids), question_ids, size - complete)


def _read_jsonl(raw: BinaryIO) -> tuple[set[int], int]:
    ids: set[int] = set()
    complete = 0
    for number, line in enumerate(raw, start=1):
        if not line.endswith(b"\n"):
            break  # the partial last record
        complete += len(line)
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:  # UnicodeDecodeError is one
            raise ExportFileError(f"line {number} is not JSON") from None
        if not isinstance(value, dict) or type(value.get("id")) is not int:
            raise ExportFileError(f"line {number} is not a feedback response with an id")
        ids.add(value["id"])
    return ids, complete


class _Lines:
    """The lines of a CSV file for the csv module, counting the bytes read."""

    def __init__(self, text: TextIO) -> None:
        self.text = text
        self.read = 0
        self.last = ""
        self.exhausted = False

    def __iter__(self) -> Iterator[str]:
        for line in self.text:
            self.read += len(line.encode("utf-8", "surrogateescape"))
            self.last = line
            yield line
        self.exhausted = True


def _read_csv(text: TextIO) -> tuple[set[int], tuple[int, ...] | None, int]:
    lines = _Lines(text)
    ids: set[int] = set()
    header: list[str] | None = None
    question_ids: tuple[int, ...] | None = None
    complete = 0
    # The last record read is complete once another one follows, or when
    # it ends at a line break; until then it is pending.
    pending: tuple[int, list[str], int] | None = None

    def accept(number: int, record: list[str], end: int) -> None:
        nonlocal header, question_ids, complete
        complete = end
        if not record:
            return  # a blank line
        try:
            "".join(record).encode("utf-8")
        except UnicodeEncodeError:
            raise ExportFileError(f"row {number} is not UTF-8") from None
        if header is None:
            header = record
            question_ids = _question_ids(record)
            return
        if len(record) != len(header):
            raise ExportFileError(
                f"row {number} has {len(record)} cells, the header has {len(header)}"
            )
        if not record[0].isascii() or not record[0].isdigit():
            raise ExportFileError(f"row {number} has no response id in its first cell")
        ids.add(int(record[0]))

    rows = read_rows(lines, strict=True)
    number = 0
    try:
        for number, record in enumerate(rows, start=1):
            if pending is not None:
                accept(*pending)
            pending = (number, record, lines.read)
            if lines.last.endswith("\n"):
                accept(*pending)
                pending = None
    except csv.Error as error:
        if not lines.exhausted:
            raise ExportFileError(f"row {number + 1} is not valid CSV: {error}") from None
        # The file ends inside a quoted cell: that is the partial last
        # record, and one began after the pending one, which is complete.
        if pending is not None:
            accept(*pending)
    finally:
        rows.close()
    # Without an error, a record still pending ends without a line break:
    # the partial last record.
    return ids, question_ids, complete


def _question_ids(header: list[str]) -> tuple[int, ...]:
    fixed = [*FIXED_COLUMNS, *CUSTOMER_COLUMNS, "other_fields"]
    middle = header[len(fixed) : -1]
    matches = [_QUESTION.match(column) for column in middle]
    if header[: len(fixed)] != fixed or header[-1:] != ["other_answers"] or not all(matches):
        # Not quoted back: a file's text is no message for a terminal.
        raise ExportFileError("its first row is not the header of a responses export")
    return tuple(int(match.group(1)) for match in matches if match)
