"""Make the README's and the docs' screenshots of the demo: `make screenshots`.

Never run by `make test` (fonts differ between machines, so the bytes would
too, and the work tree would change). Phones are emulated as in the layout
tests: `is_mobile`, `has_touch` and the device scale factor of an iPhone 13.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE / "browser")]

from demo_site.app import create_app  # noqa: E402

from browser.conftest import CHROMIUM_ARGS, chromium_executable  # noqa: E402
from livesrv import serve  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}


def open_survey(page: Page) -> None:
    page.get_by_role("button", name="Feedback").click()
    expect(page.frame_locator("iframe.csw-frame").get_by_label("Name")).to_have_value("Kate Jones")


def builder_with_errors(page: Page) -> None:
    page.get_by_label("Account subdomain (org)").fill("acme")
    page.get_by_label("Survey URL code").fill("AKknWccEFf7")
    page.get_by_label("Widget script URL").fill("acme.example/survey_widget.js")
    page.get_by_label("Key 1").fill("email")
    page.get_by_label("Value 1").fill("kate-at-example.com")
    page.get_by_label("Category 1").select_option("customer")
    page.get_by_role("button", name="Build snippet").click()
    expect(page.locator("#error-summary")).to_be_focused()


def scroll_to(selector: str) -> Any:
    def scroll(page: Page) -> None:
        page.locator(selector).evaluate("(el) => el.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -16)")

    return scroll


# (file name, device, path, what to do before the shot)
SHOTS: list[tuple[str, str, str, Any]] = [
    ("index.png", "desktop", "/", None),
    ("popover-desktop.png", "desktop", "/logged-in", open_survey),
    ("phone-logged-in.png", "phone", "/logged-in", scroll_to("table.session caption")),
    ("popover-phone.png", "phone", "/logged-in", open_survey),
    ("phone-hostile.png", "phone", "/hostile", scroll_to("table.corpus >> nth=3 >> caption")),
    ("phone-builder-errors.png", "phone", "/builder", builder_with_errors),
    # The other pages of the demo, as a visitor first sees them.
    ("prebuilt.png", "desktop", "/prebuilt", None),
    ("native.png", "desktop", "/native", None),
    ("scripted.png", "desktop", "/scripted", None),
    ("deferred.png", "desktop", "/deferred", None),
    ("csp.png", "desktop", "/csp", None),
    ("consent.png", "desktop", "/consent", None),
    ("turbo.png", "desktop", "/turbo", None),
    ("htmx.png", "desktop", "/htmx", None),
    ("auto-embed.png", "desktop", "/auto-embed", None),
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, serve(create_app()) as base_url:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=CHROMIUM_ARGS, headless=True
        )
        phone = dict(playwright.devices["iPhone 13"])
        del phone["default_browser_type"]
        for name, device, path, before in SHOTS:
            context = browser.new_context(**(phone if device == "phone" else DESKTOP))
            page = context.new_page()
            page.goto(base_url + path)
            if before is not None:
                before(page)
            page.screenshot(path=OUT / name)
            context.close()
            print(f"wrote docs/screenshots/{name}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
