"""Hostile CSV cells: values a response can hold, and the exact cell the export writes.

Shared by tests/test_api_csv.py (Python's csv reader and LibreOffice read the
file back) and tests/test_api_export_resume.py (resumes cut inside them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from cswidget.sandbox import seed
from cswidget.sandbox.storage import Store

NOW: Final = datetime(2023, 8, 19, 16, 30, tzinfo=UTC)
SURVEY_ID: Final = 2166
QUESTION_ID: Final = 22002  # "Any comments?", a text question
QUESTION_COLUMN: Final = "Q22002 Any comments?"

# (value, the cell written). OWASP's list of formula starts (=, +, -, @, tab,
# CR, LF), ASVS's NUL, every kind of leading space or invisible character,
# the fullwidth and small forms; formulas after a line break or a separator
# inside a cell (a reader that splits on `;` or tab, or loses track of the
# quotes, starts a cell there); quotes; and text that must stay as it is.
GUARDED: Final[tuple[tuple[object, str], ...]] = (
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+44 1234 567890", "'+44 1234 567890"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t'=1+1"),
    ("\r=1+1", "'\r'=1+1"),
    ("\n=1+1", "'\n'=1+1"),
    ("\r\n=1+1", "'\r\n'=1+1"),
    ("\x00=1+1", "'\x00=1+1"),
    (" =1+1", "' =1+1"),
    ("   @SUM(1,2)", "'   @SUM(1,2)"),
    ("\u00a0=1+1", "'\u00a0=1+1"),  # no-break space
    ("\u2003=1+1", "'\u2003=1+1"),  # em space
    ("\u3000=1+1", "'\u3000=1+1"),  # ideographic space
    ("\u200b=1+1", "'\u200b=1+1"),  # zero-width space
    ("\ufeff=1+1", "'\ufeff=1+1"),  # byte order mark
    ("\u2028=1+1", "'\u2028=1+1"),  # line separator
    ("\x0b=1+1", "'\x0b=1+1"),  # vertical tab
    ("\uff1d1+1", "'\uff1d1+1"),  # fullwidth =
    ("\uff0b1+1", "'\uff0b1+1"),  # fullwidth +
    ("\uff0d1+1", "'\uff0d1+1"),  # fullwidth -
    ("\uff20SUM(1,2)", "'\uff20SUM(1,2)"),  # fullwidth @
    ("\ufe661+1", "'\ufe661+1"),  # small =
    ("Thanks\r=cmd|' /C calc'!A0", "Thanks\r'=cmd|' /C calc'!A0"),
    ("Thanks\n=1+1", "Thanks\n'=1+1"),
    ("Thanks\r\n\r\n-fast\r\n+cheap", "Thanks\r\n\r\n'-fast\r\n'+cheap"),
    ("Pros:\n  - fast", "Pros:\n'  - fast"),
    ("Line one\nline two", "Line one\nline two"),
    ("a,=1+1", "a,'=1+1"),
    ("a;=1+1", "a;'=1+1"),
    ("a\t=1+1", "a\t'=1+1"),
    ("a; \u00a0@SUM(1,2)", "a;' \u00a0@SUM(1,2)"),
    ("a;\t-1", "a;\t'-1"),
    ("3,-2", "3,'-2"),
    ("Quick and friendly, thank you.", "Quick and friendly, thank you."),
    ("Items:\n  indented; and so on", "Items:\n  indented; and so on"),
    ('say "=1+1"', 'say "=1+1"'),
    ('"=1+1"', '"=1+1"'),
    ("'=1+1", "'=1+1"),
    ("Kate", "Kate"),
    ("a=b", "a=b"),
    ("Zoë, Ünsal & 李", "Zoë, Ünsal & 李"),
    ("", ""),
)


def account_with(
    answers: Sequence[tuple[object, datetime]], *, as_name: bool = True
) -> tuple[Store, list[int]]:
    """The demo account plus one response per (answer, submitted at): the
    answer to QUESTION_ID and, `as_name`, the customer's name too; returns
    the store and the new responses' ids."""
    store = Store.open(":memory:")
    seed.load("demo", store=store, now=NOW)
    ids = []
    for index, (answer, submitted) in enumerate(answers):
        fields = {"email": f"hostile{index}@example.com", **({"name": answer} if as_name else {})}
        ids.append(
            store.add_response(
                survey_id=SURVEY_ID,
                fields=fields,
                answers=[
                    {
                        "question_id": QUESTION_ID,
                        "question": "Any comments?",
                        "answer": answer,
                        "type": "Text",
                    }
                ],
                submitted_at=submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
        )
    return store, ids


def hostile_store(
    *, extra: tuple[str, ...] = (), demo_only: bool = False
) -> tuple[Store, dict[int, str]]:
    """The demo account plus one response per GUARDED value and per `extra`
    answer (`demo_only`: the demo account alone); returns the store and each
    new response's id with the cell it must be exported as."""
    values = [] if demo_only else [*GUARDED, *((answer, answer) for answer in extra)]
    store, ids = account_with(
        [(value, NOW - timedelta(minutes=index + 1)) for index, (value, _) in enumerate(values)]
    )
    return store, {response_id: cell for response_id, (_, cell) in zip(ids, values, strict=True)}
