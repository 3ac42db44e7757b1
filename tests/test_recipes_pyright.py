"""Every recipe in docs/recipes/ passes pyright in strict mode (pyright from npm).

`make test` installs pyright with `npm ci` (package.json). A missing pyright
is a failure, never a skip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"


def test_recipes_pass_pyright_strict(tmp_path: Path) -> None:
    assert PYRIGHT.exists(), "pyright is missing: run `npm ci` (make test does)"
    config = tmp_path / "pyrightconfig.json"
    config.write_text(
        json.dumps(
            {
                "include": [str(ROOT / "docs" / "recipes")],
                "typeCheckingMode": "strict",
                "stubPath": str(ROOT / "tests" / "typings"),
                "pythonVersion": "3.11",
            }
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "--project", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout
