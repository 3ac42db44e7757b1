"""`git status --porcelain` of the checkout, for the check that `make test`
leaves the work tree as it found it (tests/conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def work_tree_status(root: Path = ROOT) -> str | None:
    """`git status --porcelain` of the checkout; None outside a git checkout (an sdist)."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    result = subprocess.run(
        [git, "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None
