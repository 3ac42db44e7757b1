"""Stored feedback responses, in the API's Feedback Responses shape."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .surveys import Survey

# The API's timestamp format: "we will always return times in UTC".
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
FIRST_ID = 1001


def utc_now() -> datetime:
    return datetime.now(UTC)


class ResponseStore:
    """In memory, newest first; safe to use from the server's threads."""

    def __init__(self, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._responses: list[dict[str, Any]] = []

    def add(
        self,
        *,
        survey: Survey,
        fields: dict[str, Any],
        answers: list[dict[str, Any]],
        reference: Any = None,
        machine_id: Any = None,
    ) -> dict[str, Any]:
        with self._lock:
            response = {
                "id": FIRST_ID + len(self._responses),
                "reference": reference,
                "machine_id": machine_id,
                "fields": fields,
                "answers": answers,
                "submitted_at": self._clock().astimezone(UTC).strftime(TIMESTAMP_FORMAT),
                # Widget responses do not come from a feedback request.
                "feedback_request": None,
                "survey": {"id": survey.id, "name": survey.name},
            }
            self._responses.insert(0, response)
            return response

    def newest_first(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._responses)

    def get(self, response_id: int) -> dict[str, Any] | None:
        with self._lock:
            return next((r for r in self._responses if r["id"] == response_id), None)
