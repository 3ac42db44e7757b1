"""A griffe extension for the reference pages: docstring examples in doctest
form (`>>> ...` and their output) are shown as Python console code blocks,
instead of being read as Markdown (where `>>>` is a triple blockquote and
`['org', 'survey']` a link reference)."""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """`text` with each run of doctest lines (a `>>>` line, its `...`
    continuations and output, up to a blank line) inside a ```pycon fence."""
    out: list[str] = []
    in_example = False
    for line in text.split("\n"):
        stripped = line.strip()
        if not in_example and stripped.startswith(">>>"):
            out.append("```pycon")
            in_example = True
        elif in_example and not stripped:
            out.append("```")
            in_example = False
        out.append(line.strip() if in_example else line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
