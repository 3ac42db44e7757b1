"""A snippet's params, decoded for people: what each container sends, row by row.

The exact snippet is a wall of `&#34;`; next to it the demo shows the same
data read back out of it, the way the widget reads it (`JSON.parse` of the
two attributes), with the category the documented rules give each key:

    decode(widget.embed({"email": "kate@example.com"}))
    # [Param("Widget", "org", '"acme"'), ..., Param("Customer field", "email", ...)]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser

from cswidget.vocabulary import BUILTIN_SEGMENT_KEYS, CUSTOMER_FIELDS, SPECIAL_METADATA_KEYS

# The custom segments the demo's widgets declare (pages.customer_widget).
DEMO_SEGMENT_KEYS = ("account_type",)


@dataclass(frozen=True)
class Param:
    category: str
    key: str
    # The value as JSON, exactly what the widget receives.
    value: str


class _Containers(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "data-customersure-survey-widget" in attributes:
            self.found.append(attributes)


def category(key: str, segment_keys: tuple[str, ...] = DEMO_SEGMENT_KEYS) -> str:
    """The documented category of a survey params key."""
    if key in CUSTOMER_FIELDS:
        return "Customer field"
    if key in BUILTIN_SEGMENT_KEYS or key in segment_keys:
        return "Segment"
    if key in SPECIAL_METADATA_KEYS:
        return "Unique metadata (link field)"
    return "Unique metadata"


def decode(snippet: str, segment_keys: tuple[str, ...] | None = None) -> list[Param]:
    """Every widget and survey param in `snippet`, in the order given."""
    if segment_keys is None:
        segment_keys = DEMO_SEGMENT_KEYS
    parser = _Containers()
    parser.feed(str(snippet))
    parser.close()
    params: list[Param] = []
    for attributes in parser.found:
        widget = json.loads(attributes.get("data-widget-params") or "{}")
        survey = json.loads(attributes.get("data-survey-params") or "{}")
        params += [Param("Widget", key, _json(value)) for key, value in widget.items()]
        params += [
            Param(category(key, segment_keys), key, _json(value)) for key, value in survey.items()
        ]
    return params


def _json(value: object) -> str:
    # Readable non-ASCII, but \u escapes for what HTML may not carry (C1
    # controls, DEL, noncharacters): JSON escapes the C0 controls itself.
    return "".join(
        json.dumps(char)[1:-1] if _forbidden_in_html(ord(char)) else char
        for char in json.dumps(value, ensure_ascii=False)
    )


def _forbidden_in_html(code: int) -> bool:
    return 0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE
