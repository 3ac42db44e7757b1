"""Every recipe in docs/recipes/ type-checks with mypy --strict, and pyright strict.

The recipes are what users copy; a recipe that fails a strict type checker
fails in their CI. flask-talisman ships no types: tests/typings holds the
stub the Flask recipe needs (docs/integrations.md says so).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "docs" / "recipes"
TYPINGS = ROOT / "tests" / "typings"


@pytest.mark.usefixtures("one_mypy_at_a_time")
def test_recipes_pass_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11", str(RECIPES)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(TYPINGS)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in ")
