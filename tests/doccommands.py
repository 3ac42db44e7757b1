"""The shell commands a documentation page tells its reader to run, as data.

`page_steps(path)` reads every fenced shell block of a Markdown page
(`sh`, `bash`, `shell`, `console`) into `Step`s, in page order: in `sh`
blocks every logical line is a command (a trailing `\\` continues it); in
`console` blocks a command starts with `$ ` and the lines up to the next
`$ ` are the output the page shows. `kind()` sorts each command:

- `cswidget`: `cswidget ...` or `python -m cswidget ...`: run by
  tests/test_doc_commands.py;
- `serves`: a `cswidget` command that serves until stopped (`cswidget
  sandbox`): started, awaited until it answers, then stopped;
- `export`, `cat` (a file the page shows, written for what follows),
  `echo $?` (the previous status): the reader's own steps, replayed;
- any other first word is named in `OTHER` with the test that runs it, or
  the page test fails: a command added to a page is never left unrun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SHELL_LANGUAGES = ("sh", "bash", "shell", "console")
# Commands the pages show that other tests run, and which.
OTHER = {
    "pip": "tests/test_install_docs.py runs every pip install line",
    "curl": "tests/test_sandbox_docs.py replays the curl transcript",
    "python": "benchmarks: timings, not run by tests (docs/performance.md)",
    "openapi-python-client": "tests/test_openapi_generators.py runs the generate blocks as written",
    "openapi-generator-cli": "tests/test_openapi_generators.py runs the generate blocks as written",
    "cd": "tests/test_openapi_generators.py (the generate blocks' own folder)",
}


@dataclass(frozen=True)
class Step:
    command: str
    # The output the page shows (console blocks), None where it shows none.
    output: tuple[str, ...] | None
    block: int

    @property
    def words(self) -> list[str]:
        return self.command.split()

    @property
    def kind(self) -> str:
        words = self.words
        if words[:1] == ["cswidget"] or words[:3] == ["python", "-m", "cswidget"]:
            return "serves" if words[1:2] == ["sandbox"] else "cswidget"
        if words[:1] == ["export"]:
            return "export"
        if self.command == "echo $?":
            return "echo"
        if words[:1] == ["cat"] and len(words) == 2:
            return "cat"
        # `NAME=value cswidget ...`: a variable for one command.
        first = next((word for word in words if not re.match(r"[A-Z_]+=", word)), "")
        if first != words[0] and first == "cswidget":
            return "cswidget"
        return words[0]


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block in `text`."""
    return [
        (match["language"], match["body"])
        for match in re.finditer(r"^```(?P<language>\w*)\n(?P<body>.*?)\n?```$", text, re.M | re.S)
    ]


def _logical_lines(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1].endswith("\\"):
            joined[-1] += "\n" + line
        else:
            joined.append(line)
    return joined


def block_steps(language: str, body: str, block: int) -> list[Step]:
    lines = body.split("\n")
    if language != "console":
        commands = [line for line in _logical_lines(lines) if line.strip()]
        return [Step(command, None, block) for command in commands if not command.startswith("#")]
    steps: list[Step] = []
    index = 0
    while index < len(lines):
        assert lines[index].startswith("$ "), f"output before any command: {lines[index]!r}"
        command = [lines[index].removeprefix("$ ")]
        index += 1
        while command[-1].endswith("\\"):
            command.append(lines[index])
            index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        steps.append(Step("\n".join(command), tuple(output), block))
    return steps


def page_steps(path: Path) -> list[Step]:
    """Every shell command of the page at `path`, in order."""
    steps: list[Step] = []
    for number, (language, body) in enumerate(fenced_blocks(path.read_text(encoding="utf-8"))):
        if language in SHELL_LANGUAGES:
            steps += block_steps(language, body, number)
    return steps
