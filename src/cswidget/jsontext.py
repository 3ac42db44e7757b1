"""JSON read from a page or a file, within the limits that keep hostile text
from costing more than it is worth.

    value = load_json('{"reference": "INV-2090"}')

Nesting deeper than `MAX_JSON_DEPTH` is refused: no valid params object
nests at all (values are scalars), and Python's parser, which recurses once
per level, would otherwise fail with RecursionError on a deep enough text.
NaN and Infinity are refused, as `JSON.parse` refuses them. The command
line (`cswidget.cli.jsoninput`) and the page reader (`cswidget.embeds`)
both read JSON through here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Final, NoReturn

__all__ = ["MAX_JSON_DEPTH", "PairsHook", "load_json"]

# Deeper than any params object needs (1), shallow enough for any parser.
MAX_JSON_DEPTH: Final = 32

PairsHook = Callable[[list[tuple[str, Any]]], Any]


def load_json(text: str, *, object_pairs_hook: PairsHook | None = None) -> Any:
    """`json.loads(text)` within the limits; raises `ValueError` (or its
    subclass `json.JSONDecodeError`) with a message that reads on one line.

    >>> load_json('{"a": [1, 2]}')
    {'a': [1, 2]}
    """
    too_deep = f"nested deeper than {MAX_JSON_DEPTH} levels, the most cswidget reads"
    try:
        value = json.loads(
            text, object_pairs_hook=object_pairs_hook, parse_constant=_refuse_constant
        )
    except RecursionError:
        # The parser recurses once per level: this is far beyond the limit.
        raise ValueError(too_deep) from None
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise ValueError(too_deep)
    return value


def _deeper_than(value: object, limit: int) -> bool:
    # Iterative: the value may nest as deep as the parser allowed.
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[object]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _refuse_constant(constant: str) -> NoReturn:
    # JSON.parse in the browser refuses these; Python's json accepts them.
    raise ValueError(f"{constant} is not valid JSON")
