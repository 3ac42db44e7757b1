"""`Store.send_due(now)`: what the service does at each `send_at`, in one
transaction, as the store's own reads (lists, the response rate) then see it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cswidget.api_rules import format_timestamp
from cswidget.contract import FeedbackRequest
from cswidget.sandbox import Store
from cswidget.sandbox.seed import load
from cswidget.sandbox.storage import REPLIED, MetricFilter

NOW = datetime(2024, 5, 1, 9, tzinfo=UTC)


def at(hours: int) -> str:
    return format_timestamp(NOW + timedelta(hours=hours))


def request(store: Store, send_in: int, *, remind_in: tuple[int, ...] = ()) -> int:
    created = store.create_feedback_request(
        {
            "email": "kate@example.com",
            "survey_id": 1484,
            "email_template_id": 10,
            "send_at": at(send_in),
            "reminders": [
                {"send_at": at(hours), "email_template_id": 11, "text_message_template_id": None}
                for hours in remind_in
            ],
        },
        now=at(0),
    )
    return int(created.id)


def get(store: Store, request_id: int) -> FeedbackRequest:
    found = store.feedback_request(request_id)
    assert found is not None
    return found


def test_send_due_sends_requests_and_reminders_that_are_due() -> None:
    store = Store.open(":memory:")
    load("account", store=store, now=NOW)
    replied = request(store, 1, remind_in=(24, 48))
    silent = request(store, 1, remind_in=(24, 48))
    later = request(store, 30)

    assert store.send_due(at(0)) == 0
    assert store.send_due(at(2)) == 2
    sent = get(store, silent)
    assert (sent.state, sent.sent_at, sent.updated_at) == ("sent", sent.send_at, sent.send_at)
    assert get(store, later).state == "pending"

    scope = MetricFilter(from_time=at(0), to_time=at(2))
    assert store.request_counts(scope) == (2, 2, 0)
    store.add_response(
        survey_id=1484, fields={}, answers=[], submitted_at=at(3), request_id=replied
    )
    assert store.request_counts(scope) == (2, 2, 1)

    assert store.send_due(at(30)) == 1  # the later request; the first reminders too
    reminders = {
        request_id: [(r.sent_at, r.not_sent_reason) for r in get(store, request_id).reminders]
        for request_id in (replied, silent)
    }
    assert reminders == {
        replied: [(None, REPLIED), (None, None)],
        silent: [(NOW + timedelta(hours=24), None), (None, None)],
    }
    # Done is done: a second pass at the same time changes nothing.
    row = store.request_scope(silent)
    assert row is not None
    before = json.loads(row["reminders"])
    assert store.send_due(at(30)) == 0
    row = store.request_scope(silent)
    assert row is not None
    assert json.loads(row["reminders"]) == before
