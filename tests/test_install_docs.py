"""The install instructions are true: cswidget is not on a package index.

No document tells anyone to `pip install cswidget` (with or without extras)
by its bare name, which would find nothing, or worse, someone else's package.
The examples in docs/security.md run as doctests.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(
    [
        ROOT / "README.md",
        ROOT / "CHANGELOG.md",
        ROOT / "SECURITY.md",
        *(ROOT / "docs").rglob("*.md"),
        *(ROOT / "src").rglob("*.py"),
    ]
)
# `pip install cswidget`, `pip install -U 'cswidget[django]'`, ... but not a
# path (./cswidget), a file URL or a wheel.
BARE = re.compile(r"pip3? install\s+(?:-\S+\s+)*[\"']?cswidget(?:\[[^\]]*\])?(?![\w./@\[-]|\s*@)")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_bare_pip_install_cswidget(path: Path) -> None:
    assert BARE.findall(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("pip install cswidget", True),
        ("pip install 'cswidget[django]'", True),
        ('pip install -U "cswidget[lint]"', True),
        ("pip install ./cswidget", False),
        ("pip install './cswidget[django]'", False),
        ("pip install 'cswidget[django] @ file:///path'", False),
        ("pip install dist/cswidget-0.1.0-py3-none-any.whl", False),
    ],
)
def test_the_pattern_finds_bare_names_only(text: str, bare: bool) -> None:
    assert bool(BARE.search(text)) is bare


def test_the_readme_says_where_to_install_from() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "not published to a package index yet" in readme
    assert "docs/install.md" in readme


def test_security_doc_examples_run() -> None:
    result = doctest.testfile(str(ROOT / "docs" / "security.md"), module_relative=False)
    assert (result.failed, result.attempted > 0) == (0, True)
