"""`cswidget api requests create --csv FILE`: one feedback request per row.

Columns named like the API's parameters (`email`, `send_at`, `survey_id`,
`email_template_id`, `first_name`, `surname`, `reference`, `machine_id`,
`external_link`, `ignore_throttle`), `sms.number` and
`sms.text_message_template_id`, and `reminders[N].send_at`,
`reminders[N].email_template_id`, `reminders[N].text_message_template_id`
fill those parameters; every other column is a `data[]` entry (staff_code,
site_code, segments, metadata). Empty cells are left out.

Every row is checked before anything is sent; rows that fail, locally or
at the API, are listed in a JSON report in the API's error shape, as
`cswidget batch` does. Each POST is sent once, never retried (the API has
no idempotency key): a row whose outcome is unknown (a timeout, a 5xx) is
reported as such, to be checked by its `reference` before it is sent again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import FieldError, ValidationError
from ..vocabulary import (
    FEEDBACK_REQUEST_PARAMETERS,
    INVALID_VALUE,
    MESSAGE,
    VALIDATION_ERROR_MESSAGE,
)
from .client import Client
from .csvfile import read_rows
from .endpoints import create_feedback_request
from .errors import APIConnectionError, APIError, ServerError

__all__ = ["ScheduleReport", "read_request_rows", "schedule_requests"]

ROWS = "rows"
_REMINDER = re.compile(
    r"reminders\[(\d{1,2})\]\.(send_at|email_template_id|text_message_template_id)"
)
_FLAGS = ("external_link", "ignore_throttle")
_OWN = frozenset(FEEDBACK_REQUEST_PARAMETERS) - {"data", "sms", "reminders"}


@dataclass
class ScheduleReport:
    """The outcome of a CSV of feedback requests; `to_dict()` is the report file."""

    rows: int = 0
    created: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": VALIDATION_ERROR_MESSAGE if self.rejected else "OK",
            "rows": self.rows,
            "created": self.created,
            "rejected": self.rejected,
        }


def read_request_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | None, list[FieldError]]]:
    """Each CSV row (numbered as a spreadsheet does, header = 1) as create
    parameters, or None with the row's own errors. A file that is not CSV,
    or holds a cell over `csvfile.CELL_LIMIT` characters, raises ValueError
    naming the row."""
    reader = read_rows(io.StringIO(text, newline=""))
    row = 0  # the last row read, to name the next one on csv.Error
    try:
        header = next(reader, None)
        if not header:
            raise ValueError("the CSV has no header row")
        if len(set(header)) != len(header):
            raise ValueError("a column appears twice in the header")
        row = 1
        for row, record in enumerate(reader, start=2):
            if not record:
                continue
            if len(record) != len(header):
                message = f"has {len(record)} cells, the header has {len(header)}"
                yield row, None, [FieldError(ROWS, "row", INVALID_VALUE, {MESSAGE: message})]
                continue
            yield row, _parameters(zip(header, record, strict=True)), []
    except csv.Error as error:
        raise ValueError(f"row {row + 1}: not CSV: {error}") from None


def _parameters(cells: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    data: list[tuple[str, str]] = []
    reminders: dict[int, dict[str, str]] = {}
    for column, value in cells:
        if value == "":
            continue
        if column in _OWN:
            params[column] = _flag(value) if column in _FLAGS else value
        elif column.startswith("sms."):
            params.setdefault("sms", {})[column.removeprefix("sms.")] = value
        elif match := _REMINDER.fullmatch(column):
            reminders.setdefault(int(match.group(1)), {})[match.group(2)] = value
        else:
            data.append((column, value))
    if data:
        params["data"] = data
    if reminders:
        params["reminders"] = [reminders[index] for index in sorted(reminders)]
    return params


def _flag(value: str) -> object:
    lowered = value.strip().lower()
    return {"true": True, "false": False}.get(lowered, value)  # api_rules names a bad one


def schedule_requests(
    client: Client | None, text: str, *, report: ScheduleReport | None = None
) -> ScheduleReport:
    """Check every row, then create a request for each good one (none when
    `client` is None: a dry run)."""
    report = report or ScheduleReport()
    checked = []
    for row, params, problems in read_request_rows(text):
        report.rows += 1
        if params is None:
            report.rejected.append(_rejected(row, None, problems))
            continue
        try:
            create_feedback_request(params)
        except ValidationError as error:
            report.rejected.append(_rejected(row, params, list(error.errors)))
            continue
        except TypeError as error:  # unknown sms./reminders[] parameters
            problem = FieldError(ROWS, "row", INVALID_VALUE, {MESSAGE: str(error)})
            report.rejected.append(_rejected(row, params, [problem]))
            continue
        checked.append((row, params))
    if client is None:
        return report
    for index, (row, params) in enumerate(checked):
        try:
            created = client.feedback_requests.create(**params)
        except ValidationError as error:  # the API's 422: rules that need the account
            report.rejected.append(_rejected(row, params, list(error.errors)))
        except (APIConnectionError, ServerError) as error:
            message = f"outcome unknown, not retried: {error}; check by reference before resending"
            report.rejected.append(_rejected(row, params, [], message=message))
        except APIError as error:
            report.rejected.append(_rejected(row, params, list(error.errors), message=str(error)))
            if error.status in (401, 403):
                # Every other row would be refused the same way: not sent.
                message = f"not sent: stopped after {error.status}"
                report.rejected += [
                    _rejected(r, p, [], message=message) for r, p in checked[index + 1 :]
                ]
                break
        else:
            report.created.append({"row": row, "id": created.id, "reference": created.reference})
    report.rejected.sort(key=lambda item: int(item["row"]))
    return report


def _rejected(
    row: int,
    params: dict[str, Any] | None,
    errors: list[FieldError],
    *,
    message: str = VALIDATION_ERROR_MESSAGE,
) -> dict[str, Any]:
    return {
        "row": row,
        "reference": params.get("reference") if params else None,
        "message": message,
        "errors": [error.to_dict() for error in errors],
    }
