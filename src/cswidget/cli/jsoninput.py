"""JSON the command line reads (`--params`, JSON Lines rows), within the
limits of `cswidget.jsontext`, which the page reader (lint) uses too.

    value = load_json('{"reference": "INV-2090"}')

Nesting deeper than `MAX_JSON_DEPTH` is refused, and so are duplicate keys
by default, where `JSON.parse` would silently keep the last one.
"""

from __future__ import annotations

from typing import Any

from .. import jsontext
from ..jsontext import MAX_JSON_DEPTH, PairsHook
from .errors import shown

__all__ = ["MAX_JSON_DEPTH", "load_json", "refuse_duplicates"]


def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An `object_pairs_hook` that refuses a key given twice."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {shown(key)} given twice")
        result[key] = value
    return result


def load_json(text: str, *, object_pairs_hook: PairsHook = refuse_duplicates) -> Any:
    """`json.loads(text)` within the limits (`cswidget.jsontext`), refusing a
    key given twice unless `object_pairs_hook` says otherwise; raises
    `ValueError` (or its subclass `json.JSONDecodeError`) with a message
    that reads on one line.
    """
    return jsontext.load_json(text, object_pairs_hook=object_pairs_hook)
