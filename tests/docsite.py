"""The documentation site built as `make docs` builds it, for the tests of it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class BuiltSite:
    path: Path
    stderr: str
    returncode: int


def build_site(site: Path) -> BuiltSite:
    """`mkdocs build --strict` into `site` (a tmp folder, never site/: a test
    run must leave the work tree as it found it)."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    return BuiltSite(site, result.stderr, result.returncode)
