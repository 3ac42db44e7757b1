"""Print the path of a `java` that can run the W3C Nu HTML checker, installing one if need be.

Order: $CSWIDGET_JAVA; `java` on PATH; on Debian as root,
`apt-get install -y default-jre-headless`. Used by tests/test_nu_html.py
(and runnable by hand); progress goes to stderr, the path alone to stdout.
"""

from __future__ import annotations

from ensure_tool import Tool

JAVA = Tool("ensure_java", "java", "CSWIDGET_JAVA", ("default-jre-headless",))


def find_java() -> str | None:
    """A runnable `java`, installed if need be and possible; None if not."""
    return JAVA.find()


if __name__ == "__main__":
    raise SystemExit(JAVA.main())
