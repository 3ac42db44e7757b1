"""Deterministic sampling: show a survey to a stable share of people.

    widget.embed(params, sample=0.1, sample_key=user.pk)

With a `sample_key` (a user id, an account number) the decision is a hash of
the survey code and the key: the same person gets the same answer on every
device, server and process, and two surveys choose independently of each
other. Without a key each render decides afresh (per page view): about
`sample` of page views show the widget, and a visitor who reloads may see it
appear or go away.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from typing import Final, TypeAlias

from . import rules
from .errors import FieldError, ValidationError
from .vocabulary import INVALID_VALUE, MAXIMUM, MESSAGE, MINIMUM

__all__ = ["Eligible", "SampleKey", "checked_sample", "is_sampled", "sample_point", "shows"]

SampleKey: TypeAlias = "str | int"
Eligible: TypeAlias = "Callable[[], bool]"

# 64 bits of a SHA-256 digest, read as a fraction of 2**64: uniform, and the
# same wherever Python (or anything else with SHA-256) runs, unlike hash().
_SCALE: Final = 2.0**64


def checked_sample(sample: object, *, field: str = "sample") -> float | None:
    """`sample` as a rate from 0 to 1 (None: no sampling); raises ValidationError."""
    if sample is None:
        return None
    if (
        isinstance(sample, bool)
        or not isinstance(sample, int | float)
        or not math.isfinite(sample)
        or not 0 <= sample <= 1
    ):
        raise ValidationError(
            [FieldError(rules.WIDGET, field, INVALID_VALUE, {MINIMUM: 0, MAXIMUM: 1})]
        )
    return float(sample)


def _checked_key(sample_key: object) -> str:
    if isinstance(sample_key, bool) or not isinstance(sample_key, str | int) or sample_key == "":
        raise ValidationError(
            [
                FieldError(
                    rules.WIDGET,
                    "sample_key",
                    INVALID_VALUE,
                    {MESSAGE: "must be a non-empty string or an integer"},
                )
            ]
        )
    return str(sample_key)


def sample_point(*, survey: str, sample_key: SampleKey) -> float:
    """Where `sample_key` falls in [0, 1) for `survey`: stable everywhere.

    >>> sample_point(survey="AKknWccEFf7", sample_key="user-42")
    0.5775...
    """
    key = _checked_key(sample_key)
    # The survey and key joined by NUL, which neither can hold ambiguously.
    digest = hashlib.sha256(f"{survey}\0{key}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def is_sampled(*, survey: str, sample: float, sample_key: SampleKey | None) -> bool:
    """Whether this person (or, without a key, this page view) is in the sample."""
    rate = checked_sample(sample)
    assert rate is not None
    if sample_key is None:
        point = secrets.randbits(64) / _SCALE
    else:
        point = sample_point(survey=survey, sample_key=sample_key)
    return point < rate


def shows(
    *,
    survey: str,
    sample: float | None = None,
    sample_key: SampleKey | None = None,
    eligible: Callable[[], bool] | bool | None = None,
) -> bool:
    """Whether the widget shows: `eligible()` (if given) says yes and the
    sample (if any) includes this key or page view.

    `eligible` may also be a bool: Django templates call a callable before
    passing it to a tag.
    """
    rate = checked_sample(sample)
    if sample_key is not None:
        _checked_key(sample_key)
    if eligible is not None and not (eligible() if callable(eligible) else eligible):
        return False
    return rate is None or is_sampled(survey=survey, sample=rate, sample_key=sample_key)
