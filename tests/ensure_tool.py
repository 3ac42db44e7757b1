"""Find a program the tests need, installing it with Debian's apt if need be:
what tests/ensure_java.py and tests/ensure_libreoffice.py share.

Order: the environment variable that names it; the command on PATH; on Debian
as root, `apt-get install -y` of its packages, then the command on PATH.
Progress goes to stderr (prefixed with the caller's name), the path alone to
stdout when run as a script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tool:
    name: str  # the script's, for its log lines: "ensure_java"
    command: str  # what to find on PATH: "java"
    variable: str  # the environment variable that names it: "CSWIDGET_JAVA"
    apt: Sequence[str]  # apt-get install arguments: ("default-jre-headless",)

    def log(self, message: str) -> None:
        print(f"{self.name}: {message}", file=sys.stderr)

    def from_apt(self) -> str | None:
        debian = Path("/etc/debian_version").exists()
        if not (debian and os.geteuid() == 0 and shutil.which("apt-get")):
            return None
        self.log(f"installing Debian's {self.apt[-1]} with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], stdout=sys.stderr, env=env, check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *self.apt], stdout=sys.stderr, env=env, check=True
        )
        return shutil.which(self.command)

    def find(self) -> str | None:
        """A runnable command, installed if need be and possible; None if not."""
        configured = os.environ.get(self.variable)
        if configured:
            if not os.access(configured, os.X_OK):
                self.log(f"{self.variable}={configured} is not an executable file")
                return None
            return configured
        return shutil.which(self.command) or self.from_apt()

    def main(self) -> int:
        path = self.find()
        if not path:
            self.log(f"no {self.command} found or installed")
            return 1
        self.log(f"using {path}")
        print(path)
        return 0
