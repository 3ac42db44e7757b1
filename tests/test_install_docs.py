"""The install instructions are true: cswidget is not on a package index.

No document tells anyone to `pip install cswidget` (with or without extras)
by its bare name, which would find nothing, or worse, someone else's package;
every `pip install` line the README and docs/ show runs, from the folder the
page says (a clone's folder not named cswidget). The examples in
docs/security.md run as doctests.
"""

from __future__ import annotations

import doctest
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doccommands import page_steps

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


# --- every install line runs from where the page says ---------------------

INSTALL_PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
INLINE_PIP = re.compile(r"`(pip3? install [^`]+)`")


def page_commands(path: Path) -> list[str]:
    """The page's shell commands, then its `pip install ...` spans in prose."""
    text = path.read_text(encoding="utf-8")
    commands = [step.command for step in page_steps(path)]
    return commands + [" ".join(span.split()) for span in INLINE_PIP.findall(text)]


def copy_of_the_clone(destination: Path) -> None:
    """The work tree's tracked files, as a fresh clone holds them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def is_pip(words: list[str]) -> bool:
    return (len(words) > 1 and words[0].endswith(("pip", "pip3")) and words[1] == "install") or (
        words[1:4] == ["-m", "pip", "install"]
    )


def dry_run(words: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # Resolved, not installed: --dry-run; from what this test run has, with
    # no index and no build environment to download.
    arguments = words[words.index("install") + 1 :]
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index",
         "--no-build-isolation", "--quiet", "--report", "-", *arguments],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def extras_of(arguments: list[str]) -> list[str] | None:
    """The extras a line asks of cswidget, or None when it does not install cswidget."""
    for argument in arguments:
        target = argument.split("[")[0]
        if target in (".", "") or target.endswith((".whl", "/cswidget")) or target == "..":
            found = re.search(r"\[([^\]]*)\]", argument)
            return sorted(found.group(1).split(",")) if found else []
    return None


@pytest.mark.parametrize("page", INSTALL_PAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_install_line_works_from_where_the_page_says(page: Path, tmp_path: Path) -> None:
    commands = page_commands(page)
    if not any(is_pip(shlex.split(command, comments=True) or ["-"]) for command in commands):
        return
    # The reader stands in the clone's folder, named anything but "cswidget"
    # (so a line that only works from the parent folder fails), unless the page
    # starts with `git clone ... NAME`: then in the folder above it.
    cwd = tmp_path / "a-clone"
    cwd.mkdir()
    copy_of_the_clone(cwd)
    ran = []
    for command in commands:
        words = shlex.split(command, comments=True)
        if words[:2] == ["git", "clone"]:
            cwd.rename(tmp_path / words[-1])
            cwd = tmp_path
        elif words[:1] == ["cd"]:
            cwd = cwd / words[1]
        elif words[:4] == ["python", "-m", "pip", "wheel"]:
            subprocess.run([sys.executable, *words[1:], "--no-build-isolation", "--quiet"],
                           cwd=cwd, check=True, timeout=300)  # fmt: skip
        elif words and is_pip(words):
            result = dry_run(words, cwd)
            assert result.returncode == 0, f"{command} (in {cwd.name}): {result.stderr}"
            assert "does not provide the extra" not in result.stderr, result.stderr
            wanted = extras_of(words[words.index("install") + 1 :])
            if wanted is not None:
                installed = [
                    (item["metadata"]["name"], sorted(item.get("requested_extras") or []))
                    for item in json.loads(result.stdout)["install"]
                    if item["metadata"]["name"] == "cswidget"
                ]
                assert installed == [("cswidget", wanted)], command
            ran.append(command)
    assert ran, f"{page.name}: no install line ran"
