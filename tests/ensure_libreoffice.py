"""Print the path of a LibreOffice `soffice` that converts CSV headless, installing one if need be.

Order: $CSWIDGET_SOFFICE; `soffice` on PATH; on Debian as root,
`apt-get install -y --no-install-recommends libreoffice-calc-nogui` (Calc
without a desktop: about 60 packages). Used by tests/test_api_csv.py (and
runnable by hand); progress goes to stderr, the path alone to stdout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = "libreoffice-calc-nogui"


def log(message: str) -> None:
    print(f"ensure_libreoffice: {message}", file=sys.stderr)


def from_apt() -> str | None:
    if not (Path("/etc/debian_version").exists() and os.geteuid() == 0 and shutil.which("apt-get")):
        return None
    log(f"installing Debian's {PACKAGE} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": sys.stderr, "env": env, "check": True}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE],
        **quiet,  # type: ignore[call-overload]
    )
    return shutil.which("soffice")


def find_soffice() -> str | None:
    """A runnable `soffice`, installed if need be and possible; None if not."""
    configured = os.environ.get("CSWIDGET_SOFFICE")
    if configured:
        if not os.access(configured, os.X_OK):
            log(f"CSWIDGET_SOFFICE={configured} is not an executable file")
            return None
        return configured
    return shutil.which("soffice") or from_apt()


def main() -> int:
    path = find_soffice()
    if not path:
        log("no soffice found or installed")
        return 1
    log(f"using {path}")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
