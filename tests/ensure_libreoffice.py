"""Print the path of a LibreOffice `soffice` that converts CSV headless, installing one if need be.

Order: $CSWIDGET_SOFFICE; `soffice` on PATH; on Debian as root,
`apt-get install -y --no-install-recommends libreoffice-calc-nogui` (Calc
without a desktop: about 60 packages). Used by tests/test_api_csv.py (and
runnable by hand); progress goes to stderr, the path alone to stdout.
"""

from __future__ import annotations

from ensure_tool import Tool

SOFFICE = Tool(
    "ensure_libreoffice",
    "soffice",
    "CSWIDGET_SOFFICE",
    ("--no-install-recommends", "libreoffice-calc-nogui"),
)


def find_soffice() -> str | None:
    """A runnable `soffice`, installed if need be and possible; None if not."""
    return SOFFICE.find()


if __name__ == "__main__":
    raise SystemExit(SOFFICE.main())
