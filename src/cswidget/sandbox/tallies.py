"""The sandbox's metric aggregates: per-day counts kept beside the rows.

`/nps`, `/csat` and `/response_rate` read whole UTC days from per-day
tables and only the partial first and last day of a window from the rows,
so their cost grows with the days in the window, not with the rows stored.

Every rating (and every sent feedback request) is counted once in each
rollup of its filter dimensions: every combination of survey, site and
staff member, and company alone. In a rollup a dimension is either kept or
stored as 0, "any" (ids start at 1). A filter on survey and site reads the
rollup that kept exactly those two, so it never scans what it does not
count. A dimension the row lacks (no site) is only ever rolled up: no
filter on it can match. (The SQL that keeps them is in storage.py.)

    >>> split_window("2023-08-01T12:00:00Z", "2023-08-31T23:59:59Z")
    Window(rows=(('2023-08-01T12:00:00Z', '2023-08-01T23:59:59Z'),), \
days=('2023-08-02', '2023-08-31'))
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

__all__ = ["DIMENSIONS", "Window", "rollups", "split_window"]

# The filter dimensions, in the order of the aggregate tables' key columns.
DIMENSIONS: Final = ("survey_id", "site_id", "staff_id", "company_id")
ANY: Final = 0
# The rollups, as bit masks of the dimensions they keep: every combination of
# survey, site and staff member (an account has few of each), and company
# alone. Company with another dimension is not kept: an account may have
# thousands of companies, so those rollups would hold about a row per rating;
# such a filter reads the matching companies' own rows (ratings_by_company).
ROLLUP_MASKS: Final = (0, 1, 2, 3, 4, 5, 6, 7, 8)
_MASKS: Final = tuple(
    tuple(bool(mask & (1 << place)) for place in range(len(DIMENSIONS))) for mask in ROLLUP_MASKS
)

Dimensions = tuple[int | None, int | None, int | None, int | None]
Key = tuple[int, int, int, int]


@functools.lru_cache(maxsize=1 << 16)
def rollups(dimensions: Dimensions) -> tuple[Key, ...]:
    """Every rollup key a row with these dimension values is counted under
    (cached: an account has far fewer combinations than rows).

    >>> rollups((7, None, 3, None))
    ((0, 0, 0, 0), (7, 0, 0, 0), (0, 0, 3, 0), (7, 0, 3, 0))
    """
    keys: list[Key] = []
    for kept in _MASKS:
        if any(keep and value is None for keep, value in zip(kept, dimensions, strict=True)):
            continue
        survey, site, staff, company = (
            (value or ANY) if keep else ANY for keep, value in zip(kept, dimensions, strict=True)
        )
        keys.append((survey, site, staff, company))
    return tuple(keys)


@dataclass(frozen=True)
class Window:
    """An inclusive window split into the row ranges of its partial first and
    last days and the range of whole days between them (None if none)."""

    rows: tuple[tuple[str, str], ...]
    days: tuple[str, str] | None


def _day_start(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _day_end(day: date) -> str:
    return f"{day.isoformat()}T23:59:59Z"


def split_window(from_time: str, to_time: str) -> Window:
    """Split the inclusive window [from_time, to_time] (API timestamps in
    UTC, "2023-08-01T00:00:00Z") into whole days and partial-day row ranges."""
    first, last = date.fromisoformat(from_time[:10]), date.fromisoformat(to_time[:10])
    starts_whole = from_time == _day_start(first)
    ends_whole = to_time == _day_end(last)
    # The first and last whole days, guarding the ends of the calendar.
    if not starts_whole and first == date.max:
        return Window(rows=((from_time, to_time),), days=None)
    if not ends_whole and last == date.min:
        return Window(rows=((from_time, to_time),), days=None)
    first_whole = first if starts_whole else first + timedelta(days=1)
    last_whole = last if ends_whole else last - timedelta(days=1)
    if first_whole > last_whole:
        return Window(rows=((from_time, to_time),), days=None)
    rows = []
    if not starts_whole:
        rows.append((from_time, _day_end(first)))
    if not ends_whole:
        rows.append((_day_start(last), to_time))
    return Window(rows=tuple(rows), days=(first_whole.isoformat(), last_whole.isoformat()))


def day_of(moment: str) -> str:
    """The UTC day of an API timestamp: "2023-08-01T12:00:00Z" -> "2023-08-01"."""
    return moment[:10]


def request_days(
    changes: Iterable[tuple[str, Dimensions, int, int, int]],
) -> list[tuple[object, ...]]:
    """request_days rows to add for (sent_at, dimensions, sent, delivered,
    replied) changes (each count +1, 0 or -1): (*key, day, sent, delivered, replied)."""
    counts: Counter[tuple[Dimensions, str, int, int, int]] = Counter(
        (dimensions, day_of(sent_at), sent, delivered, replied)
        for sent_at, dimensions, sent, delivered, replied in changes
    )
    totals: dict[tuple[object, ...], list[int]] = {}
    for (dimensions, day, sent, delivered, replied), count in counts.items():
        for key in rollups(dimensions):
            found = totals.setdefault((*key, day), [0, 0, 0])
            found[0] += sent * count
            found[1] += delivered * count
            found[2] += replied * count
    return [(*key, *sums) for key, sums in totals.items() if any(sums)]


def has_rollup(*, company: bool, others: bool) -> bool:
    """Whether a filter on company (and on any other dimension) has a rollup."""
    return not (company and others)


def keys_filter(column: str, ids: Sequence[int], where: list[str], args: list[object]) -> None:
    """`column IN (ids)` over the rollup that keeps this dimension, or the
    rollup that does not (`column = 0`) when there is no filter on it."""
    if ids:
        where.append(f"{column} IN ({', '.join('?' * len(ids))})")
        args.extend(ids)
    else:
        where.append(f"{column} = {ANY}")
