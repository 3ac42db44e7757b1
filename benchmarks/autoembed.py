"""What finding the end of a page's body costs the auto-insert middlewares.

    python benchmarks/autoembed.py

On a realistic 100 KB page and a 5 MB one (a table of orders: links,
buttons with inline SVG icons, a form, a template, inline scripts and styles),
side by side in one run, medians of interleaved rounds:

- `rfind`: `body.lower().rfind(b"</body>")`, what the middlewares did before
  issue 18 (wrong, but the floor);
- `cswidget.bodyend.body_end`: lexbor (selectolax) reading the page up to its
  `</body>`, what they do now;
- the standard library's `html.parser` feeding the page (tokenizing only, no
  tree: less than the question needs, and wrong in places, see
  cswidget/bodyend.py);
- html5lib's tokenizer alone (its private `_tokenizer`; a tree and the probe
  cost more);
- rendering the 100 KB page with Jinja2, for scale: what an app already pays.

Targets, reported as met or NOT met (the exit status is 0 when it ran):
`body_end` within 1.5x of rendering the page with Jinja on 100 KB (the
middleware must not cost much more than making the page), and at least 10x
faster than `html.parser` on both pages.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from html.parser import HTMLParser

import jinja2
from html5lib._tokenizer import HTMLTokenizer

from cswidget.bodyend import body_end

HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Orders - Acme</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css">
<style>/* layout */ body{margin:0;font:16px/1.5 system-ui} .row td{padding:.25rem}</style>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization"}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>
</head>
<body class="orders">
<!-- navigation -->
<nav><ul>{% for section in sections %}
<li><a href="/section/{{ section }}">Section {{ section }}</a></li>{% endfor %}</ul></nav>
<main><h1>Orders</h1><form method="post" action="/search">
<input type="hidden" name="csrfmiddlewaretoken" value="abc123">
<label>Search <input name="q" value=""></label><textarea name="note">A note &lt;here&gt;</textarea>
<button>Go</button></form>
<template id="row-template"><tr><td></td></tr></template>
<table><thead><tr><th>Order</th><th>Customer</th><th>Status</th><th></th></tr></thead><tbody>
"""
ROW = """{% for order in orders %}<tr class="row">
<td><a href="/orders/{{ order }}">INV-{{ order }}</a></td><td>{{ customer }}</td>
<td><span class="badge">paid</span></td><td><button type="button" data-id="{{ order }}">
<svg viewBox="0 0 16 16" width="16" height="16"><path d="M1 1h14v14H1z"/></svg></button></td></tr>
{% endfor %}"""
TAIL = """</tbody></table></main>
<footer><p>&copy; Acme Ltd</p></footer>
<script src="/static/app.js"></script>
<script>document.querySelectorAll('button[data-id]').forEach(function (b) { /* open */ });</script>
</body>
</html>
"""
TEMPLATE = jinja2.Environment(autoescape=True).from_string(HEAD + ROW + TAIL)


def render(rows: int) -> bytes:
    return TEMPLATE.render(
        sections=range(30), orders=range(rows), customer="Kate Jones & Co"
    ).encode()


def rows_for(size: int) -> int:
    per_row = len(render(101)) - len(render(1))
    return max(1, (size - len(render(0))) * 100 // per_row)


def stdlib_tokenize(page: bytes) -> None:
    parser = HTMLParser()
    parser.feed(page.decode())
    parser.close()


def html5lib_tokenize(page: bytes) -> None:
    for _ in HTMLTokenizer(page.decode()):
        pass


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def measure(
    page: bytes, contenders: dict[str, Callable[[], object]], rounds: int
) -> dict[str, float]:
    """Medians, the contenders interleaved round by round."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, call in contenders.items():
            times[name] += timed(call, 1)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    small_rows, large_rows = rows_for(100_000), rows_for(5_000_000)
    small, large = render(small_rows), render(large_rows)
    for page in (small, large):
        if body_end(page) != page.rindex(b"</body>"):
            raise SystemExit("body_end found another end of the body")
    print(
        f"Finding the end of the body (medians; pages of {len(small):,} and {len(large):,} bytes)"
    )
    results = {
        "100 KB": measure(
            small,
            {
                "rfind (before issue 18)": lambda: small.lower().rfind(b"</body>"),
                "cswidget.bodyend.body_end (lexbor)": lambda: body_end(small),
                "html.parser, tokenizing only": lambda: stdlib_tokenize(small),
                "html5lib tokenizer only": lambda: html5lib_tokenize(small),
                "rendering the page with Jinja2": lambda: render(small_rows),
            },
            rounds=9,
        ),
        "5 MB": {
            **measure(
                large,
                {
                    "rfind (before issue 18)": lambda: large.lower().rfind(b"</body>"),
                    "cswidget.bodyend.body_end (lexbor)": lambda: body_end(large),
                    "rendering the page with Jinja2": lambda: render(large_rows),
                },
                rounds=3,
            ),
            # Seconds each: one round.
            **measure(
                large,
                {
                    "html.parser, tokenizing only": lambda: stdlib_tokenize(large),
                    "html5lib tokenizer only": lambda: html5lib_tokenize(large),
                },
                rounds=1,
            ),
        },
    }
    for size, timings in results.items():
        mine = timings["cswidget.bodyend.body_end (lexbor)"]
        print(f"{size:6} {'':38} {'time':>10} {'vs body_end':>12}")
        for name, seconds in timings.items():
            print(f"{'':6} {name:38} {seconds * 1e3:8.2f}ms {seconds / mine:11.2f}x")
    small_times, large_times = results["100 KB"], results["5 MB"]
    mine = small_times["cswidget.bodyend.body_end (lexbor)"]
    jinja = small_times["rendering the page with Jinja2"]
    met = mine <= 1.5 * jinja
    print(
        f"target: body_end <= 1.5x a Jinja render of the 100 KB page: {mine / jinja:.2f}x "
        f"({'met' if met else 'NOT met'})"
    )
    for size, timings in (("100 KB", small_times), ("5 MB", large_times)):
        ratio = (
            timings["html.parser, tokenizing only"] / timings["cswidget.bodyend.body_end (lexbor)"]
        )
        met = ratio >= 10
        print(
            f"target: body_end >= 10x faster than html.parser on {size}: {ratio:.1f}x "
            f"({'met' if met else 'NOT met'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
