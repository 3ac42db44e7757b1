"""axe-core on a page, every impact counted (minor and moderate too)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# The survey iframe is checked on its own page, where its styles apply.
AXE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}
AXE = Axe()


def axe_violations(page: Page) -> list[str]:
    """Every violation axe finds, as `id (impact): help [targets]`."""
    results = AXE.run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"{[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
    ]
