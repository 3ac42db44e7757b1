"""Writing to stdout: snippets are UTF-8 whatever the terminal's locale says."""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO

__all__ = ["silence_stdout", "write_stdout"]


def write_stdout(text: str) -> None:
    stdout: TextIO = sys.stdout
    if isinstance(stdout, io.TextIOWrapper) and stdout.encoding.lower() not in ("utf-8", "utf8"):
        stdout.reconfigure(encoding="utf-8")
    stdout.write(text)


def silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's final flush to a closed pipe
    cannot fail again after the command has ended."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # stdout is not a real file (tests capture it): nothing to flush
