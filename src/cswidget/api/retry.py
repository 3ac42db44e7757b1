"""When to retry an API call, and how long to wait first: a policy as data.

    policy = RetryPolicy(max_retries=4, initial_delay=1.0)
    client = Client(token, user_agent="Acme Ltd", retry=policy)

Only safe methods (GET) are retried, on 429, 502, 503, 504 and on
connection errors and timeouts, at most `max_retries` times. The wait is an
exponential backoff with jitter, or the response's `Retry-After` (seconds or
an HTTP date) when it gives one. `POST /feedback_requests` is never retried:
the API documents no idempotency key, so a retry could send a customer two
emails (see docs/api.md for making it safe with `reference`/`machine_id`).
"""

from __future__ import annotations

import email.utils
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = ["DEFAULT_RETRY", "MAX_RETRY_AFTER", "RetryPolicy", "parse_retry_after"]

# The longest wait a policy may allow a Retry-After: a day.
MAX_RETRY_AFTER = 86_400.0

# The longest HTTP date ("Wednesday, 21-Oct-15 07:28:10 GMT") with room to
# spare: a longer value is not a date, and is not parsed.
_MAX_DATE_LENGTH = 64
# More digits than this is more seconds than any policy waits (over 31
# million years): read as infinity, never as an int too large for a float.
_MAX_SECONDS_DIGITS = 15


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """`Retry-After` in seconds from `now`: delay-seconds or an HTTP date.

    None when absent or unreadable; never negative; `math.inf` for more
    seconds than a float holds (a server asking never to come back).

    >>> parse_retry_after("120")
    120.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT",
    ...                   now=datetime(2015, 10, 21, 7, 27, 30, tzinfo=UTC))
    30.0
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text)) if len(text) <= _MAX_SECONDS_DIGITS else math.inf
    if len(text) > _MAX_DATE_LENGTH:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000" zone: RFC 5322 says UTC, of unknown origin
        moment = moment.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((moment - now).total_seconds(), 0.0)


@dataclass(frozen=True)
class RetryPolicy:
    """Which calls to retry and how long to wait before each retry.

    The n-th retry (n from 0) waits `initial_delay * 2**n`, at most
    `max_delay`, less a random part of up to `jitter` of it, so that many
    clients do not retry in step. A `Retry-After` the API sends wins, up to
    `max_retry_after` seconds; beyond that the call fails at once with the
    `RateLimitError` (or `ServerError`), whose `retry_after` says how long.

    >>> RetryPolicy(jitter=0).delay(attempt=2, retry_after=None, random=0.5)
    2.0
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0
    statuses: frozenset[int] = field(default=frozenset({429, 502, 503, 504}))
    methods: frozenset[str] = field(default=frozenset({"GET"}))

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries!r}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, not {self.jitter!r}")
        # time.sleep refuses infinity and anything past about 292 years.
        if not 0 <= self.max_retry_after <= MAX_RETRY_AFTER:
            raise ValueError(
                f"max_retry_after must be between 0 and {MAX_RETRY_AFTER} seconds, "
                f"not {self.max_retry_after!r}"
            )

    def retries(self, method: str, *, attempt: int) -> bool:
        """Whether a failed `attempt` (0 for the first try) of `method` may be retried."""
        return method in self.methods and attempt < self.max_retries

    def delay(self, *, attempt: int, retry_after: float | None, random: float) -> float | None:
        """Seconds to wait before retrying `attempt`, or None: do not retry.

        `retry_after` is the response's `Retry-After` in seconds (None if it
        gave none); `random` a number in [0, 1) for the jitter.
        """
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        backoff = min(self.initial_delay * 2.0**attempt, self.max_delay)
        return backoff * (1 - self.jitter * random)


DEFAULT_RETRY = RetryPolicy()
