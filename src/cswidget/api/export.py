"""`cswidget api responses export`: feedback responses to JSON Lines or CSV.

Streams page by page (one page in memory), so 100,000 responses cost what
one page costs. Each page is written as whole records and flushed, so a
killed export leaves at most one page's tail cut short. Resumable: with
`--append`, `resume.resume_export()` drops such a tail and responses
already in the file are skipped, so an interrupted export is finished by
running the same command again, and a periodic export by passing the
newest `submitted_at` it printed as the next `--since`.

CSV is written as `csvfile` says: every cell quoted, and every cell (and
line in a cell) a spreadsheet would run as a formula prefixed with `'`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any, TextIO

from .base import Call
from .client import Client
from .csvfile import CELL_LIMIT, SPREADSHEET, CellTooLong, guard_cell
from .endpoints import list_feedback_responses

__all__ = [
    "CUSTOMER_COLUMNS",
    "FIXED_COLUMNS",
    "ExportResult",
    "Progress",
    "export_responses",
]

FIXED_COLUMNS = (
    "id",
    "submitted_at",
    "updated_at",
    "survey_id",
    "survey_name",
    "reference",
    "machine_id",
    "feedback_request_id",
)
# The customer fields the seed names in `fields`; any other field goes to
# the `other_fields` column as JSON.
CUSTOMER_COLUMNS = ("name", "email", "telephone_number", "company_name")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: how many, how many skipped, the newest time."""

    written: int
    skipped: int
    total_count: int | None
    newest_submitted_at: str | None


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item of a list as the API sent it: decoded, and its own text."""

    value: dict[str, Any]
    text: str


def split_array(text: str) -> list[RawItem]:
    """A JSON array's items, each with the exact text it was sent as.

    The export writes that text as its JSON Lines line instead of encoding
    the item again, which cost more than the whole decode (measured with
    benchmarks/api.py).

    >>> [item.text for item in split_array('[{"id": 1}, {"id": 2}]')]
    ['{"id": 1}', '{"id": 2}']
    """
    index = _SPACE.match(text, 0).end()  # type: ignore[union-attr]  # matches empty
    if text[index : index + 1] != "[":
        raise ValueError("expected a JSON array")
    index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    items: list[RawItem] = []
    if text[index : index + 1] == "]":
        end = index + 1
    else:
        while True:
            value, end = _DECODER.raw_decode(text, index)
            if not isinstance(value, dict) or "id" not in value:
                raise ValueError("expected feedback response objects with an id")
            items.append(RawItem(value, text[index:end]))
            index = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            separator = text[index : index + 1]
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
            if separator == "]":
                end = index
                break
            if separator != ",":
                raise ValueError(f"expected ',' or ']' at {index}")
    if text[end:].strip():
        raise ValueError("extra data after the JSON array")
    return items


def _line(item: RawItem) -> str:
    # A pretty-printed item spans lines: JSON Lines needs it on one.
    if "\n" in item.text or "\r" in item.text:
        return json.dumps(item.value, ensure_ascii=False, separators=(",", ":"))
    return item.text


def export_responses(
    client: Client,
    out: IO[str],
    *,
    output_format: str,
    filters: Mapping[str, Any],
    known_ids: Iterable[int] = (),
    write_header: bool = True,
    questions: Iterable[tuple[int, str]] = (),
    progress: Any = None,
) -> ExportResult:
    """Write every response the filters select to `out`, newest first.

    `questions` name the CSV's question columns; `write_header=False`
    appends to a file that has them already (`resume.resume_export()`
    reads them back). A CSV cell over `csvfile.CELL_LIMIT` raises
    `CellTooLong` before its page is written.
    """
    typed = list_feedback_responses(filters)
    # The API's own JSON, untouched: no round trip through the typed
    # objects (and their cost) for data that is only passed on.
    call: Call[RawItem] = Call(
        typed.method, typed.path, RawItem, params=typed.params, decode_page=_split_page
    )
    paginator = client._list(call)
    known = set(known_ids)
    writer = _CsvWriter(questions) if output_format == "csv" else None
    if writer is not None and write_header:
        _write(out, writer.header())
    written = skipped = 0
    newest: str | None = None
    for page in paginator.pages():
        if progress is not None and paginator.total_count is not None:
            progress.total = paginator.total_count
        lines = []
        for raw in page.items:
            item = raw.value
            submitted = item.get("submitted_at")
            if isinstance(submitted, str) and (newest is None or submitted > newest):
                newest = submitted  # the API's UTC "Z" text sorts as time does
            if item["id"] in known:
                skipped += 1
                continue
            if writer is not None:
                writer.add(item)
            else:
                lines.append(_line(raw) + "\n")
            written += 1
        _write(out, writer.take() if writer is not None else "".join(lines))
        if progress is not None:
            progress.advance(written + skipped)
    if progress is not None:
        progress.close()
    return ExportResult(written, skipped, paginator.total_count, newest)


def _split_page(content: bytes) -> list[RawItem]:
    return split_array(content.decode("utf-8"))


def _write(out: IO[str], text: str) -> None:
    # A page at a time, then flushed: a killed export leaves whole pages
    # and at most the tail of one, which the next --append drops.
    if text:
        out.write(text)
        out.flush()


class _CsvWriter:
    """Responses as CSV records (CRLF after each), one column per question:
    `add()` them, then `take()` their text."""

    def __init__(self, questions: Iterable[tuple[int, str]]) -> None:
        self.questions = dict(questions)
        self.columns = [
            *FIXED_COLUMNS,
            *CUSTOMER_COLUMNS,
            "other_fields",
            *(f"Q{qid} {text}" for qid, text in self.questions.items()),
            "other_answers",
        ]
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, dialect=SPREADSHEET)

    def header(self) -> str:
        self.writer.writerow([guard_cell(column) for column in self.columns])
        return self.take()

    def add(self, item: dict[str, Any]) -> None:
        survey = item.get("survey") or {}
        request = item.get("feedback_request") or {}
        fields = item.get("fields") or {}
        answers: dict[Any, Any] = {}
        other_answers = []
        for answer in item.get("answers") or ():
            question_id = answer.get("question_id") if isinstance(answer, dict) else None
            if question_id in self.questions:
                answers[question_id] = answer.get("answer")
            else:
                other_answers.append(answer)
        other_fields = {k: v for k, v in fields.items() if k not in CUSTOMER_COLUMNS}
        row = [
            item.get("id"),
            item.get("submitted_at"),
            item.get("updated_at"),
            survey.get("id"),
            survey.get("name"),
            item.get("reference"),
            item.get("machine_id"),
            request.get("id"),
            *(fields.get(name) for name in CUSTOMER_COLUMNS),
            json.dumps(other_fields, ensure_ascii=False) if other_fields else None,
            *(answers.get(qid) for qid in self.questions),
            json.dumps(other_answers, ensure_ascii=False) if other_answers else None,
        ]
        cells = [guard_cell(cell) for cell in row]
        if max(map(len, cells)) > CELL_LIMIT:
            column, cell = next(
                (column, cell)
                for column, cell in zip(self.columns, cells, strict=True)
                if len(cell) > CELL_LIMIT
            )
            raise CellTooLong(where=f"response {item.get('id')}", column=column, length=len(cell))
        self.writer.writerow(cells)

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


class Progress:
    """`exported 1200/100000 responses` on one redrawn line of a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total: int | None = None

    def advance(self, done: int) -> None:
        total = f"/{self.total}" if self.total is not None else ""
        self.stream.write(f"\rexported {done}{total} responses")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
