"""Response rate, NPS and CSAT from stored counts.

    >>> nps({10: 6, 9: 3, 7: 2, 3: 1})
    NPS(net_promoter_score=67, promoter_count=9, passive_count=2, detractor_count=1, \
total_number_of_ratings=12)

Percentages are rounded half up to whole numbers, as the seed shows them;
with nothing to count a score is null, not 0 (no ratings is not a bad score).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..contract import CSAT, NPS, ResponseRate

__all__ = ["csat", "nps", "response_rate"]


def _percent(part: int, whole: int) -> int | None:
    # Integer arithmetic: round half up without float surprises (and for
    # negative NPS, half away from zero).
    if whole == 0:
        return None
    sign = -1 if part < 0 else 1
    return sign * ((abs(part) * 200 + whole) // (2 * whole))


def response_rate(*, sent: int, delivered: int, replied: int) -> ResponseRate:
    """Replies over delivered requests, as the seed's example figures imply
    (50 delivered, 25 replies: 50%)."""
    return ResponseRate(
        response_rate_percent=_percent(replied, delivered),
        sent_count=sent,
        delivered_count=delivered,
        reply_count=replied,
    )


def nps(counts: Mapping[int, int]) -> NPS:
    """% promoters (9-10) minus % detractors (0-6) over 0-10 ratings."""
    promoters = sum(n for score, n in counts.items() if score >= 9)
    passives = sum(n for score, n in counts.items() if 7 <= score <= 8)
    detractors = sum(n for score, n in counts.items() if score <= 6)
    total = promoters + passives + detractors
    return NPS(
        net_promoter_score=_percent(promoters - detractors, total),
        promoter_count=promoters,
        passive_count=passives,
        detractor_count=detractors,
        total_number_of_ratings=total,
    )


def csat(counts: Mapping[int, int]) -> CSAT:
    """% of 4 and 5 over 1-5 ratings; 1 is very negative, 5 very positive."""
    by_score = {score: counts.get(score, 0) for score in range(1, 6)}
    total = sum(by_score.values())
    return CSAT(
        csat=_percent(by_score[4] + by_score[5], total),
        very_negative_count=by_score[1],
        negative_count=by_score[2],
        neutral_count=by_score[3],
        positive_count=by_score[4],
        very_positive_count=by_score[5],
        total_number_of_ratings=total,
    )
