"""Print the path of a `java` that can run the W3C Nu HTML checker, installing one if need be.

Order: $CSWIDGET_JAVA; `java` on PATH; on Debian as root,
`apt-get install -y default-jre-headless`. Used by tests/test_nu_html.py
(and runnable by hand); progress goes to stderr, the path alone to stdout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def log(message: str) -> None:
    print(f"ensure_java: {message}", file=sys.stderr)


def from_apt() -> str | None:
    if not (Path("/etc/debian_version").exists() and os.geteuid() == 0 and shutil.which("apt-get")):
        return None
    log("installing Debian's default-jre-headless with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": sys.stderr, "env": env, "check": True}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "default-jre-headless"],
        **quiet,  # type: ignore[call-overload]
    )
    return shutil.which("java")


def find_java() -> str | None:
    """A runnable `java`, installed if need be and possible; None if not."""
    configured = os.environ.get("CSWIDGET_JAVA")
    if configured:
        if not os.access(configured, os.X_OK):
            log(f"CSWIDGET_JAVA={configured} is not an executable file")
            return None
        return configured
    return shutil.which("java") or from_apt()


def main() -> int:
    path = find_java()
    if not path:
        log("no java found or installed")
        return 1
    log(f"using {path}")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
