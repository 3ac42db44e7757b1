"""Print the path of a Chromium that Playwright can drive, installing one if need be.

Order: $CSWIDGET_CHROMIUM; chromium-headless-shell, chromium or google-chrome
on PATH; on Debian as root, `apt-get install -y chromium-headless-shell`;
elsewhere `playwright install chromium`. Run by `make test`; progress goes to
stderr, the path alone to stdout.

The headless shell first: Debian builds it from the same Chromium source
(same version, Blink and V8), it is what Playwright itself runs for headless
tests, and it leaves out the desktop browser around the page. The same walk
through the demo (14 pages, a popover each, on an emulated phone) took
16 s of CPU in it and 40-44 s in `chromium`, whose headless mode is the
whole browser; the browser tests are most of the suite's CPU.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

NAMES = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
DEBIAN_PACKAGE = "chromium-headless-shell"


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
    log(f"installing Debian's {DEBIAN_PACKAGE} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": sys.stderr, "env": env, "check": True}
    subprocess.run(["apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", DEBIAN_PACKAGE],
        **quiet,  # type: ignore[call-overload]
    )
    installed = Path("/usr/bin") / DEBIAN_PACKAGE
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
