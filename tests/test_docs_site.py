"""The documentation site builds strictly: a broken link, a missing page or a
reference to a name that is not there fails `make test`, as it fails `make docs`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_documentation_site_builds_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    for page in ["index", "python", "jinja", "django", "cli", "demo", "csp", "reference"]:
        assert (
            tmp_path / page / "index.html" if page != "index" else tmp_path / "index.html"
        ).is_file()
    # The reference is generated from the docstrings.
    reference = (tmp_path / "reference" / "index.html").read_text(encoding="utf-8")
    assert 'id="cswidget.widget.Widget"' in reference
    assert 'id="cswidget.params.SurveyParams.from_flat"' in reference
