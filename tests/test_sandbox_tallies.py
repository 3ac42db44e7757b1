"""The sandbox's metric aggregates give exactly what the metrics' definitions
give: `/nps`, `/csat` and `/response_rate` (and filtered list totals) against
a plain Python computation over every stored row, on random data with
windows to the second, periods and time zones; and the aggregates kept write
by write (one at a time, in bulk, or through a request's state change) are
the ones computed again from the rows."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cswidget.api_rules import format_timestamp
from cswidget.sandbox import DEFAULT_TOKEN, Store, create_app
from cswidget.sandbox.periods import window
from cswidget.sandbox.storage import MetricFilter, ResponseFilter
from cswidget.sandbox.tallies import Window, rollups, split_window
from cswidget.vocabulary import DATE_PERIODS
from livesrv import serve

START = datetime(2023, 8, 1, tzinfo=UTC)
DAYS = 4
NOW = START + timedelta(days=DAYS - 1, hours=15)
SURVEYS = {
    1: [(101, "nps"), (102, "csat"), (103, None)],
    2: [(201, "nps"), (202, "nps"), (203, "csat")],
}
STAFF_IDS = (98723, 98724)
# Substrings, case, LIKE's own wildcards and a backslash, a non-ASCII letter.
COMPANIES = (None, "", "Acme Ltd", "ACME", "acme", "50%_off", "Cyber\\dyne", "École", "é")
SEARCHES = ("acme", "ACM", "Ltd", "%", "_", "0%_", "\\", "\\d", "é", "É", "co", "x")
ANSWERS = ("0", "1", "5", "6", "7", "9", "10", "11", "-1", "05", "٣", "x", "", None)


# --- the plain definitions, over every stored row


def _ascii_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _company_matches(name: object, search: str | None) -> bool:
    if search is None:
        return True
    return isinstance(name, str) and _ascii_lower(search) in _ascii_lower(name)


def _in_scope(row: sqlite3.Row, scope: MetricFilter, company: object) -> bool:
    return (
        (not scope.survey_ids or row["survey_id"] in scope.survey_ids)
        and (not scope.site_ids or row["site_id"] in scope.site_ids)
        and (not scope.staff_ids or row["staff_id"] in scope.staff_ids)
        and _company_matches(company, scope.company_name)
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def reference_scores(db: sqlite3.Connection, metric: str, scope: MetricFilter) -> dict[int, int]:
    scales = {"nps": range(11), "csat": range(1, 6)}
    metrics = {row[0]: row[1] for row in db.execute("SELECT id, metric FROM questions")}
    start, end = _instant(scope.from_time), _instant(scope.to_time)
    counts: Counter[int] = Counter()
    for row in db.execute("SELECT * FROM feedback_responses"):
        fields = json.loads(row["fields"])
        if not start <= _instant(row["submitted_at"]) <= end:
            continue
        if not _in_scope(row, scope, fields.get("company_name")):
            continue
        for answer in json.loads(row["answers"]):
            text = answer.get("answer")
            if metrics.get(answer["question_id"]) != metric or not isinstance(text, str):
                continue
            if text.isascii() and text.isdigit() and int(text) in scales[metric]:
                counts[int(text)] += 1
    return dict(counts)


def reference_requests(db: sqlite3.Connection, scope: MetricFilter) -> tuple[int, int, int]:
    answered = {row[0] for row in db.execute("SELECT request_id FROM feedback_responses")}
    start, end = _instant(scope.from_time), _instant(scope.to_time)
    sent = delivered = replied = 0
    for row in db.execute("SELECT * FROM feedback_requests"):
        if row["state"] != "sent" or row["sent_at"] is None:
            continue
        if not start <= _instant(row["sent_at"]) <= end:
            continue
        if not _in_scope(row, scope, row["company_name"]):
            continue
        sent += 1
        if row["delivery_failure"] is None:
            delivered += 1
            replied += row["id"] in answered
    return sent, delivered, replied


# --- random accounts


def _store() -> Store:
    store = Store.open(":memory:")
    for survey_id, questions in SURVEYS.items():
        store.add_survey(
            survey_id=survey_id,
            name=f"Survey {survey_id}",
            locale="en",
            url_code=f"s{survey_id}",
            questions=[
                {"id": qid, "question": f"Q{qid}", "answer_type": "Rating", "metric": metric}
                for qid, metric in questions
            ],
        )
    for number, code in enumerate(("hq", "leeds")):
        store.create_site(
            {"site_code": code, "name": f"Site {number}", "city": None, "region": "North",
             "site_type": None}
        )  # fmt: skip
    return store


moments = st.one_of(
    # Day edges and their neighbours, where a window's whole days begin and end.
    st.sampled_from([day * 86400 + edge for day in range(DAYS) for edge in (0, 1, 86398, 86399)]),
    st.integers(0, DAYS * 86400 - 1),
).map(lambda seconds: format_timestamp(START + timedelta(seconds=seconds)))

requests = st.fixed_dictionaries(
    {
        "survey": st.sampled_from(sorted(SURVEYS)),
        "site": st.sampled_from([None, 1, 2]),
        "staff": st.sampled_from([None, *STAFF_IDS]),
        "company": st.sampled_from(COMPANIES),
        "state": st.sampled_from(["sent", "sent", "pending"]),
        "sent_at": moments,
        "failed": st.booleans(),
    }
)
responses = st.fixed_dictionaries(
    {
        "request": st.one_of(st.none(), st.integers(0, 30)),
        "survey": st.sampled_from(sorted(SURVEYS)),
        "site": st.sampled_from([None, 1, 2]),
        "staff": st.sampled_from([None, *STAFF_IDS]),
        "company": st.sampled_from(COMPANIES),
        "submitted_at": moments,
        "answers": st.lists(st.sampled_from(ANSWERS), min_size=3, max_size=3),
    }
)
accounts = st.fixed_dictionaries(
    {
        "requests": st.lists(requests, max_size=25),
        "responses": st.lists(responses, max_size=40),
        # Requests moved to `sent` (or back) after their responses came in.
        "changes": st.lists(
            st.tuples(
                st.integers(0, 30), st.sampled_from(["sent", "pending"]), moments, st.booleans()
            ),
            max_size=5,
        ),
        "bulk": st.booleans(),
    }
)


def fill(store: Store, account: dict[str, Any], *, bulk: bool) -> None:
    ids = []
    for item in account["requests"]:
        data = (
            [] if item["company"] is None else [{"key": "company_name", "value": item["company"]}]
        )
        arguments = {
            "request": {
                "email": "kate@example.com", "survey_id": item["survey"], "email_template_id": None,
                "send_at": item["sent_at"], "data": data,
            },
            "now": item["sent_at"],
            "state": item["state"],
            "sent_at": item["sent_at"] if item["state"] == "sent" else None,
            "delivery_failure": "550 mailbox unavailable" if item["failed"] else None,
            "site_id": item["site"],
            "staff_id": item["staff"],
        }  # fmt: skip
        if bulk:
            ids.extend(store.create_feedback_requests([arguments]))
        else:
            ids.append(store.create_feedback_request(**arguments).id)
    filed = []
    for item in account["responses"]:
        survey = item["survey"]
        request_id = None
        if item["request"] is not None and ids:
            request_id = ids[item["request"] % len(ids)]
        filed.append(
            {
                "survey_id": survey,
                "fields": {"email": "kate@example.com", "company_name": item["company"]},
                "answers": [
                    {"question_id": qid, "question": "Q", "answer": answer, "type": "Rating"}
                    for (qid, _), answer in zip(SURVEYS[survey], item["answers"], strict=True)
                ],
                "submitted_at": item["submitted_at"],
                "request_id": request_id,
                "site_id": item["site"],
                "staff_id": item["staff"],
            }
        )
    if bulk:
        store.add_responses(filed)
    else:
        for response in filed:
            store.add_response(**response)
    for index, state, moment, failed in account["changes"]:
        if ids:
            store.update_feedback_request(
                ids[index % len(ids)],
                changes={
                    "state": state,
                    "sent_at": moment if state == "sent" else None,
                    "delivery_failure": "bounced" if failed else None,
                    "updated_at": moment,
                },
            )


AGGREGATES = ("sent_requests", "score_days", "request_days", "response_days", "request_states")


def aggregates(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store._reading() as db:
        return {
            table: sorted(
                tuple(row)
                for row in db.execute(f"SELECT * FROM {table}")
                # A rollup whose every count went back to 0 counts nothing.
                if any(row[name] for name in ("n", "sent") if name in row.keys())  # noqa: SIM118
                or table == "sent_requests"
            )
            for table in AGGREGATES
        }


scopes = st.builds(
    lambda bounds, surveys, sites, staff, company: MetricFilter(
        from_time=min(bounds),
        to_time=max(bounds),
        survey_ids=tuple(surveys),
        site_ids=tuple(sites),
        staff_ids=tuple(staff),
        company_name=company,
    ),
    st.tuples(moments, moments),
    st.lists(st.sampled_from([*SURVEYS, 3]), max_size=2),
    st.lists(st.sampled_from([1, 2, 5]), max_size=2),
    st.lists(st.sampled_from([*STAFF_IDS, 7]), max_size=2),
    st.one_of(st.none(), st.sampled_from(SEARCHES)),
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(account=accounts, queries=st.lists(scopes, min_size=1, max_size=6))
def test_metrics_are_the_definitions_over_every_row(
    account: dict[str, Any], queries: list[MetricFilter]
) -> None:
    store = _store()
    fill(store, account, bulk=account["bulk"])
    with store._reading() as db:
        for scope in queries:
            for metric in ("nps", "csat"):
                assert store.score_counts(metric, scope) == reference_scores(db, metric, scope)
            assert store.request_counts(scope) == reference_requests(db, scope)


@SETTINGS
@given(account=accounts)
def test_aggregates_kept_write_by_write_are_the_rows_counted_again(
    account: dict[str, Any],
) -> None:
    one_by_one, bulk = _store(), _store()
    fill(one_by_one, account, bulk=False)
    fill(bulk, account, bulk=True)
    kept = aggregates(one_by_one)
    assert aggregates(bulk) == kept
    one_by_one.rebuild_aggregates()
    assert aggregates(one_by_one) == kept


list_filters = st.builds(
    ResponseFilter,
    created_since=st.one_of(st.none(), moments),
    updated_since=st.one_of(st.none(), moments),
    survey_ids=st.lists(st.sampled_from([*SURVEYS, 3]), max_size=2).map(tuple),
    site_ids=st.lists(st.sampled_from([1, 2]), max_size=2).map(tuple),
    staff_ids=st.lists(st.sampled_from(STAFF_IDS), max_size=1).map(tuple),
)


@SETTINGS
@given(
    account=accounts, where=list_filters, snapshot=st.integers(0, 45), per_page=st.integers(1, 7)
)
def test_filtered_lists_count_and_page_as_a_scan_of_every_row(
    account: dict[str, Any], where: ResponseFilter, snapshot: int, per_page: int
) -> None:
    store = _store()
    fill(store, account, bulk=account["bulk"])
    with store._reading() as db:
        rows = [
            row
            for row in db.execute(
                "SELECT * FROM feedback_responses ORDER BY submitted_at DESC, id DESC"
            )
            if row["id"] <= snapshot
            and (where.created_since is None or row["created_at"] >= where.created_since)
            and (where.updated_since is None or row["updated_at"] >= where.updated_since)
            and (not where.survey_ids or row["survey_id"] in where.survey_ids)
            and (not where.site_ids or row["site_id"] in where.site_ids)
            and (not where.staff_ids or row["staff_id"] in where.staff_ids)
        ]
    expected = [row["id"] for row in rows]
    # Every page by number, and every page after the first by its keyset position.
    by_number: list[int] = []
    by_position: list[int] = []
    after = None
    for page in range(1, len(expected) // per_page + 2):
        numbered = store.feedback_responses(
            page=page, per_page=per_page, where=where, snapshot=snapshot
        )
        assert numbered.total == len(expected)
        by_number += [item.id for item in numbered.items]
        keyed = store.feedback_responses(
            page=page, per_page=per_page, where=where, snapshot=snapshot, after=after
        )
        assert keyed.total == len(expected)
        by_position += [item.id for item in keyed.items]
        after = keyed.last_id
    assert by_number == by_position == expected


# --- through the API: periods, from/to in any zone, filters as query strings


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[httpx.Client, Store]]:
    store = Store.open(":memory:", link_base="http://sandbox")
    app = create_app(db=store, seed="demo", now=datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC))
    headers = {
        "User-Agent": "tallies test",
        "Accept": "application/vnd.customersure.v1+json",
        "Authorization": f"Token token={DEFAULT_TOKEN}",
    }
    with serve(app) as url, httpx.Client(base_url=url, headers=headers) as client:
        yield client, store


zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9, minutes=-30))]
)
demo_moments = st.integers(0, 130 * 86400).map(
    lambda seconds: datetime(2023, 4, 10, tzinfo=UTC) + timedelta(seconds=seconds)
)


@settings(max_examples=80, deadline=None)
@given(
    period=st.one_of(st.none(), st.sampled_from(DATE_PERIODS)),
    bounds=st.tuples(demo_moments, demo_moments),
    zone=zones,
    filters=st.lists(
        st.sampled_from([
            ("survey_ids[]", "277"), ("survey_ids[]", "1484"), ("site_ids[]", "1"),
            ("site_ids[]", "3"), ("staff_ids[]", "98723"), ("staff_ids[]", "98726"),
            ("company_name", "acme"), ("company_name", "INIT"), ("company_name", "e"),
        ]),
        max_size=3,
    ),
)  # fmt: skip
def test_the_metric_endpoints_answer_the_definitions(
    seeded: tuple[httpx.Client, Store],
    period: str | None,
    bounds: tuple[datetime, datetime],
    zone: timezone,
    filters: list[tuple[str, str]],
) -> None:
    client, store = seeded
    start, end = sorted(bounds)
    query = [*filters]
    if period is None:
        query += [("from_time", start.astimezone(zone).isoformat()),
                  ("to_time", end.astimezone(zone).isoformat())]  # fmt: skip
        window_start, window_end = start, end
    else:
        query.append(("period", period))
        window_start, window_end = window(period, now=datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC))
    companies = [value for name, value in filters if name == "company_name"]
    if len(companies) > 1:
        return  # a scalar given twice is a 422, tested elsewhere
    scope = MetricFilter(
        from_time=format_timestamp(window_start),
        to_time=format_timestamp(window_end),
        company_name=companies[0] if companies else None,
        survey_ids=tuple(int(v) for n, v in filters if n == "survey_ids[]"),
        site_ids=tuple(int(v) for n, v in filters if n == "site_ids[]"),
        staff_ids=tuple(int(v) for n, v in filters if n == "staff_ids[]"),
    )
    with store._reading() as db:
        nps, csat = reference_scores(db, "nps", scope), reference_scores(db, "csat", scope)
        sent, delivered, replied = reference_requests(db, scope)
    answer = client.get("/nps", params=query).json()
    assert answer["promoter_count"] == nps.get(9, 0) + nps.get(10, 0)
    assert answer["passive_count"] == nps.get(7, 0) + nps.get(8, 0)
    assert answer["total_number_of_ratings"] == sum(nps.values())
    answer = client.get("/csat", params=query).json()
    names = ("very_negative_count", "negative_count", "neutral_count", "positive_count",
             "very_positive_count")  # fmt: skip
    assert [answer[name] for name in names] == [csat.get(score, 0) for score in range(1, 6)]
    answer = client.get("/response_rate", params=query).json()
    assert (answer["sent_count"], answer["delivered_count"], answer["reply_count"]) == (
        sent, delivered, replied,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Whole days only.
        ("2023-08-01T00:00:00Z", "2023-08-31T23:59:59Z", Window((), ("2023-08-01", "2023-08-31"))),
        # One second short at either end: that day from the rows.
        ("2023-08-01T00:00:01Z", "2023-08-03T23:59:59Z",
         Window((("2023-08-01T00:00:01Z", "2023-08-01T23:59:59Z"),), ("2023-08-02", "2023-08-03"))),
        ("2023-08-01T00:00:00Z", "2023-08-03T23:59:58Z",
         Window((("2023-08-03T00:00:00Z", "2023-08-03T23:59:58Z"),), ("2023-08-01", "2023-08-02"))),
        # Within a day, or across one midnight: rows only.
        ("2023-08-01T10:00:00Z", "2023-08-01T11:00:00Z",
         Window((("2023-08-01T10:00:00Z", "2023-08-01T11:00:00Z"),), None)),
        ("2023-08-01T10:00:00Z", "2023-08-02T11:00:00Z",
         Window((("2023-08-01T10:00:00Z", "2023-08-02T11:00:00Z"),), None)),
        # A single second, and the ends of the calendar.
        ("2023-08-01T23:59:59Z", "2023-08-01T23:59:59Z",
         Window((("2023-08-01T23:59:59Z", "2023-08-01T23:59:59Z"),), None)),
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", Window((), ("0001-01-01", "9999-12-31"))),
        ("9999-12-31T00:00:01Z", "9999-12-31T23:59:59Z",
         Window((("9999-12-31T00:00:01Z", "9999-12-31T23:59:59Z"),), None)),
        ("0001-01-01T00:00:00Z", "0001-01-01T23:59:58Z",
         Window((("0001-01-01T00:00:00Z", "0001-01-01T23:59:58Z"),), None)),
    ],
)  # fmt: skip
def test_a_window_splits_into_whole_days_and_partial_day_rows(
    start: str, end: str, expected: Window
) -> None:
    assert split_window(start, end) == expected


def test_each_row_counts_in_every_rollup_of_the_dimensions_it_has() -> None:
    # Each combination of survey, site and staff member, and company alone.
    assert rollups((1, 2, 3, 4)) == (
        (0, 0, 0, 0), (1, 0, 0, 0), (0, 2, 0, 0), (1, 2, 0, 0),
        (0, 0, 3, 0), (1, 0, 3, 0), (0, 2, 3, 0), (1, 2, 3, 0), (0, 0, 0, 4),
    )  # fmt: skip
    assert rollups((1, None, None, None)) == ((0, 0, 0, 0), (1, 0, 0, 0))


def test_the_query_plans_the_docs_show_are_sqlites() -> None:
    store = Store.open(":memory:")
    create_app(db=store, seed="demo", now=datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC))
    statements: list[str] = []
    with store._reading() as db:
        db.set_trace_callback(statements.append)
        store.score_counts("nps", MetricFilter(from_time="2023-07-20T16:30:14Z",
                           to_time="2023-08-19T16:30:14Z", survey_ids=(1484,)))  # fmt: skip
        store.score_counts("nps", MetricFilter(from_time="2023-01-01T00:00:00Z",
                           to_time="2023-08-19T23:59:59Z", company_name="acme"))  # fmt: skip
        store.score_counts("nps", MetricFilter(from_time="2023-01-01T00:00:00Z",
                           to_time="2023-08-19T23:59:59Z", company_name="acme",
                           site_ids=(1,)))  # fmt: skip
        store.request_counts(MetricFilter(from_time="2023-01-01T00:00:00Z",
                             to_time="2023-08-19T23:59:59Z", site_ids=(1,)))  # fmt: skip
        db.set_trace_callback(None)
        plans = {
            row[3]
            for statement in statements
            if statement.startswith("SELECT")
            for row in db.execute(f"EXPLAIN QUERY PLAN {statement}")
        }
    doc = (Path(__file__).resolve().parents[1] / "docs" / "sandbox.md").read_text()
    section = doc.split("### How they are answered")[1].split("\n## ")[0]
    shown = {
        line.strip()
        for block in section.split("```text")[1:]
        for line in block.split("```")[0].splitlines()
        if line.startswith("    ")
    }
    shown.add(
        "SEARCH ratings USING COVERING INDEX ratings_by_company"
        " (metric=? AND company_id=? AND submitted_at>? AND submitted_at<?)"
    )
    assert len(shown) >= 5
    assert shown <= plans


def test_requests_a_clock_sends_are_counted_as_sent_set_based() -> None:
    # Pending requests, some already answered (a link works before send_at),
    # then moved to `sent` at their send_at by Store.send_due, as a test clock does.
    store = _store()
    account = {
        "requests": [
            {"survey": 1 + n % 2, "site": [None, 1, 2][n % 3], "staff": STAFF_IDS[n % 2],
             "company": COMPANIES[n % len(COMPANIES)], "state": "pending",
             "sent_at": format_timestamp(START + timedelta(hours=7 * n)), "failed": n % 5 == 0}
            for n in range(12)
        ],
        "responses": [
            {"request": n, "survey": 1, "site": 1, "staff": None, "company": "Acme Ltd",
             "submitted_at": format_timestamp(START + timedelta(hours=5 * n)),
             "answers": ["9", "4", None]}
            for n in (0, 1, 3, 3, 8)
        ],
        "changes": [],
    }  # fmt: skip
    fill(store, account, bulk=False)
    due = format_timestamp(START + timedelta(hours=50))
    assert store.send_due(due) == 8
    kept = aggregates(store)
    store.rebuild_aggregates()
    assert aggregates(store) == kept
    scope = MetricFilter(from_time=format_timestamp(START), to_time=due)
    with store._reading() as db:
        assert store.request_counts(scope) == reference_requests(db, scope) == (8, 6, 2)
