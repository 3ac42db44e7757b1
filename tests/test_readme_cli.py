"""Every `cswidget` transcript in docs/cli.md (the command line, for CMS users)
is true: each one is run, command by command, and must print exactly what it shows."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CMS_USERS = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")

# Blocks made only of these commands are transcripts; the others (`pip install`,
# `cswidget --help` without its output, `python benchmarks/...` timings) are not.
TRANSCRIPT_COMMAND = re.compile(r"cswidget |cat |ls |echo \$\?$")
ELISION = "  ..."
# Set for every command: `ls` sorts as the page shows only in the C locale,
# and Python still writes UTF-8 there (PEP 540).
LOCALE = {"LC_ALL": "C"}


def fenced_blocks(text: str) -> list[tuple[str, str, int, int]]:
    """(language, body, start, end) of every fenced block in `text`."""
    return [
        (match["language"], match["body"], match.start(), match.end())
        for match in re.finditer(r"^```(?P<language>\w*)\n(?P<body>.*?)\n```$", text, re.M | re.S)
    ]


BLOCKS = fenced_blocks(CMS_USERS)


def settings_file() -> str:
    (body,) = [body for language, body, _, _ in BLOCKS if body.startswith("# cswidget.toml\n")]
    return body + "\n"


def order_json() -> str:
    found = re.search(r"`order\.json` holding\n`(\{.*?\})`", CMS_USERS, re.S)
    assert found, "docs/cli.md no longer says what order.json holds"
    return found.group(1) + "\n"


@dataclass(frozen=True)
class Step:
    command: str
    output: list[str]


@dataclass(frozen=True)
class Transcript:
    block: str
    steps: list[Step]
    with_settings: bool

    @property
    def id(self) -> str:
        return self.steps[0].command.split("\n")[0].removesuffix("\\").strip()


def parse_steps(block: str) -> list[Step]:
    steps: list[Step] = []
    lines = block.split("\n")
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
        steps.append(Step("\n".join(command), output))
    return steps


def transcripts() -> list[Transcript]:
    found = []
    previous_end = 0
    for number, (language, body, start, end) in enumerate(BLOCKS):
        next_start = BLOCKS[number + 1][2] if number + 1 < len(BLOCKS) else len(CMS_USERS)
        prose_before, prose_after = CMS_USERS[previous_end:start], CMS_USERS[end:next_start]
        previous_end = end
        if language != "console":
            continue
        steps = parse_steps(body)
        if not all(TRANSCRIPT_COMMAND.match(step.command) for step in steps):
            continue
        # The prose says which transcripts run in the directory set up above
        # ("With that file, and `order.json` holding ...", "Run with the
        # `cswidget.toml` above"); a transcript naming order.json runs there too,
        # as order.json exists nowhere else.
        with_settings = (
            "With that file" in prose_before
            or prose_after.lstrip().startswith("(Run with the `cswidget.toml` above")
            or "order.json" in body
        )
        found.append(Transcript(body, steps, with_settings))
    return found


TRANSCRIPTS = transcripts()


def test_every_cswidget_transcript_is_checked() -> None:
    assert [(transcript.id, len(transcript.steps)) for transcript in TRANSCRIPTS] == [
        ("cswidget snippet --org acme --survey AKknWccEFf7", 1),
        ("cswidget snippet --params order.json --defer --nonce r4nd0m", 4),
        ("cat cswidget.toml", 3),
        (
            "cswidget snippet --customer email=kate@example"
            " --meta \"reference=$(printf 'x%.0s' {1..101})\"",
            4,
        ),
        ("cat customers.csv", 6),
        ("cswidget schema widget-params", 1),
        ("cat pasted.html", 8),
        ("cat survey_params_too_long.html", 2),
    ]
    assert [transcript.with_settings for transcript in TRANSCRIPTS] == [
        False,
        True,
        False,
        True,
        True,
        False,
        False,
        False,
    ]


def environment() -> dict[str, str]:
    """The user's environment minus what could change what cswidget prints:
    Python's own settings (PYTHONPATH could even load another cswidget),
    the locale, terminal width, and files bash would source."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTHON", "LC_"))
        and name not in {"LANG", "LANGUAGE", "COLUMNS", "LINES", "BASH_ENV", "ENV", "CDPATH"}
    }
    bin_directory = str(Path(sys.executable).parent)
    kept["PATH"] = os.pathsep.join([bin_directory, kept.get("PATH", os.defpath)])
    return {**kept, **LOCALE}


def run(command: str, directory: Path) -> tuple[str, int]:
    """The output as a terminal shows it (stdout, then stderr) and the status."""
    completed = subprocess.run(
        ["bash", "-c", command],
        cwd=directory,
        env=environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    stdout = completed.stdout.decode("utf-8")
    stderr = completed.stderr.decode("utf-8")
    return stdout + stderr, completed.returncode


def as_shown(actual: str, expected: list[str]) -> list[str]:
    """`actual`'s lines, elided where `expected` elides: the lines around a
    `  ...` line are compared, the ones it stands for are not."""
    lines = actual.removesuffix("\n").split("\n") if actual else []
    if ELISION not in expected:
        return lines
    head = expected.index(ELISION)
    tail = len(expected) - head - 1
    if len(lines) <= head + tail:
        return lines
    return [*lines[:head], ELISION, *lines[len(lines) - tail :]]


def replay(transcript: Transcript, directory: Path) -> str:
    """The transcript as it really goes in `directory`, written like the page."""
    shown: list[str] = []
    status = 0
    for step in transcript.steps:
        shown.append(f"$ {step.command}")
        words = shlex.split(step.command)
        if step.command == "echo $?":
            shown.append(str(status))
            continue
        if words[0] == "cat" and not (directory / words[1]).exists():
            # A file the page shows the reader: the fixture for what follows.
            (directory / words[1]).write_text("\n".join(step.output) + "\n", encoding="utf-8")
            shown.extend(step.output)
            continue
        actual, status = run(step.command, directory)
        shown.extend(as_shown(actual, step.output))
    return "\n".join(shown)


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=[t.id for t in TRANSCRIPTS])
def test_transcript_is_what_the_command_prints(transcript: Transcript, tmp_path: Path) -> None:
    if transcript.with_settings:
        (tmp_path / "cswidget.toml").write_text(settings_file(), encoding="utf-8")
        (tmp_path / "order.json").write_text(order_json(), encoding="utf-8")
    assert replay(transcript, tmp_path) == transcript.block
