"""How the command line reports bad input: one line (or the API's error body)
on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import json
import sys

from ..codepoints import escape_json_text
from ..errors import FieldError, ValidationError

__all__ = [
    "FIELD_FLAGS",
    "InvalidParams",
    "UsageError",
    "print_validation_error",
    "reason",
    "shown",
    "terminal_text",
]

# How much of a key or value a message repeats.
MAX_SHOWN = 100

# FieldError.field -> the flag that sets it, so errors name what to fix.
FIELD_FLAGS = {
    "org": "--org",
    "survey": "--survey",
    "script_src": "--script-src",
    "nonce": "--nonce",
    "customer": "--customer",
    "segments": "--segment",
    "metadata": "--meta",
    "segment_keys": "--segment-key",
    "defer": "--defer",
    "consent": "--consent",
}


class UsageError(Exception):
    """Bad flags, files or settings: one line on stderr, exit status 2."""


class InvalidParams(Exception):
    """Params the library refused: the API's error body on stderr, exit 2."""

    def __init__(self, error: ValidationError, origins: dict[str, str]) -> None:
        super().__init__(str(error))
        self.error = error
        self.origins = origins


def shown(text: str, *, limit: int = MAX_SHOWN) -> str:
    """`text` quoted for a one-line message: at most `limit` characters, and
    every control or invisible character written as an escape, so a key read
    from a file cannot move the cursor or recolour the terminal.

    >>> shown("\x1b[31mred")
    "'\\x1b[31mred'"
    """
    return repr(text if len(text) <= limit else text[:limit] + "…")


def terminal_text(text: str) -> str:
    """`text` with every control or invisible character written as an escape
    (as `repr` writes it), for a line on stderr.

    >>> terminal_text("row 2: metadata.\u202ekey: forbidden_value")
    'row 2: metadata.\\u202ekey: forbidden_value'
    """
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else repr(character)[1:-1] for character in text
    )


def reason(error: BaseException) -> str:
    """The human part of an I/O error: its strerror when it has one."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def print_validation_error(invalid: InvalidParams, *, json_format: bool) -> None:
    if json_format:
        text = json.dumps(invalid.error.to_dict(), ensure_ascii=False)
        # JSON leaves DEL, C1 controls (a terminal reads U+009B as CSI) and
        # lone surrogates raw: escaped, it is the same JSON.
        print(escape_json_text(text), file=sys.stderr)
        return
    print(f"cswidget: error: {invalid.error.message}", file=sys.stderr)
    for field_error in invalid.error.errors:
        # The sentence for a person; --error-format json keeps the machine fields.
        line = f"  {field_error.message}{_origin(field_error, invalid.origins)}"
        print(terminal_text(line), file=sys.stderr)


def _origin(field_error: FieldError, origins: dict[str, str]) -> str:
    head = field_error.field.split(".")[0].split("[")[0]
    origin = origins.get(field_error.field) or origins.get(head) or FIELD_FLAGS.get(head)
    return f" [{origin}]" if origin else ""
