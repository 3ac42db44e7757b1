"""Date periods, default windows and metric arithmetic, exactly, plus the
usage examples in the sandbox's and api_rules' docstrings."""

from __future__ import annotations

import doctest
import importlib
from datetime import UTC, datetime

import pytest

from cswidget.api_rules import format_timestamp
from cswidget.contract import CSAT, ResponseRate
from cswidget.sandbox import metrics, periods
from cswidget.vocabulary import DATE_PERIODS

# A Wednesday in a leap year's first quarter.
NOW = datetime(2024, 3, 13, 10, 0, 0, tzinfo=UTC)

WINDOWS = {
    "7-days": ("2024-03-07T00:00:00Z", "2024-03-13T23:59:59Z"),
    "30-days": ("2024-02-13T00:00:00Z", "2024-03-13T23:59:59Z"),
    "3-months": ("2023-12-14T00:00:00Z", "2024-03-13T23:59:59Z"),
    "6-months": ("2023-09-14T00:00:00Z", "2024-03-13T23:59:59Z"),
    "12-months": ("2023-03-14T00:00:00Z", "2024-03-13T23:59:59Z"),
    "current_week": ("2024-03-11T00:00:00Z", "2024-03-13T23:59:59Z"),
    "current_month": ("2024-03-01T00:00:00Z", "2024-03-13T23:59:59Z"),
    "current_quarter": ("2024-01-01T00:00:00Z", "2024-03-13T23:59:59Z"),
    "current_year": ("2024-01-01T00:00:00Z", "2024-03-13T23:59:59Z"),
    "last_week": ("2024-03-04T00:00:00Z", "2024-03-10T23:59:59Z"),
    "last_month": ("2024-02-01T00:00:00Z", "2024-02-29T23:59:59Z"),
    "last_quarter": ("2023-10-01T00:00:00Z", "2023-12-31T23:59:59Z"),
    "last_year": ("2023-01-01T00:00:00Z", "2023-12-31T23:59:59Z"),
    "yesterday": ("2024-03-12T00:00:00Z", "2024-03-12T23:59:59Z"),
    "day_before_yesterday": ("2024-03-11T00:00:00Z", "2024-03-11T23:59:59Z"),
    "week_before_last": ("2024-02-26T00:00:00Z", "2024-03-03T23:59:59Z"),
    "month_before_last": ("2024-01-01T00:00:00Z", "2024-01-31T23:59:59Z"),
    "year_before_last": ("2022-01-01T00:00:00Z", "2022-12-31T23:59:59Z"),
}


def test_every_documented_period_is_defined() -> None:
    assert tuple(WINDOWS) == DATE_PERIODS


@pytest.mark.parametrize(("period", "expected"), WINDOWS.items())
def test_period_windows(period: str, expected: tuple[str, str]) -> None:
    start, end = periods.window(period, now=NOW)
    assert (format_timestamp(start), format_timestamp(end)) == expected


@pytest.mark.parametrize(
    ("now", "period", "expected"),
    [
        # The month before has no 31st: its last day.
        (datetime(2024, 5, 31, tzinfo=UTC), "3-months", "2024-03-01T00:00:00Z"),
        (datetime(2023, 5, 31, tzinfo=UTC), "3-months", "2023-03-01T00:00:00Z"),
        # January: last month and quarter are in the year before.
        (datetime(2024, 1, 1, tzinfo=UTC), "last_month", "2023-12-01T00:00:00Z"),
        (datetime(2024, 1, 1, tzinfo=UTC), "last_quarter", "2023-10-01T00:00:00Z"),
        (datetime(2024, 2, 15, tzinfo=UTC), "month_before_last", "2023-12-01T00:00:00Z"),
        # A Monday is the first day of its week; a Sunday the last.
        (datetime(2024, 3, 11, 0, 0, tzinfo=UTC), "current_week", "2024-03-11T00:00:00Z"),
        (datetime(2024, 3, 17, 23, 59, tzinfo=UTC), "current_week", "2024-03-11T00:00:00Z"),
    ],
)
def test_period_boundaries(now: datetime, period: str, expected: str) -> None:
    assert format_timestamp(periods.window(period, now=now)[0]) == expected


def test_default_windows() -> None:
    rate = periods.default_window("response_rate", now=NOW)
    score = periods.default_window("nps", now=NOW)
    assert [format_timestamp(t) for t in rate] == ["2024-02-10T00:00:00Z", "2024-03-11T00:00:00Z"]
    assert [format_timestamp(t) for t in score] == ["2024-02-12T00:00:00Z", "2024-03-13T10:00:00Z"]


def test_unknown_period_names_the_choices() -> None:
    with pytest.raises(ValueError, match="must be one of"):
        periods.window("fortnight", now=NOW)


def test_response_rate_is_replies_over_delivered() -> None:
    assert metrics.response_rate(sent=100, delivered=50, replied=25) == ResponseRate(
        response_rate_percent=50, sent_count=100, delivered_count=50, reply_count=25
    )
    assert metrics.response_rate(sent=3, delivered=0, replied=0).response_rate_percent is None


@pytest.mark.parametrize(
    ("counts", "score"),
    [
        ({10: 1}, 100),
        ({0: 1}, -100),
        ({8: 5}, 0),
        ({9: 1, 6: 1, 7: 1}, 0),
        ({9: 2, 7: 1}, 67),  # 66.67 rounds to 67
        ({0: 2, 7: 1}, -67),  # and -66.67 to -67
        ({9: 1, 7: 7}, 13),  # 12.5 rounds half up
        ({}, None),
    ],
)
def test_nps(counts: dict[int, int], score: int | None) -> None:
    result = metrics.nps(counts)
    assert result.net_promoter_score == score
    assert result.total_number_of_ratings == sum(counts.values())
    assert result.promoter_count + result.passive_count + result.detractor_count == sum(
        counts.values()
    )


def test_csat_is_the_share_of_4_and_5() -> None:
    # The seed's own CSAT example, which is consistent.
    assert metrics.csat({1: 1, 4: 2, 5: 7}) == CSAT(
        csat=90,
        very_negative_count=1,
        negative_count=0,
        neutral_count=0,
        positive_count=2,
        very_positive_count=7,
        total_number_of_ratings=10,
    )


@pytest.mark.parametrize(
    "name",
    [
        "cswidget.api_rules",
        "cswidget.sandbox.periods",
        "cswidget.sandbox.metrics",
        "cswidget.openapi",
        "cswidget.contract",
        "cswidget.wire",
    ],
)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert (result.failed, result.attempted > 0) == (0, True)
