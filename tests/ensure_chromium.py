"""Print the path of a Chromium that Playwright can drive, installing one if need be.

Order: $CSWIDGET_CHROMIUM; chromium or google-chrome on PATH; on Debian as
root, `apt-get install -y chromium`; elsewhere `playwright install chromium`.
Run by `make test`; progress goes to stderr, the path alone to stdout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def log(message: str) -> None:
    print(f"ensure_chromium: {message}", file=sys.stderr)


def on_path() -> str | None:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def from_apt() -> str | None:
    if not (Path("/etc/debian_version").exists() and os.geteuid() == 0 and shutil.which("apt-get")):
        return None
    log("installing Debian's chromium with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": sys.stderr, "env": env, "check": True}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], **quiet)  # type: ignore[call-overload]
    installed = Path("/usr/bin/chromium")
    return on_path() or (str(installed) if installed.exists() else None)


def from_playwright() -> str | None:
    log("installing Playwright's chromium")
    subprocess.run(
        [sys.executable, "-m", "playwright", "install", "chromium"], stdout=sys.stderr, check=True
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


def main() -> int:
    configured = os.environ.get("CSWIDGET_CHROMIUM")
    if configured:
        if not os.access(configured, os.X_OK):
            log(f"CSWIDGET_CHROMIUM={configured} is not an executable file")
            return 1
        path: str | None = configured
    else:
        path = on_path() or from_apt() or from_playwright()
    if not path:
        log("no Chromium found or installed")
        return 1
    log(f"using {path}")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
