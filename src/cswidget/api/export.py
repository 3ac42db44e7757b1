"""`cswidget api responses export`: feedback responses to JSON Lines or CSV.

Streams page by page (one page in memory), so 100,000 responses cost what
one page costs. Resumable: with `--append`, responses whose id is already
in the file are skipped, so an interrupted export is finished by running
the same command again, and a periodic export by passing the newest
`submitted_at` it printed as the next `--since`.

CSV cells that a spreadsheet would run as a formula (starting with `=`,
`+`, `-`, `@`, tab or carriage return) are prefixed with `'`, as OWASP
advises against CSV injection.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, TextIO

from .base import Call
from .client import Client
from .endpoints import list_feedback_responses

__all__ = [
    "CUSTOMER_COLUMNS",
    "FIXED_COLUMNS",
    "ExportResult",
    "Progress",
    "existing_ids",
    "export_responses",
    "guard_cell",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
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


def guard_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula.

    >>> guard_cell('=HYPERLINK("http://evil.example")')
    '\\'=HYPERLINK("http://evil.example")'
    >>> guard_cell(None), guard_cell(10), guard_cell("Kate")
    ('', '10', 'Kate')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


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
    known_ids: set[int] | None = None,
    write_header: bool = True,
    questions: Iterable[tuple[int, str]] = (),
    progress: Any = None,
) -> ExportResult:
    """Write every response the filters select to `out`, newest first."""
    typed = list_feedback_responses(filters)
    # The API's own JSON, untouched: no round trip through the typed
    # objects (and their cost) for data that is only passed on.
    call: Call[RawItem] = Call(
        typed.method, typed.path, RawItem, params=typed.params, decode_page=_split_page
    )
    paginator = client._list(call)
    known = known_ids or set()
    writer = _CsvWriter(out, questions, write_header) if output_format == "csv" else None
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
                writer.write(item)
            else:
                lines.append(_line(raw))
            written += 1
        if lines:
            out.write("\n".join(lines) + "\n")
        if progress is not None:
            progress.advance(written + skipped)
    if progress is not None:
        progress.close()
    return ExportResult(written, skipped, paginator.total_count, newest)


def _split_page(content: bytes) -> list[RawItem]:
    return split_array(content.decode("utf-8"))


class _CsvWriter:
    def __init__(self, out: IO[str], questions: Iterable[tuple[int, str]], header: bool) -> None:
        self.questions = dict(questions)
        self.writer = csv.writer(out, lineterminator="\n")
        if header:
            self.writer.writerow(
                [
                    *FIXED_COLUMNS,
                    *CUSTOMER_COLUMNS,
                    "other_fields",
                    *(f"Q{qid} {text}" for qid, text in self.questions.items()),
                    "other_answers",
                ]
            )

    def write(self, item: dict[str, Any]) -> None:
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
        self.writer.writerow([guard_cell(cell) for cell in row])


def existing_ids(path: str, output_format: str) -> set[int]:
    """The response ids already in an export file, for `--append`; a last
    line cut short by an interrupted export is removed (it is written again)."""
    ids: set[int] = set()
    if not os.path.exists(path):
        return ids
    with open(path, "rb+") as raw:
        content = raw.read()
        if content and not content.endswith(b"\n"):
            raw.truncate(content.rfind(b"\n") + 1)
    with open(path, encoding="utf-8", newline="") as file:
        if output_format == "csv":
            for row in csv.DictReader(file):
                if (row.get("id") or "").isdigit():
                    ids.add(int(row["id"]))
        else:
            for line in file:
                ids.update(_line_id(line))
    return ids


def _line_id(line: str) -> Iterator[int]:
    try:
        value = json.loads(line)
    except ValueError:
        return
    if isinstance(value, dict) and type(value.get("id")) is int:
        yield value["id"]


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
