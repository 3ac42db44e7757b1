"""The Chromium proof for a CSP nonce provider.

A page rendered through the real provider is loaded in Chromium; the proof
holds when the response's Content-Security-Policy allows scripts by nonce,
every script on the page carries exactly that nonce, `init()` ran (the
stand-in widget left what it parsed in `window.__seen`) and the page saw no
`securitypolicyviolation` event, console error or uncaught exception.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

# Chromium hides a script's nonce attribute from the DOM once CSP has read
# it; the `nonce` property keeps it.
SCRIPTS_JS = "Array.from(document.scripts, s => ({src: s.src, nonce: s.nonce}))"
NO_PROBLEMS = {"console_errors": [], "page_errors": [], "dialogs": [], "csp_violations": []}


def header_nonce(policy: str) -> str:
    """The nonce the policy's script-src allows (there must be one)."""
    directives = {part.strip().split(" ")[0]: part.strip() for part in policy.split(";")}
    match = re.search(r"'nonce-([^']+)'", directives["script-src"])
    assert match is not None, policy
    return match.group(1)


def prove(page: Page, watch: Any, url: str) -> Any:
    """Load `url`; assert the proof; return what `init()` parsed."""
    # Chromium asks for a favicon these test sites do not have.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, response.status
    nonce = header_nonce(response.headers["content-security-policy"])
    page.wait_for_function("window.__seen !== undefined")
    scripts = page.evaluate(SCRIPTS_JS)
    assert len(scripts) >= 2, scripts
    assert [script["nonce"] for script in scripts] == [nonce] * len(scripts), scripts
    problems = watch.problems()
    assert problems == NO_PROBLEMS, problems
    return page.evaluate("window.__seen")
