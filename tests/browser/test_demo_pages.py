"""Every demo page has a language, a title and landmarks, and one heading plan.

(Loading cleanly, axe with every impact, popover open and closed, on phones
and desktop: tests/browser/test_demo_layout.py.)
"""

from __future__ import annotations

import itertools

from demo_site import pages
from playwright.sync_api import Page

PAGES = ["/", *(scenario.path for scenario in pages.SCENARIOS)]

# Heading levels in document order must never skip a level going down.
HEADING_LEVELS = """Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"),
  (h) => Number(h.tagName[1]))"""


def test_every_page_has_a_language_title_landmarks_and_one_heading_plan(
    demo_url: str, page: Page
) -> None:
    for path in [*PAGES, "/no-such-page"]:
        page.goto(demo_url + path)
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.title().endswith(" · cswidget demo")
        for landmark in ("body > header", "main", "body > footer"):
            assert page.locator(landmark).count() == 1, (path, landmark)
        # The site's nav, and any page nav (Turbo's pages, the consent
        # managers) each with a name of its own.
        labels = page.locator("nav").evaluate_all("(navs) => navs.map((n) => n.ariaLabel)")
        assert labels[0] == "Demo pages", path
        assert None not in labels, (path, labels)
        assert len(set(labels)) == len(labels), (path, labels)
        levels = page.evaluate(HEADING_LEVELS)
        assert levels[0] == 1
        assert levels.count(1) == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), path
