"""Seeded sandbox databases, prepared once per process and copied for each test.

    store = fresh_store(seed="demo", now=None, clock=datetime.now(UTC))

Seeding the demo account writes about 700 rows; copying a prepared
database with SQLite's backup API (`Store.copy()`) costs a fraction of a
millisecond, so every sandbox starts from its own copy. A seed is relative
to a time (its history ends then): with a frozen `now` that time is the key;
with the real clock the copy is of a database seeded at most
`REAL_TIME_REFRESH` before, so tests in one run see the same account.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Final

from ..sandbox import Store
from ..sandbox import seed as seeds

__all__ = ["MAX_PREPARED", "REAL_TIME_REFRESH", "fresh_store"]

# Databases kept (each a few hundred kB); the least recently used goes first.
MAX_PREPARED: Final = 8
REAL_TIME_REFRESH: Final = timedelta(hours=1)

_prepared: OrderedDict[tuple[str | None, datetime | None], tuple[Store, datetime]] = OrderedDict()
_lock = threading.Lock()


def fresh_store(*, seed: str | None, now: datetime | None, clock: datetime) -> Store:
    """A new in-memory store holding `seed` (None: nothing) as of `now`, or,
    with `now` None, as of a moment at most `REAL_TIME_REFRESH` before `clock`."""
    if seed is not None and seed not in seeds.SEEDS:
        raise ValueError(f"Unsupported seed {seed!r}, must be one of: {', '.join(seeds.SEEDS)}")
    key = (seed, now)
    with _lock:
        found = _prepared.get(key)
        if found is None or (now is None and clock - found[1] > REAL_TIME_REFRESH):
            seeded_at = now or clock
            template = Store.open(":memory:")
            if seed is not None:
                seeds.load(seed, store=template, now=seeded_at)
            if found is not None:
                found[0].close()
            found = _prepared[key] = (template, seeded_at)
        _prepared.move_to_end(key)
        while len(_prepared) > MAX_PREPARED:
            _prepared.popitem(last=False)[1][0].close()
        return found[0].copy()
