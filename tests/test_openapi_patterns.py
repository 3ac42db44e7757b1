"""Every pattern the OpenAPI document states reads the same in ECMA-262 (what
JSON Schema tools run: Node's RegExp with the `u` flag, as ajv and so Prism
use it) as in Python's `re`, with which the server checks the very same
text: over a table of hostile strings, the two agree on every one.

A pattern that read differently would make a tool send what the server
refuses, or the reverse: `\\s` did (ECMA-262's leaves out U+001C-U+001F
and U+0085 and takes U+FEFF; Schemathesis sent an email address the server
refused).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

from cswidget import openapi

HOSTILE = [
    "", " ", "\t", "\n", "\u3000", "\xa0", "\ufeff", "\x1c", "\x85", "\u2028", "\x00",
    "a", "a\n", "\na", "a\x00b", "a b", "a\ufeffb", "a\x85", "\U0001f600",
    "1", "0", "01", "1484", "1484\n", "999999999999999", "1000000000000000", "\uff11",
    "kate@example.com", "kate@example.com\n", "a\x1cb@c.d", "a\x85b@c.d", "a\xa0b@c.d",
    "a\ufeffb@c.d", "a b@c.d", "a@b", "a@@b.c", "a@b.c\x00",
    "2023-08-20", "2023-02-29", "2024-02-29", "1900-02-29", "2000-02-29", "0999-01-01",
    "9999-01-01", "2023-08-20T18:00", "2023-08-20T18:00:00+0100", "2023-08-20T18:00:00+01:00",
    "2023-08-20T18:00:00.123456789Z", "2023-08-20T24:00Z", "2023-08-20T18:00+24:00",
    "2023-08-20Z", "2023-08-20T18:00:00Z\n", "2023-08-20 18:00z", "2015-01-01T00:00Z",
]  # fmt: skip
NODE = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = input.patterns.map(p => input.strings.map(s => new RegExp(p, "u").test(s)));
process.stdout.write(JSON.stringify(out));
"""


def patterns(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            else:
                found |= patterns(value)
    elif isinstance(node, list):
        for item in node:
            found |= patterns(item)
    return found


def test_every_pattern_reads_the_same_in_ecma_262_and_python() -> None:
    stated = sorted(patterns(openapi.document(base_url="http://127.0.0.1:8010")))
    assert len(stated) >= 6  # text, required text, email, ids, timestamps, headers
    node = shutil.which("node")
    assert node, "Node.js runs the tests' npm tools: install it"
    finished = subprocess.run(
        [node, "-e", NODE], input=json.dumps({"patterns": stated, "strings": HOSTILE}),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    ecma = json.loads(finished.stdout)
    python = [[re.search(pattern, text) is not None for text in HOSTILE] for pattern in stated]
    differ = [
        (pattern, text, ecma_reads)
        for pattern, ecma_row, python_row in zip(stated, ecma, python, strict=True)
        for text, ecma_reads, python_reads in zip(HOSTILE, ecma_row, python_row, strict=True)
        if ecma_reads != python_reads
    ]
    assert differ == []
