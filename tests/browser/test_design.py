"""Look and feel in a real browser: screenshots, phones, math, dark mode.

Screenshots of the key pages at a laptop size and a phone size are saved in
``test-artifacts/screenshots/`` (git ignores it) for people to look at.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ARTIFACTS / "screenshots"


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("size", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)], ids=["laptop", "phone"]
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_key_pages_and_nothing_wider_than_the_window(
    new_context, key_pages, size, viewport, scheme
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport=viewport, color_scheme=scheme).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    too_wide = {}
    for name, path in key_pages:
        page.goto(path)
        page.wait_for_load_state("load")
        if name == "math-paper":
            expect(page.locator(".paper-detail-title .katex").first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"{name}-{size}-{scheme}.png", full_page=True)
        if overflow := horizontal_overflow(page):
            too_wide[path] = overflow
    assert too_wide == {}, "pages wider than the window (px too wide)"
    assert errors == []
