"""`assert_embed`: this page embeds the widget, for this customer, with these
segments, behind this consent gate.

    response = client.get("/account/")          # Django, Flask, Starlette, httpx
    assert_embed(response, survey="AKknWccEFf7",
                 customer={"name": "Kate Jones", "email": "kate@example.com"})

Built on `cswidget.embeds.find_embeds`, the page reader `cswidget lint`
uses: the page is parsed as a browser parses it and the params are filed as
the widget files them. A failure names each differing key with both values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ..embeds import Embed, find_embeds
from ..safetext import shown

__all__ = ["assert_embed", "page_text"]


def page_text(page: object) -> str | bytes:
    """The HTML of `page`: a str or bytes, or a response of Django's test
    client, Flask's, Starlette's (httpx) or httpx."""
    if isinstance(page, str | bytes):
        return page
    if isinstance(page, bytearray):
        return bytes(page)
    streamed = getattr(page, "streaming_content", None)
    if streamed is not None:  # Django's StreamingHttpResponse
        if not hasattr(streamed, "__iter__"):
            raise TypeError("an async streaming response: read its content first")
        return b"".join(streamed)
    text = getattr(page, "text", None)
    if isinstance(text, str):  # httpx, requests, Werkzeug (Flask), Django >= 5.2
        return text
    content = getattr(page, "content", None)
    if isinstance(content, bytes):  # Django's HttpResponse
        charset = getattr(page, "charset", None)
        return content.decode(charset) if isinstance(charset, str) else content
    get_data = getattr(page, "get_data", None)
    if callable(get_data):  # older Werkzeug
        data = get_data(as_text=True)
        if isinstance(data, str):
            return data
    body = getattr(page, "body", None)
    if isinstance(body, bytes):  # a Starlette Response
        return body
    raise TypeError(
        f"assert_embed reads a str, bytes or a test client's response, not {type(page).__name__}"
    )


def assert_embed(
    page: object,
    *,
    survey: str | None = None,
    customer: Mapping[str, Any] | None = None,
    segments: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    consent: str | Literal[False] | None = None,
    count: int = 1,
    segment_keys: Iterable[str] = (),
    lint: bool = True,
) -> list[Embed]:
    """Raise `AssertionError` unless `page` holds exactly `count` widgets and
    each one matches every argument given; the widgets, if it does.

        assert_embed(response, survey="AKknWccEFf7", segments={"site_code": "leeds"},
                     consent="cookiebot:statistics", segment_keys=["region"])

    `customer`, `segments`, `metadata`: exactly those keys and values (an
    argument left None is not checked); `segment_keys`: your account's own
    segments, as given to `Widget` (undeclared keys are metadata).
    `consent`: the `consent=` value that gates the widget script
    (`"klaro:customersure"`), or False for a widget that must not wait for
    consent. `lint`: also fail on the problems `cswidget lint` finds with
    the widget (init() never called, params it refuses, ...).
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    embeds = find_embeds(page_text(page), segment_keys=segment_keys)
    lines: list[str] = []
    if len(embeds) != count:
        found = ", ".join(f"survey {_value(embed.survey)} at line {embed.line}" for embed in embeds)
        lines.append(
            f"expected {_widgets(count)} on the page, found {len(embeds) or 'none'}"
            + (f": {found}" if found else "")
        )
    expected = {"customer": customer, "segments": segments, "metadata": metadata}
    for embed in embeds:
        differences = _differences(embed, survey=survey, expected=expected, consent=consent)
        if lint:
            differences += [
                f"lint: {problem.code} {problem.message} (line {problem.line}, col {problem.col})"
                for problem in embed.findings
            ]
        where = f"widget at line {embed.line}: " if len(embeds) > 1 else ""
        lines += [where + difference for difference in differences]
    if lines:
        raise AssertionError(
            "the page's widget embed is not what the test expects:\n"
            + "\n".join(f"  {line}" for line in lines)
        )
    return embeds


def _widgets(count: int) -> str:
    return f"{count} widget" + ("" if count == 1 else "s")


def _differences(
    embed: Embed,
    *,
    survey: str | None,
    expected: Mapping[str, Mapping[str, Any] | None],
    consent: str | Literal[False] | None,
) -> list[str]:
    differences = []
    if survey is not None and embed.survey != survey:
        differences.append(f"survey: expected {_value(survey)}, found {_value(embed.survey)}")
    if any(value is not None for value in expected.values()) and embed.params is None:
        codes = ", ".join(p.message for p in embed.findings if p.code in ("CSW003", "CSW007"))
        differences.append(f"data-survey-params: not params the widget accepts ({codes})")
    elif embed.params is not None:
        found = {
            "customer": dict(embed.params.customer),
            "segments": dict(embed.params.segments),
            "metadata": dict(embed.params.metadata),
        }
        for part, wanted in expected.items():
            if wanted is not None:
                differences += _dict_differences(part, dict(wanted), found)
    if consent is False and embed.consent is not None:
        differences.append(
            f"consent: expected none, found {_value(embed.consent)} "
            "(the widget script waits for consent)"
        )
    elif isinstance(consent, str) and embed.consent != consent:
        why = " (the widget script loads without waiting for consent)"
        differences.append(
            f"consent: expected {_value(consent)}, found {_value(embed.consent)}"
            + (why if embed.consent is None else "")
        )
    return differences


def _dict_differences(
    part: str, wanted: dict[str, Any], found: Mapping[str, dict[str, Any]]
) -> list[str]:
    have = found[part]
    differences = []
    for key in [*wanted, *(key for key in have if key not in wanted)]:
        name = f"{part}[{_value(key)}]"
        if key not in have:
            elsewhere = [other for other in found if other != part and key in found[other]]
            hint = ""
            if elsewhere:
                hint = f" (it is in {elsewhere[0]}: {_value(found[elsewhere[0]][key])}"
                if part == "segments" and elsewhere[0] == "metadata":
                    hint += f"; pass segment_keys=[{_value(key)}] if it is one of your segments"
                hint += ")"
            differences.append(f"{name}: expected {_value(wanted[key])}, missing{hint}")
        elif key not in wanted:
            differences.append(f"{name}: not expected, found {_value(have[key])}")
        elif not _same(wanted[key], have[key]):
            differences.append(f"{name}: expected {_value(wanted[key])}, found {_value(have[key])}")
    return differences


def _same(wanted: object, found: object) -> bool:
    # True == 1 in Python, but not in the JSON the widget reads.
    if isinstance(wanted, bool) or isinstance(found, bool):
        return wanted is found
    return wanted == found


def _value(value: object) -> str:
    return shown(repr(value))
