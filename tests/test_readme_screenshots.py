"""The README shows every page of the demo: `make screenshots`
(tests/screenshots.py) shoots each one, and the README shows each shot with
alt text that says what is in it. A page added to the demo fails here until
it is shot and shown."""

from __future__ import annotations

import re
from pathlib import Path

from demo_site.pages import SCENARIOS

from screenshots import SHOTS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
IMAGES = {
    path: alt for alt, path in re.findall(r"!\[([^\]]*)\]\((docs/screenshots/[^)]+)\)", README)
}


def test_every_demo_page_is_shot() -> None:
    shot_paths = {path for _, _, path, _ in SHOTS}
    assert {"/", *(scenario.path for scenario in SCENARIOS)} <= shot_paths


def test_the_readme_shows_every_shot_with_alt_text() -> None:
    shown = {name: IMAGES.get(f"docs/screenshots/{name}") for name, _, _, _ in SHOTS}
    assert [name for name, alt in shown.items() if not alt or len(alt.split()) < 4] == []
    assert all((ROOT / "docs" / "screenshots" / name).is_file() for name in shown)
