"""CSV as spreadsheets read it: the dialect, the formula guard, the cell limit.

`responses export --format csv` writes with `SPREADSHEET` and `guard_cell`;
`requests create --csv` and `export --append` read with `read_rows`.

Every cell is quoted (`QUOTE_ALL`), not only those holding a comma, a quote
or a line break: a reader told to split on `;` and tab as well as `,`
(LibreOffice's import dialog offers them together) then still reads
`a;b` as one cell. A reader that splits on `;` or tab alone loses track of
a comma-separated file's quotes and starts cells inside ours: `guard_cell`
guards those places too. tests/test_api_csv.py reads an export back with
LibreOffice Calc both ways.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Generator, Iterable

__all__ = [
    "CELL_LIMIT",
    "FORMULA_SIGNS",
    "SPREADSHEET",
    "CellTooLong",
    "guard_cell",
    "read_rows",
]

# The longest cell read or written, in characters. Far beyond any value the
# API takes (its longest parameters hold 100 characters) and beyond what a
# spreadsheet shows (Excel keeps 32,767 characters of a cell), so a longer
# cell is a mistake, not data; the limit bounds what a file costs to check.
CELL_LIMIT = 1_048_576

# The signs OWASP lists as formula starts (its tab, CR and LF are covered by
# the invisible characters below). A character whose compatibility form
# (NFKC) starts with one counts too: the fullwidth forms U+FF1D, U+FF0B,
# U+FF0D, U+FF20 and the small forms U+FE66, U+FE62, U+FE63, U+FE6B.
# LibreOffice 7.4 runs none of them, but any tool that folds width (as
# East Asian input methods do) turns them into the ASCII signs.
FORMULA_SIGNS = frozenset("=+-@")

# Leading characters that a spreadsheet trims or drops before it looks for
# a formula sign: controls (tab, CR, LF, and NUL, which LibreOffice drops so
# that "\0=1+1" runs as =1+1), format characters (zero-width space, BOM,
# bidi marks) and every Unicode space (NBSP, ideographic space, ...).
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Where a spreadsheet may start a cell inside one of ours: after a separator
# (comma; semicolon in many European locales; tab) or a line break.
_SEPARATOR = re.compile(r"[,;\t\r\n]")
# A separator, ASCII a spreadsheet trims, then a sign or any non-ASCII
# character (which may be a sign's other form, or invisible).
_MAYBE_INNER_FORMULA = re.compile(r"[,;\t\r\n][\x00-\x20\x7f]*[-=+@\x80-\U0010ffff]")


class SPREADSHEET(csv.Dialect):
    """RFC 4180 with every cell quoted; `strict` makes a reader refuse a
    file that ends inside a quoted cell (a cut export)."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_ALL
    strict = True


def guard_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula.

    A cell that starts with a formula sign or an invisible character is
    prefixed with `'`, as OWASP advises. So is the text after each `,`,
    `;`, tab and line break inside the cell when a formula sign follows
    (after invisible characters): a spreadsheet that splits on another
    separator than the file's, or ignores its quotes, starts a cell there.

    >>> guard_cell('=HYPERLINK("http://evil.example")')
    '\\'=HYPERLINK("http://evil.example")'
    >>> guard_cell("Thanks\\r=cmd|' /C calc'!A0")
    "Thanks\\r'=cmd|' /C calc'!A0"
    >>> guard_cell(None), guard_cell(10), guard_cell("Kate, thanks!")
    ('', '10', 'Kate, thanks!')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text and (_invisible(text[0]) or _sign(text[0])):
        text = "'" + text
    # The exact check below looks at Unicode categories one character at a
    # time; this one search rules out most cells (a third of an export's
    # cost went to the check before it, measured on 100,000 responses).
    if not _MAYBE_INNER_FORMULA.search(text):
        return text
    pieces = []
    done = 0
    for match in _SEPARATOR.finditer(text):
        if _formula_at(text, match.end()):
            pieces += [text[done : match.end()], "'"]
            done = match.end()
    return "".join(pieces) + text[done:] if pieces else text


def _formula_at(text: str, start: int) -> bool:
    # Skip what a spreadsheet trims, up to the next separator (whose own
    # turn comes): each character is looked at once per cell.
    for char in text[start : _next_separator(text, start)]:
        if not _invisible(char):
            return _sign(char)
    return False


def _next_separator(text: str, start: int) -> int:
    found = _SEPARATOR.search(text, start)
    return found.start() if found else len(text)


def _invisible(char: str) -> bool:
    if char < "\x80":
        return char <= " " or char == "\x7f"
    return unicodedata.category(char) in _INVISIBLE


def _sign(char: str) -> bool:
    if char < "\x80":
        return char in FORMULA_SIGNS
    return unicodedata.normalize("NFKC", char)[:1] in FORMULA_SIGNS


class CellTooLong(ValueError):
    """A cell longer than `CELL_LIMIT`, named by its row and column."""

    def __init__(self, *, where: str, column: str, length: int) -> None:
        super().__init__(
            f"{where}, column {column}: a cell of {length:,} characters "
            f"(a CSV cell holds at most {CELL_LIMIT:,})"
        )
        self.where = where
        self.column = column
        self.length = length


# The csv module's own limit (131,072 by default) raises without naming
# the column, so it is raised for the read and each cell is measured here.
# A line is in memory before the csv module sees it, so this costs no more
# memory than the file's longest line. The largest value a C long holds on
# every platform (the module takes a C long).
_CSV_MODULE_LIMIT = 2**31 - 1


def read_rows(lines: Iterable[str], *, strict: bool = False) -> Generator[list[str], None, None]:
    """Each record of the CSV `lines` (a file opened with `newline=""`),
    the first being the header; a cell over `CELL_LIMIT` raises
    `CellTooLong` naming its row (numbered as a spreadsheet does, header =
    1) and its column. `strict`: a file that ends inside quotes raises
    `csv.Error`, as does any other malformed quoting.

    >>> list(read_rows(['"id","note"\\r\\n', '"1","two\\r\\n', 'lines"\\r\\n']))
    [['id', 'note'], ['1', 'two\\r\\nlines']]
    """
    previous = csv.field_size_limit(_CSV_MODULE_LIMIT)
    try:
        reader = csv.reader(lines, dialect="excel", strict=strict)
        header: list[str] = []
        for number, record in enumerate(reader, start=1):
            if number == 1:
                header = record
            for index, cell in enumerate(record):
                if len(cell) > CELL_LIMIT:
                    name = header[index] if index < len(header) and number > 1 else ""
                    column = f"{index + 1} ({name})" if name else f"{index + 1}"
                    raise CellTooLong(where=f"row {number}", column=column, length=len(cell))
            yield record
    finally:
        csv.field_size_limit(previous)
