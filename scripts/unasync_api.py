"""Generate cswidget.api's sync resources from the async ones, as httpcore's
scripts/unasync.py does: the async code is written once, the sync twin is
derived by fixed substitutions.

    python scripts/unasync_api.py          # rewrite src/cswidget/api/resources.py
    python scripts/unasync_api.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

API = Path(__file__).resolve().parents[1] / "src" / "cswidget" / "api"
# async source -> generated sync twin
FILES = {
    API / "async_resources.py": API / "resources.py",
    API / "async_client.py": API / "client.py",
}

# Applied in order.
SUBSTITUTIONS = (
    (r"\basync_resources\b", "resources"),
    (r"\basync_client\b", "client"),
    # Prose first, while it still says "async".
    (r"The async client's resources", "The sync client's resources"),
    (
        r"The sync twin,\nresources.py, is generated from this file by scripts/unasync_api.py.",
        "GENERATED from\nasync_resources.py by scripts/unasync_api.py: do not edit.",
    ),
    (
        r"for asyncio.\n\nWritten once here; client.py \(`Client`\) is generated from this "
        r"module by\nscripts/unasync_api.py, as httpcore does.",
        "synchronous.\n\nGENERATED from async_client.py by scripts/unasync_api.py: do not edit.",
    ),
    (r"use it as an async context manager", "use it as a context manager"),
    (r"\(await (client\.[^()]*\([^()]*\))\)", r"\1"),
    # Code.
    (r"\basync def\b", "def"),
    (r"\basync (with|for)\b", r"\1"),
    (r"\bawait ", ""),
    (r"\bimport asyncio\b", "import time"),
    (r"\basyncio\.sleep\b", "time.sleep"),
    (r"Awaitable\[None\]", "None"),
    (r"\bAwaitable, ", ""),
    (r"\baclose\b", "close"),
    (r"\baiter_raw\b", "iter_raw"),
    (r"__aenter__", "__enter__"),
    (r"__aexit__", "__exit__"),
    (r"\bAsync([A-Z])", r"\1"),
)


def unasync(text: str, target: Path) -> str:
    """The sync twin of `text`, its imports sorted and formatted by ruff."""
    for pattern, replacement in SUBSTITUTIONS:
        text = re.sub(pattern, replacement, text)
    for command in (["check", "--select", "I", "--fix", "--quiet"], ["format"]):
        text = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", str(target), "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return text


def main(argv: list[str]) -> int:
    stale = []
    for source, target in FILES.items():
        expected = unasync(source.read_text(encoding="utf-8"), target)
        if "--check" not in argv:
            target.write_text(expected, encoding="utf-8")
        elif not target.is_file() or target.read_text(encoding="utf-8") != expected:
            stale.append(target.name)
    if stale:
        print(
            f"out of date: {', '.join(stale)}: run python scripts/unasync_api.py", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
