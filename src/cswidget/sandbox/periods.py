"""The API's date periods and the metrics' default windows, as UTC times.

Every window is inclusive at both ends, to the second: "the end of today"
is 23:59:59 (the seed's "ending 11:59 today" is read as that). Weeks start
on Monday (ISO 8601); quarters on 1 January, April, July and October.

    >>> from datetime import UTC, datetime
    >>> window("last_month", now=datetime(2023, 8, 19, 16, 30, tzinfo=UTC))
    (datetime.datetime(2023, 7, 1, 0, 0, tzinfo=datetime.timezone.utc), \
datetime.datetime(2023, 7, 31, 23, 59, 59, tzinfo=datetime.timezone.utc))
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..vocabulary import DATE_PERIODS

__all__ = ["default_window", "window"]

_ONE_SECOND = timedelta(seconds=1)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _end(day: date) -> datetime:
    return _start(day + timedelta(days=1)) - _ONE_SECOND


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    # The same day of the month, or the month's last day (31 March - 1 = 28/29 February).
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _month_start(day: date, months_back: int) -> date:
    return _add_months(day.replace(day=1), -months_back)


def _quarter_start(day: date, quarters_back: int) -> date:
    first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return _add_months(first, -3 * quarters_back)


def window(period: str, *, now: datetime) -> tuple[datetime, datetime]:
    """The (from, to) times `period` (one of vocabulary.DATE_PERIODS) means at `now`."""
    if period not in DATE_PERIODS:
        raise ValueError(f"Unsupported period {period!r}, must be one of: {DATE_PERIODS}")
    today = now.astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday())
    rolling_days = {"7-days": 7, "30-days": 30}
    rolling_months = {"3-months": 3, "6-months": 6, "12-months": 12}
    if period in rolling_days:
        return _start(today - timedelta(days=rolling_days[period] - 1)), _end(today)
    if period in rolling_months:
        return _start(_add_months(today, -rolling_months[period]) + timedelta(days=1)), _end(today)
    current = {
        "current_week": monday,
        "current_month": today.replace(day=1),
        "current_quarter": _quarter_start(today, 0),
        "current_year": today.replace(month=1, day=1),
    }
    if period in current:
        return _start(current[period]), _end(today)
    whole: dict[str, tuple[date, date]] = {
        "yesterday": (today - timedelta(days=1), today),
        "day_before_yesterday": (today - timedelta(days=2), today - timedelta(days=1)),
        "last_week": (monday - timedelta(weeks=1), monday),
        "week_before_last": (monday - timedelta(weeks=2), monday - timedelta(weeks=1)),
        "last_month": (_month_start(today, 1), _month_start(today, 0)),
        "month_before_last": (_month_start(today, 2), _month_start(today, 1)),
        "last_quarter": (_quarter_start(today, 1), _quarter_start(today, 0)),
        "last_year": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
        "year_before_last": (date(today.year - 2, 1, 1), date(today.year - 1, 1, 1)),
    }
    first, next_first = whole[period]
    return _start(first), _start(next_first) - _ONE_SECOND


def default_window(endpoint: str, *, now: datetime) -> tuple[datetime, datetime]:
    """The seed's defaults: response rate from midnight 32 days ago to midnight
    2 days ago (so recent requests have had time for a reply); NPS and CSAT
    from midnight 30 days ago to now."""
    today = _start(now.astimezone(UTC).date())
    if endpoint == "response_rate":
        return today - timedelta(days=32), today - timedelta(days=2)
    return today - timedelta(days=30), now.astimezone(UTC).replace(microsecond=0)
