"""Echoing untrusted text in logs and error messages, safely and briefly.

    shown("line\\nforged: yes")   # 'line\\\\nforged: yes'

A key holding a newline must not forge a log line, and a 1 MiB key must not
make a 1 MiB error text: every key or value an error message or log line
repeats goes through `shown()`.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ECHO_LIMIT", "shown"]

# About a line: enough to recognise a key, too little to flood a log.
ECHO_LIMIT: Final = 100

# C0 and C1 controls, DEL, and the invisible or line-breaking format
# characters a terminal or log viewer would act on or hide.
_UNSAFE = re.compile(
    "[\\x00-\\x1f\\x7f-\\x9f\\u00ad\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff]"
)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, *, limit: int = ECHO_LIMIT) -> str:
    """`text` with control and invisible characters written as escapes,
    cut to about `limit` characters with a note of how many were left out.

    >>> shown("a" * 120, limit=10)
    'aaaaaaaaaa...(+110 characters)'
    """
    text = str.__str__(text)
    rest = len(text) - limit
    head = text[:limit] if rest > 0 else text
    # Lone surrogates cannot be written to a UTF-8 log.
    head = head.encode("utf-8", "backslashreplace").decode("utf-8")
    head = _UNSAFE.sub(_escaped, head)
    return f"{head}...(+{rest} characters)" if rest > 0 else head
