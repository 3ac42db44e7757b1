"""The widget embeds in a page, read the way browsers parse it: what each
widget sends (`find_embeds`) and what is wrong with it (`lint_html`).

    for embed in find_embeds(page):
        print(embed.survey, embed.params.customer, embed.consent)
    for problem in lint_html(Path("page.html").read_bytes(), path="page.html"):
        print(problem)  # page.html:4:8: CSW001 data-survey-params is page text, ...

Pages are parsed with html5lib (the HTML standard's parsing algorithm, with
scripting on, as in a browser that runs the widget; extra `lint`). Params
are checked by the library itself (`Widget`, `SurveyParams.from_flat`),
never by rules of its own. Script order is read from the page: a call inside
a function (an event listener, a DOMContentLoaded handler) runs later; any
other call runs when its `<script>` is parsed. Each problem has a stable
code, see `CODES`. `cswidget lint` (`cswidget.cli.lint`) and
`cswidget.testing.assert_embed` are both built on this module.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from .extras import MissingExtraError, installed

if not installed("lint"):
    raise MissingExtraError("lint", feature="cswidget.embeds (cswidget lint, assert_embed)")

import html5lib
from html5lib import _tokenizer, html5parser
from html5lib.constants import tokenTypes

from .codepoints import html_forbidden
from .consent import CONSENT_EVENT_ATTRIBUTE
from .errors import FieldError, ValidationError
from .jsontext import load_json
from .params import SurveyParams
from .vocabulary import (
    CONTAINER_ATTRIBUTE,
    SURVEY_PARAMS_ATTRIBUTE,
    WIDGET_GLOBAL,
    WIDGET_PARAMS_ATTRIBUTE,
)
from .widget import Widget

__all__ = [
    "CODES",
    "MAX_ELEMENT_DEPTH",
    "MAX_PAGE_BYTES",
    "Embed",
    "PageRefused",
    "Problem",
    "find_embeds",
    "lint_html",
]

CODES: dict[str, str] = {
    "CSW001": "widget attribute pushed out of its tag (it is page text)",
    "CSW002": "data-widget-params is not a JSON object",
    "CSW003": "data-survey-params is not a JSON object",
    "CSW004": "key given twice in a params attribute (the last one wins)",
    "CSW005": "org or survey missing",
    "CSW006": "data-widget-params fails validation",
    "CSW007": "data-survey-params fails validation",
    "CSW008": "more than one widget container",
    "CSW009": "params attribute on an element that is not the widget container",
    "CSW010": "init() is never called",
    "CSW011": "init() runs before the widget container",
    "CSW012": "init() runs before the widget script",
    "CSW013": "toggleWidget() runs before the widget container",
    "CSW014": "toggleWidget() runs before the widget script",
    "CSW015": "widget script loaded with async",
    "CSW016": "data-survey-params set by script after init()",
    "CSW017": "no widget script",
    "CSW018": "widget script loaded more than once",
    "CSW019": "code point HTML forbids in a widget attribute",
}

# Pages lint reads at most: beyond either limit, lint_html raises PageRefused.
# html5lib's tree building costs time in proportion to depth for every tag,
# and Chromium's parser itself stops nesting elements at 512.
MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_ELEMENT_DEPTH = 512

# A src that names the widget script, when no --script-src is given.
WIDGET_SRC = re.compile(r"customersure|survey[-_]?widget", re.IGNORECASE)

# Stand-ins for values Widget() requires but lint does not check: errors for
# them are dropped, so only the page's own values are reported.
_STAND_IN = {"org": "lint", "survey": "lint", "script_src": "/"}

Position = tuple[int, int]  # line (1-based), column (0-based)


class PageRefused(ValueError):
    """A page beyond what lint reads: larger than `MAX_PAGE_BYTES`, or
    elements nested deeper than `MAX_ELEMENT_DEPTH`."""


@dataclass(frozen=True)
class Problem:
    """One broken thing on a page, at `line`:`col` (both 1-based)."""

    path: str
    line: int
    col: int
    code: str
    message: str
    error: FieldError | None = None

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
        }
        if self.error is not None:
            record["error"] = self.error.to_dict()
        return record

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass(frozen=True)
class Embed:
    """One widget on a page: what it sends and what is wrong with it.

    `org`, `survey`: from `data-widget-params` (None if missing or not
    JSON); `params`: `data-survey-params` filed as the widget files it
    (`SurveyParams.from_flat`; empty without the attribute, None when it
    is not a valid params object: `findings` says why); `script_src`,
    `nonce`: the widget script's; `consent`: the `consent=` value that
    gates that script (`"cookiebot:statistics"`), None when it loads
    without waiting for consent; `init_wired`: `init()` is called after the
    container and the script; `findings`: the linter's problems for this
    widget and for the page it is on; `line`, `col`: where its container
    starts (1-based).
    """

    org: str | None
    survey: str | None
    script_src: str | None
    params: SurveyParams | None
    consent: str | None
    nonce: str | None
    init_wired: bool
    findings: tuple[Problem, ...]
    line: int
    col: int


def lint_html(
    source: bytes | str,
    *,
    path: str = "-",
    segment_keys: Iterable[str] = (),
    script_src: str | None = None,
) -> list[Problem]:
    """Every problem with the widget embed in one page, in page order.

        for problem in lint_html(Path("page.html").read_bytes(), path="page.html"):
            print(problem)  # page.html:4:8: CSW001 data-survey-params is page text, ...

    `source` as bytes has its encoding sniffed as a browser would.
    A page with no trace of the widget has no problems. Raises
    `ValidationError` for invalid `segment_keys`, as `Widget` does, and
    `PageRefused` for a page beyond `MAX_PAGE_BYTES` or `MAX_ELEMENT_DEPTH`.
    """
    reading = _read(source, path=path, segment_keys=segment_keys, script_src=script_src)
    return reading.report.sorted()


def find_embeds(
    source: bytes | str,
    *,
    segment_keys: Iterable[str] = (),
    script_src: str | None = None,
) -> list[Embed]:
    """Each widget container on a page, in page order, as an `Embed`.

        [embed] = find_embeds(response.text, segment_keys=["region"])
        embed.survey, embed.params.customer["email"], embed.consent

    `segment_keys` are the account's own segments, as given to `Widget`
    (a key not declared is metadata); `script_src` names the widget script
    when its URL says neither customersure nor survey_widget. Raises as
    `lint_html` does.
    """
    reading = _read(source, path="-", segment_keys=segment_keys, script_src=script_src)
    scripts = reading.widget_scripts
    gates = [_consent_of(script) for script in scripts]
    # A page that also loads the script ungated does not wait for consent.
    consent = gates[0] if gates and None not in gates else None
    page_findings = reading.report.owned_by(None)
    init_wired = any(use.kind == "init" for use in reading.uses) and not any(
        problem.code in _INIT_CODES for problem in page_findings
    )
    embeds = []
    for index, container in enumerate(reading.containers):
        widget_params = reading.widget_params[index] or {}
        findings = sorted(
            (*reading.report.owned_by(index), *page_findings),
            key=lambda problem: (problem.line, problem.col),
        )
        embeds.append(
            Embed(
                org=_text_or_none(widget_params.get("org")),
                survey=_text_or_none(widget_params.get("survey")),
                script_src=_script_src(scripts[0]) if scripts else None,
                params=reading.survey_params[index],
                consent=consent,
                nonce=scripts[0].attributes.get("nonce") if scripts else None,
                init_wired=init_wired,
                findings=tuple(findings),
                line=container.start[0],
                col=container.start[1] + 1,
            )
        )
    return embeds


# The problems that mean init() never runs, or runs too early to work.
_INIT_CODES = frozenset(("CSW010", "CSW011", "CSW012"))


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class _Reading:
    report: _Report
    containers: list[_Element]
    widget_params: list[dict[str, Any] | None]
    survey_params: list[SurveyParams | None]
    widget_scripts: list[_Element]
    uses: list[_Use]


def _read(
    source: bytes | str, *, path: str, segment_keys: Iterable[str], script_src: str | None
) -> _Reading:
    segment_keys = _declared(segment_keys)
    size = len(source) if isinstance(source, bytes) else len(source.encode("utf-8", "replace"))
    if size > MAX_PAGE_BYTES:
        raise PageRefused(f"{size:,} bytes; lint reads pages of at most {MAX_PAGE_BYTES:,} bytes")
    page = _parse(source)
    report = _Report(path)
    for position, name in page.stray_attributes:
        report.add(
            position,
            "CSW001",
            f"{name} is page text, not an attribute: a '>' before it closed the tag",
        )
    elements = list(page.elements())
    containers = [element for element in elements if CONTAINER_ATTRIBUTE in element.attributes]
    widget_params: list[dict[str, Any] | None] = []
    survey_params: list[SurveyParams | None] = []
    for index, container in enumerate(containers):
        report.owner = index
        if index:
            first = containers[0].start
            report.add(
                container.start,
                "CSW008",
                f"more than one widget container (the first is at {_where(first)}); "
                "the widget uses one",
            )
        _check_code_points(container, report)
        widget_params.append(_check_widget_params(container, report))
        survey_params.append(_check_survey_params(container, report, segment_keys))
    report.owner = None
    for element in elements:
        if CONTAINER_ATTRIBUTE in element.attributes:
            continue
        for name in (WIDGET_PARAMS_ATTRIBUTE, SURVEY_PARAMS_ATTRIBUTE):
            if name in element.attributes:
                report.add(
                    element.attribute_position(name),
                    "CSW009",
                    f"{name} on a <{element.name}> without {CONTAINER_ATTRIBUTE}: "
                    "the widget never reads it",
                )
    scripts = [element for element in elements if element.name == "script"]
    widget_scripts = [
        script
        for script in scripts
        if (src := _script_src(script)) is not None
        and (src == script_src if script_src is not None else WIDGET_SRC.search(src) is not None)
    ]
    uses = [use for element in elements for use in _script_uses(element)]
    if containers or widget_scripts or uses:
        _check_order(report, containers, widget_scripts, uses)
    return _Reading(report, containers, widget_params, survey_params, widget_scripts, uses)


def _consent_of(script: _Element) -> str | None:
    """The `consent=` value whose markup (`cswidget.consent`) gates `script`:
    an inert `type="text/plain"` tag that a consent manager activates."""
    attributes = script.attributes
    if attributes.get("type", "").strip().lower() != "text/plain":
        return None
    if "data-cookieconsent" in attributes:
        return f"cookiebot:{attributes['data-cookieconsent']}"
    if "data-name" in attributes and "data-src" in attributes:
        return f"klaro:{attributes['data-name']}"
    if CONSENT_EVENT_ATTRIBUTE in attributes:
        return f"event:{attributes[CONSENT_EVENT_ATTRIBUTE]}"
    for name in attributes.get("class", "").split():
        if name.startswith("optanon-category-"):
            return f"onetrust:{name.removeprefix('optanon-category-')}"
    return None


def _script_src(script: _Element) -> str | None:
    # A consent-gated widget script for Klaro names its URL in data-src
    # (cswidget.consent); Klaro turns it into src on consent.
    return script.attributes.get("src", script.attributes.get("data-src"))


def _declared(segment_keys: Iterable[str]) -> tuple[str, ...]:
    # The library's own check of declared segment keys: ValidationError.
    return Widget(
        org=_STAND_IN["org"],
        survey=_STAND_IN["survey"],
        script_src=_STAND_IN["script_src"],
        segment_keys=segment_keys,
    ).segment_keys


def _check_order(
    report: _Report,
    containers: list[_Element],
    widget_scripts: list[_Element],
    uses: list[_Use],
) -> None:
    inits = [use for use in uses if use.kind == "init"]
    anchor = (containers or widget_scripts or uses)[0]
    anchor_position = anchor.start if isinstance(anchor, _Element) else anchor.position
    if not inits:
        report.add(
            anchor_position,
            "CSW010",
            f"{WIDGET_GLOBAL}.init() is never called: the widget never starts",
        )
    if not widget_scripts:
        report.add(
            anchor_position,
            "CSW017",
            "no widget script: no <script src> names customersure or survey_widget "
            "(pass --script-src to name it)",
        )
    script = widget_scripts[0] if widget_scripts else None
    for extra in widget_scripts[1:]:
        report.add(
            extra.start,
            "CSW018",
            f"widget script loaded more than once (first at {_where(widget_scripts[0].start)})",
        )
    for widget_script in widget_scripts:
        if "async" in widget_script.attributes:
            report.add(
                widget_script.attribute_position("async"),
                "CSW015",
                "widget script loaded with async: it may run before the container exists "
                "or after init() is called; remove async",
            )
    for use in uses:
        if use.kind not in ("init", "toggle") or use.deferred:
            continue
        name, codes = (
            ("init()", ("CSW011", "CSW012"))
            if use.kind == "init"
            else ("toggleWidget()", ("CSW013", "CSW014"))
        )
        if not containers:
            report.add(use.position, codes[0], f"{name} runs but there is no widget container")
        elif use.position < containers[0].start:
            report.add(
                use.position,
                codes[0],
                f"{name} runs before the widget container at {_where(containers[0].start)}",
            )
        if script is None:
            continue
        if use.position < script.start:
            report.add(
                use.position,
                codes[1],
                f"{name} runs before the widget script at {_where(script.start)} is loaded",
            )
        elif script.runs_after_parsing and "async" not in script.attributes:
            report.add(
                use.position,
                codes[1],
                f"{name} runs before the deferred widget script at {_where(script.start)}; "
                "call it from a DOMContentLoaded listener",
            )
    if inits:
        first_init = min(inits, key=lambda use: (use.deferred, use.position))
        for use in uses:
            if use.kind == "set" and (use.deferred, use.position) > (
                first_init.deferred,
                first_init.position,
            ):
                report.add(
                    use.position,
                    "CSW016",
                    f"{SURVEY_PARAMS_ATTRIBUTE} is set after init() at "
                    f"{_where(first_init.position)}: the widget reads it once, at init",
                )


def _check_code_points(container: _Element, report: _Report) -> None:
    for name in (WIDGET_PARAMS_ATTRIBUTE, SURVEY_PARAMS_ATTRIBUTE):
        found = html_forbidden(container.attributes.get(name, ""))
        if found:
            report.add(
                container.attribute_position(name),
                "CSW019",
                f"{name} holds {', '.join(found[:5])}{', …' if len(found) > 5 else ''}: "
                "HTML forbids these code points in a document; write them as JSON "
                "escapes (\\u007f), as cswidget does",
            )


def _check_widget_params(container: _Element, report: _Report) -> dict[str, Any] | None:
    raw = container.attributes.get(WIDGET_PARAMS_ATTRIBUTE)
    if raw is None:
        report.add(
            container.start,
            "CSW005",
            f"the widget container has no {WIDGET_PARAMS_ATTRIBUTE}: org and survey are required",
        )
        return None
    position = container.attribute_position(WIDGET_PARAMS_ATTRIBUTE)
    value = _parsed_object(WIDGET_PARAMS_ATTRIBUTE, raw, "CSW002", position, container, report)
    if value is None:
        return None
    missing = [key for key in ("org", "survey") if key not in value]
    for key in missing:
        report.add(position, "CSW005", f'{WIDGET_PARAMS_ATTRIBUTE} has no "{key}": required')
    extra = {key: item for key, item in value.items() if key not in ("org", "survey")}
    try:
        Widget(
            org=value.get("org", _STAND_IN["org"]),
            survey=value.get("survey", _STAND_IN["survey"]),
            script_src=_STAND_IN["script_src"],
            extra_params=extra,
        )
    except ValidationError as error:
        for field_error in error.errors:
            if field_error.field not in missing and field_error.field != "script_src":
                report.add(
                    position,
                    "CSW006",
                    f"{WIDGET_PARAMS_ATTRIBUTE}: {field_error}",
                    error=field_error,
                )
    return value


def _check_survey_params(
    container: _Element, report: _Report, segment_keys: Sequence[str]
) -> SurveyParams | None:
    """The container's params as the widget files them; None if invalid."""
    raw = container.attributes.get(SURVEY_PARAMS_ATTRIBUTE)
    if raw is None:
        return SurveyParams()
    position = container.attribute_position(SURVEY_PARAMS_ATTRIBUTE)
    value = _parsed_object(SURVEY_PARAMS_ATTRIBUTE, raw, "CSW003", position, container, report)
    if value is None:
        return None
    try:
        return SurveyParams.from_flat(value, segment_keys=segment_keys)
    except ValidationError as error:
        for field_error in error.errors:
            report.add(
                position,
                "CSW007",
                f"{SURVEY_PARAMS_ATTRIBUTE}: {field_error}",
                error=field_error,
            )
        return None


def _parsed_object(
    name: str, raw: str, code: str, position: Position, element: _Element, report: _Report
) -> dict[str, Any] | None:
    duplicates: list[str] = []

    def keep_last(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in pairs:
            if key in result:
                duplicates.append(key)
            result[key] = item
        return result

    try:
        value = load_json(raw, object_pairs_hook=keep_last)
    except ValueError as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        at = f" at character {error.pos + 1}" if isinstance(error, json.JSONDecodeError) else ""
        hint = ""
        if any('"' in attribute for attribute in element.attributes):
            hint = "; a double quote inside a double-quoted attribute ended it early"
        report.add(position, code, f"{name} is not valid JSON: {detail}{at}{hint}")
        return None
    for key in duplicates:
        report.add(position, "CSW004", f"{name} gives {key!r} twice: JavaScript keeps the last")
    if not isinstance(value, dict):
        report.add(position, code, f"{name} must be a JSON object, not {_json_type(value)}")
        return None
    return value


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _where(position: Position) -> str:
    return f"{position[0]}:{position[1] + 1}"


class _Report:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # The container (its index) problems added now belong to; None: the page.
        self.owner: int | None = None
        self._owners: list[int | None] = []

    def add(
        self, position: Position, code: str, message: str, *, error: FieldError | None = None
    ) -> None:
        line, column = position
        self.problems.append(Problem(self.path, line, column + 1, code, message, error))
        self._owners.append(self.owner)

    def owned_by(self, owner: int | None) -> list[Problem]:
        return [p for p, o in zip(self.problems, self._owners, strict=True) if o == owner]

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda problem: (problem.line, problem.col))


# -- scripts -----------------------------------------------------------------

_CALL = re.compile(
    rf"\b{WIDGET_GLOBAL}\s*\.\s*(init|toggleWidget)\b(\s*\()?"
    rf"|\b{WIDGET_GLOBAL}\s*\[\s*(['\"`])(init|toggleWidget)\3\s*\]"
)
_SETTER = re.compile(
    rf"\.\s*setAttribute\s*\(\s*(['\"`]){SURVEY_PARAMS_ATTRIBUTE}\1"
    rf"|\.\s*attr\s*\(\s*(['\"`]){SURVEY_PARAMS_ATTRIBUTE}\2\s*,"
    r"|\.\s*dataset\s*(?:\.\s*surveyParams|\[\s*(['\"`])surveyParams\3\s*\])\s*=(?!=)"
)
_NOT_FUNCTION_HEADS = frozenset(("if", "for", "while", "switch", "catch", "with", "return"))
# Types the browser runs as script; anything else (text/template, JSON) is data.
_SCRIPT_TYPES = frozenset(
    ("", "module", "text/javascript", "application/javascript", "text/ecmascript")
)


@dataclass(frozen=True)
class _Use:
    kind: str  # "init", "toggle" or "set"
    position: Position
    deferred: bool  # inside a function: runs later, not while the page parses


def _script_uses(element: _Element) -> Iterator[_Use]:
    if element.name == "script" and "src" not in element.attributes:
        script_type = element.attributes.get("type", "").strip().lower()
        if script_type in _SCRIPT_TYPES:
            yield from _uses_in(element.text, element.content_start, handler=False)
    for name, value in element.attributes.items():
        if name.startswith("on"):
            # An event handler attribute runs when the event fires.
            yield from _uses_in(value, element.attribute_position(name), handler=True)


def _uses_in(code: str, start: Position, *, handler: bool) -> Iterator[_Use]:
    without_comments = _mask(code, strings=False)
    masked = _mask(without_comments, strings=True)
    spans = _function_spans(masked)

    def deferred(offset: int) -> bool:
        return (
            handler
            or any(begin < offset < end for begin, end in spans)
            or masked[:offset].rstrip().endswith("=>")
        )

    for match in _CALL.finditer(masked):
        is_call = match.group(2) is not None
        kind = "init" if (match.group(1) or match.group(4)) == "init" else "toggle"
        offset = match.start()
        yield _Use(kind, _offset_position(code, start, offset), not is_call or deferred(offset))
    for match in _SETTER.finditer(without_comments):
        offset = match.start()
        yield _Use("set", _offset_position(code, start, offset), deferred(offset))


def _offset_position(text: str, start: Position, offset: int) -> Position:
    newlines = text.count("\n", 0, offset)
    if not newlines:
        return (start[0], start[1] + offset)
    return (start[0] + newlines, offset - text.rindex("\n", 0, offset) - 1)


def _mask(code: str, *, strings: bool) -> str:
    """`code` with comments (and with `strings`, string contents) blanked out,
    keeping every offset and newline."""
    characters = list(code)
    index = 0
    length = len(code)

    def blank(begin: int, end: int) -> None:
        for position in range(begin, end):
            if characters[position] != "\n":
                characters[position] = " "

    while index < length:
        character = code[index]
        if code.startswith("//", index):
            end = code.find("\n", index)
            end = length if end < 0 else end
            if not strings:
                blank(index, end)
            index = end
        elif code.startswith("/*", index):
            end = code.find("*/", index + 2)
            end = length if end < 0 else end + 2
            if not strings:
                blank(index, end)
            index = end
        elif character in "'\"`":
            end = index + 1
            while end < length and code[end] != character:
                end += 2 if code[end] == "\\" else 1
            if strings:
                blank(index + 1, min(end, length))
            index = end + 1
        else:
            index += 1
    return "".join(characters)


def _function_spans(masked: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the braces of function bodies that do not run
    at once: not immediately invoked."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[int, bool]] = []
    for offset, character in enumerate(masked):
        if character == "{":
            stack.append((offset, _opens_function(masked, offset)))
        elif character == "}" and stack:
            begin, is_function = stack.pop()
            invoked = re.match(r"\s*\)?\s*(?:\(|\.\s*(?:call|apply)\s*\()", masked[offset + 1 :])
            if is_function and not invoked:
                spans.append((begin, offset))
    spans += [(begin, len(masked)) for begin, is_function in stack if is_function]
    return spans


def _opens_function(masked: str, offset: int) -> bool:
    before = masked[:offset].rstrip()
    if before.endswith("=>"):
        return True
    if not before.endswith(")"):
        return False
    depth = 0
    for index in range(len(before) - 1, -1, -1):
        if before[index] == ")":
            depth += 1
        elif before[index] == "(":
            depth -= 1
            if depth == 0:
                head = re.search(r"([\w$]+)\s*$", before[:index])
                # function (...) {, function name(...) {, or a method name(...) {
                return head is not None and head.group(1) not in _NOT_FUNCTION_HEADS
    return False


# -- parsing -------------------------------------------------------------------

# The tree builder copies token attributes onto elements; this key carries
# each start tag's index in `_Page.tags`. Real attribute names never contain
# NUL (the tokenizer replaces it), so a page cannot forge it.
_MARK = "\x00cswidget-tag"
_STRAY = re.compile(rf"({WIDGET_PARAMS_ATTRIBUTE}|{SURVEY_PARAMS_ATTRIBUTE})\s*=")
# Text in these elements is shown as code, not a broken tag.
_CODE_ELEMENTS = frozenset(("code", "pre", "kbd", "samp"))


@dataclass
class _Tag:
    start: Position
    attributes: dict[str, Position]
    content_start: Position = (0, 0)


@dataclass
class _Element:
    name: str
    attributes: dict[str, str]
    tag: _Tag
    text: str = ""

    @property
    def start(self) -> Position:
        return self.tag.start

    @property
    def content_start(self) -> Position:
        return self.tag.content_start

    def attribute_position(self, name: str) -> Position:
        return self.tag.attributes.get(name, self.tag.start)

    @property
    def runs_after_parsing(self) -> bool:
        return "defer" in self.attributes or self.attributes.get("type", "").lower() == "module"


@dataclass
class _Page:
    root: ElementTree.Element
    tags: list[_Tag]
    stray_attributes: list[tuple[Position, str]] = field(default_factory=list)

    def elements(self) -> Iterator[_Element]:
        for node in self.root.iter():
            mark = node.attrib.get(_MARK)
            if mark is None or not isinstance(node.tag, str) or node.tag.startswith("{"):
                continue  # implied elements, and SVG/MathML
            attributes = {
                name: value
                for name, value in node.attrib.items()
                if name != _MARK and isinstance(name, str)
            }
            yield _Element(node.tag, attributes, self.tags[int(mark)], node.text or "")


class _Tokenizer(_tokenizer.HTMLTokenizer):
    """html5lib's tokenizer, noting where tags and attributes start.

    Overrides html5lib's (stable since 2020) tokenizer states by name; each
    override only records the stream position and defers to the original.
    """

    def __init__(self, stream: Any, parser: Any = None, **kwargs: Any) -> None:
        super().__init__(stream, parser=parser, **kwargs)
        self.tags: list[_Tag] = []
        self.stray_attributes: list[tuple[Position, str]] = []
        self._tag_start: Position = (1, 0)
        self._attribute_positions: list[Position] = []

    def dataState(self) -> bool:
        start = self.stream.position()
        queued = len(self.tokenQueue)
        result: bool = super().dataState()
        token: Any
        for token in itertools.islice(self.tokenQueue, queued, None):
            if token["type"] == tokenTypes["Characters"] and not self._in_code():
                text: str = token["data"]
                for match in _STRAY.finditer(text):
                    name = match.group(1)
                    position = _offset_position(text, start, match.start())
                    self.stray_attributes.append((position, name))
        return result

    def _in_code(self) -> bool:
        open_elements = self.parser.tree.openElements
        return any(element.name in _CODE_ELEMENTS for element in open_elements)

    def tagOpenState(self) -> bool:
        line, column = self.stream.position()
        self._tag_start = (line, column - 1)  # the "<" just read
        self._attribute_positions = []
        result: bool = super().tagOpenState()
        return result

    def beforeAttributeNameState(self) -> bool:
        return self._noting_attribute(super().beforeAttributeNameState)

    def afterAttributeNameState(self) -> bool:
        return self._noting_attribute(super().afterAttributeNameState)

    def _noting_attribute(self, state: Any) -> bool:
        position = self.stream.position()  # the character the state reads next
        token: Any = self.currentToken
        count = len(token["data"]) if token is not None else 0
        result: bool = state()
        if token is self.currentToken and token is not None and len(token["data"]) > count:
            self._attribute_positions.append(position)
        return result

    def emitCurrentToken(self) -> None:
        token: Any = self.currentToken
        if token is None or token["type"] != tokenTypes["StartTag"]:
            super().emitCurrentToken()
            return
        if len(self.parser.tree.openElements) >= MAX_ELEMENT_DEPTH:
            line, column = self._tag_start
            raise PageRefused(
                f"{line}:{column + 1}: elements nested deeper than {MAX_ELEMENT_DEPTH}; "
                f"lint reads pages nested at most {MAX_ELEMENT_DEPTH} deep"
            )
        positions: dict[str, Position] = {}
        for (name, _value), position in zip(token["data"], self._attribute_positions, strict=False):
            positions.setdefault(name, position)
        tag = _Tag(self._tag_start, positions)
        super().emitCurrentToken()
        tag.content_start = self.stream.position()
        token["data"][_MARK] = str(len(self.tags))
        self.tags.append(tag)


class _Parser(html5parser.HTMLParser):
    def _parse(
        self,
        stream: Any,
        innerHTML: bool = False,
        container: str = "div",
        scripting: bool = False,
        **kwargs: Any,
    ) -> None:
        # html5lib's _parse, with the position-noting tokenizer.
        self.innerHTMLMode = innerHTML
        self.container = container
        self.scripting = scripting
        self.tokenizer = _Tokenizer(stream, parser=self, **kwargs)
        self.reset()
        try:
            self.mainLoop()
        except html5parser._ReparseException:  # type: ignore[attr-defined]
            # A late <meta charset> restarts the parse: forget the first try.
            self.tokenizer.tags.clear()
            self.tokenizer.stray_attributes.clear()
            self.reset()
            self.mainLoop()


def _parse(source: bytes | str) -> _Page:
    parser = _Parser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parse(source, scripting=True)
    tokenizer = parser.tokenizer
    assert isinstance(tokenizer, _Tokenizer)
    return _Page(root, tokenizer.tags, tokenizer.stray_attributes)
