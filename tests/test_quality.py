"""The code stays as the style guide asks: ruff clean, formatted, mypy strict.

The tools are pinned in pyproject.toml's dev extra so a new release cannot
turn this red on its own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        ["mypy", "demo_site"],
    ],
    ids=" ".join,
)
@pytest.mark.usefixtures("one_mypy_at_a_time")
def test_tool_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
