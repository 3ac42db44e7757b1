"""Posting the demo's forms as a browser does: with the CSRF cookie the page
set and the token it put in the form (demo_site/security.py).

    client, token = form_session(base_url + "/builder")
    with closing(client):
        client.post(base_url + "/builder", data={..., "csrf_token": token})
"""

from __future__ import annotations

import re

import httpx

CSRF_FIELD = re.compile(r'<input type="hidden" name="csrf_token" value="([0-9a-f]{64})">')


def form_session(url: str) -> tuple[httpx.Client, str]:
    """A client holding the CSRF cookie, and the token the page at `url` put in its form."""
    client = httpx.Client()
    match = CSRF_FIELD.search(client.get(url).text)
    if match is None:
        client.close()
        raise AssertionError(f"{url} has no CSRF token in its form")
    return client, match.group(1)
