"""`make test` writes nothing into the work tree.

The whole run is checked by tests/conftest.py (git status before and after
the session; any difference fails the run). These tests check that the check
sees a write, and that no test makes screenshots: only `make screenshots` does.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from worktree import ROOT, work_tree_status


def test_the_work_tree_check_sees_a_changed_and_a_new_file(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "shot.png").write_bytes(b"old")
    git("add", "shot.png")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x")
    assert work_tree_status(tmp_path) == ""
    (tmp_path / "shot.png").write_bytes(b"new")
    (tmp_path / "left-behind.txt").write_text("x")
    assert work_tree_status(tmp_path) == " M shot.png\n?? left-behind.txt\n"


def test_no_test_makes_screenshots() -> None:
    tests = Path(__file__).resolve().parent
    writers = [
        path.relative_to(ROOT).as_posix()
        for path in tests.rglob("test_*.py")
        if re.search(r"\.screenshot\(", path.read_text(encoding="utf-8"))
    ]
    assert writers == []
