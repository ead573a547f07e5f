"""Look and feel in a real browser: screenshots, phones, math, dark mode.

Screenshots of the key pages at a laptop size and a phone size are saved in
``test-artifacts/screenshots/`` (git ignores it) for people to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, MATH_PAPER

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
    # A refused script or style (CSP), a missing font or file: all logged as errors.
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
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


def test_math_in_titles_and_abstracts_is_rendered_by_katex(page, catalogue):
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"/papers/{MATH_PAPER['arxiv_id']}/")
    title = page.get_by_role("heading", level=1)
    abstract = page.locator(".abstract")
    expect(title.locator(".katex").first).to_be_visible()
    # A formula and the word it touches wrap as one ("α-Divergence", never "α" then "-Divergence").
    expect(title.locator(".tex-nowrap").first).to_contain_text("-Divergence")
    expect(abstract.locator(".katex")).to_have_count(6)  # every $...$ of the abstract
    # KaTeX keeps the source for assistive technology and copying (MathML annotation).
    sources = abstract.locator("annotation[encoding='application/x-tex']").all_text_contents()
    assert sources[:2] == ["\\alpha", "D_\\alpha(P \\| Q)"]
    assert "$" not in abstract.inner_text()
    page.goto("/")
    card = page.locator(".paper-card", has_text="Ada Statistician")
    expect(card.locator(".paper-title .katex")).to_have_count(2)
    expect(card.locator(".paper-abstract .katex").first).to_be_visible()
    assert errors == []


def test_without_javascript_the_latex_source_stays_readable(nojs_page, catalogue):
    nojs_page.goto(f"/papers/{MATH_PAPER['arxiv_id']}/")
    expect(nojs_page.get_by_role("heading", level=1)).to_have_text(MATH_PAPER["title"])
    abstract = nojs_page.locator(".abstract")
    expect(abstract.locator(".katex")).to_have_count(0)
    # One paragraph: arXiv's line breaks are joined, the URL is a link.
    expect(abstract.locator("p")).to_have_count(1)
    expect(abstract).to_contain_text("between two densities on $\\mathbb{R}^d$ from $n$ samples")
    expect(abstract.get_by_role("link", name="https://example.org/alpha")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_a_phone_the_filters_fold_and_nothing_scrolls_sideways(
    new_context, catalogue, javascript
):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    page.goto("/papers/?q=learning&category=cs.LG")
    toggle = page.locator(".facets summary")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Filters (1 chosen)")
    topic_facet = page.get_by_role("heading", name="Topic", exact=True)
    expect(topic_facet).to_be_hidden()
    expect(page.locator(".paper-card").first).to_be_in_viewport()  # results on the first screen
    assert horizontal_overflow(page) == 0
    toggle.click()
    expect(topic_facet).to_be_visible()
    page.locator(".facets").get_by_role("link", name="Large Language Models").first.click()
    expect(page).to_have_url(re.compile(r"topic=large-language-models"))
    expect(page.locator(".facets summary")).to_have_text("Filters (2 chosen)")
    assert horizontal_overflow(page) == 0


def test_on_a_laptop_the_filters_are_always_open(page, catalogue):
    page.set_viewport_size(LAPTOP)
    page.goto("/papers/?q=learning")
    expect(page.locator(".facets summary")).to_be_hidden()
    expect(page.get_by_role("heading", name="Topic", exact=True)).to_be_visible()
    # One search box for papers, in the header (the other finds an author).
    expect(page.get_by_role("searchbox", name=re.compile(r"^Search"))).to_have_count(1)
    expect(page.get_by_role("searchbox", name="Search papers")).to_have_value("learning")


def luminance(page, selector, prop):
    """The relative luminance (0 black, 1 white) of a computed colour."""
    return page.evaluate(
        """([selector, prop]) => {
            const rgb = getComputedStyle(document.querySelector(selector))[prop]
                .match(/[\\d.]+/g).slice(0, 3).map(Number);
            const [r, g, b] = rgb.map(c => {
                c /= 255;
                return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }""",
        [selector, prop],
    )


def test_the_dark_theme_follows_the_system_setting(new_context, catalogue):
    light = new_context(color_scheme="light").new_page()
    dark = new_context(color_scheme="dark").new_page()
    for page in (light, dark):
        page.goto("/")
    assert luminance(light, "body", "backgroundColor") > 0.8
    assert luminance(light, "body", "color") < 0.05
    assert luminance(dark, "body", "backgroundColor") < 0.05
    assert luminance(dark, "body", "color") > 0.7
    assert luminance(dark, ".paper-card", "backgroundColor") < 0.05


def test_the_other_pages_fit_a_phone_too(new_context, catalogue, member, live_url):
    from django.conf import settings
    from django.test import Client

    from papers.core.models import Repository

    client = Client()
    client.force_login(member)
    page = new_context(viewport=PHONE).new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_url,
            }
        ]
    )
    paths = [
        "/topics/",
        "/authors/",
        "/repos/",
        Repository.objects.order_by("pk").first().get_absolute_url(),
        "/papers/month/2026-11/",
        "/papers/?q=zzzz-nothing-matches",
        "/no-such-page/",
        "/accounts/password/reset/",
        "/users/ada/",
        "/submit/",
    ]
    too_wide = {}
    for path in paths:
        page.goto(path)
        if overflow := horizontal_overflow(page):
            too_wide[path] = overflow
    assert too_wide == {}
