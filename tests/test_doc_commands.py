"""Every `cswidget` command in docs/api.md, docs/cli.md and docs/sandbox.md
runs as written, in page order, with the environment the page tells the
reader to set (its `export` lines), and prints what the page shows.

Each page is read as a reader follows it (tests/doccommands.py): one working
directory, the exports applied to every later command, `cat FILE` showing a
file the reader makes, `echo $?` the status before it. The sandbox the pages
point at (`cswidget sandbox --seed demo` on http://127.0.0.1:8010) is started
for real; the one change made to what the pages say is its port, 0 (any free
port) instead of 8010, because tests share machines: the page's address is
replaced by the real one in what runs, and back in what is compared.
Commands that serve until stopped are recognised (`Step.kind == "serves"`),
started, awaited until they answer, compared, and stopped with Ctrl-C.
cli.md's transcripts are run by tests/test_readme_cli.py, which knows the
files each needs; this test runs the rest of that page.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from doccommands import OTHER, Step, fenced_blocks, page_steps
from test_readme_cli import TRANSCRIPTS, as_shown, environment

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = ["api.md", "cli.md", "sandbox.md"]
DOC_URL = "http://127.0.0.1:8010"
# How the reader starts the sandbox the pages point at (docs/api.md says so in
# its prose, docs/sandbox.md in a transcript).
SANDBOX_COMMAND = "cswidget sandbox --seed demo"
REPLAYED = {"cswidget", "serves", "export", "cat", "echo"}
STARTUP_TIMEOUT = 60.0
# Any https request a regression might make goes to a closed local port, not
# to the real API: the pages' commands reach nothing but the sandbox.
NO_INTERNET = {"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


def transcript_blocks() -> set[str]:
    return {transcript.block for transcript in TRANSCRIPTS}


def steps(page: str) -> list[Step]:
    """The page's steps this test runs (cli.md's transcripts run elsewhere)."""
    text = (DOCS / page).read_text(encoding="utf-8")
    elsewhere = {
        number for number, (_, body) in enumerate(fenced_blocks(text))
        if page == "cli.md" and body in transcript_blocks()
    }  # fmt: skip
    return [step for step in page_steps(DOCS / page) if step.block not in elsewhere]


@dataclass
class Served:
    """A command that serves until stopped: its URL, then everything it printed."""

    process: subprocess.Popen[str]
    url: str = ""
    lines: list[str] = field(default_factory=list)


def served_argv(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    assert "--port" not in words, f"the test gives the port: {command}"
    return [*words, "--port", "0"]


@contextmanager
def serve(command: str, cwd: Path) -> Iterator[Served]:
    """Run a serving command, wait until it answers, stop it with Ctrl-C."""
    process = subprocess.Popen(
        served_argv(command), cwd=cwd, env={**environment(), **NO_INTERNET},
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    served = Served(process)
    assert process.stderr is not None
    reader = threading.Thread(target=lambda: served.lines.extend(process.stderr or ()))
    reader.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert process.poll() is None, f"{command} exited: {served.lines}"
            assert time.monotonic() < deadline, f"{command} did not answer: {served.lines}"
            if served.lines and not served.url:
                served.url = served.lines[0].split()[2]  # "cswidget sandbox: URL (...)"
            if served.url:
                try:
                    if httpx.get(served.url + "/openapi.json").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
            time.sleep(0.05)  # polling interval, not a wait for readiness
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=STARTUP_TIMEOUT)
        reader.join(timeout=STARTUP_TIMEOUT)
        process.stderr.close()


def run(command: str, exports: list[str], cwd: Path) -> tuple[str, int]:
    """What a terminal shows (stdout and stderr as they interleave) and the status."""
    completed = subprocess.run(
        ["bash", "-c", "\n".join([*exports, command])],
        cwd=cwd,
        env={**environment(), **NO_INTERNET, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=120,
        check=False,
    )
    return completed.stdout.decode("utf-8"), completed.returncode


def expected_status(page_steps: list[Step], index: int) -> int:
    following = page_steps[index + 1] if index + 1 < len(page_steps) else None
    if following is not None and following.kind == "echo":
        assert following.output, "echo $? shows the status"
        return int(following.output[0])
    return 0


def replay(page: str, cwd: Path, sandbox_url: str) -> list[str]:
    """Run the page's steps in order; each failure is one line of the result."""
    failures: list[str] = []
    exports: list[str] = []
    status = 0
    page_steps = steps(page)
    for index, step in enumerate(page_steps):
        command = step.command.replace(DOC_URL, sandbox_url)
        if step.kind in OTHER:
            continue  # run by the test OTHER names
        if step.kind == "export":
            exports.append(command)
            continue
        if step.kind == "echo":
            continue  # checked with the command before it
        if step.kind == "cat" and not (cwd / step.words[1]).exists():
            # A file the page shows the reader: made for the steps that follow.
            (cwd / step.words[1]).write_text("\n".join(step.output or ()) + "\n", encoding="utf-8")
            continue
        if step.kind == "serves":
            with serve(command, cwd) as served:
                pass
            shown = [line.rstrip("\n").replace(served.url, DOC_URL) for line in served.lines]
            if step.output and shown != list(step.output):
                failures.append(f"{step.command}: printed {shown}")
            if served.process.returncode != 128 + signal.SIGINT:
                failures.append(f"{step.command}: Ctrl-C exit {served.process.returncode}")
            continue
        assert step.kind in ("cswidget", "cat"), step
        output, status = run(command, exports, cwd)
        output = output.replace(sandbox_url, DOC_URL)
        if status != expected_status(page_steps, index):
            failures.append(f"{step.command}: exit {status}: {output}")
        if step.output and as_shown(output, list(step.output)) != list(step.output):
            failures.append(f"{step.command}: printed {output!r}")
        if "Traceback" in output:
            failures.append(f"{step.command}: {output}")
    return failures


@pytest.mark.parametrize("page", PAGES)
def test_every_command_on_the_page_is_run_or_named(page: str) -> None:
    kinds = {step.kind for step in steps(page)}
    assert kinds - REPLAYED <= set(OTHER), f"commands no test runs: {kinds - REPLAYED}"


def test_the_pages_have_the_commands_this_test_runs() -> None:
    # So a change in how pages are read cannot make this test run nothing.
    counted = {page: [step.command for step in steps(page) if step.kind in ("cswidget", "serves")]
               for page in PAGES}  # fmt: skip
    assert {page: len(commands) for page, commands in counted.items()} == {
        "api.md": 10,
        "cli.md": 1,
        "sandbox.md": 1,
    }
    assert SANDBOX_COMMAND in counted["sandbox.md"]
    assert f"`{SANDBOX_COMMAND}" in (DOCS / "api.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_the_commands_of_the_page_run_as_written(page: str, tmp_path: Path) -> None:
    reader = tmp_path / "reader"  # the reader's folder: only what the page makes
    reader.mkdir()
    if not any(step.words[:2] == ["cswidget", "api"] for step in steps(page)):
        assert replay(page, reader, DOC_URL) == []
        return
    with serve(SANDBOX_COMMAND, tmp_path) as sandbox:
        failures = replay(page, reader, sandbox.url)
    assert failures == []
