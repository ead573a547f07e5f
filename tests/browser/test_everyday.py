"""The pages people use every day, in a real browser at a desktop and a phone width:
the paper page's Code button, the editions' tabs and date picker, a month grouped
by day, voting after logging in, the author finder, the header and the cards on a
phone, and the theme toggle; with JavaScript off wherever the site promises to work
without it. Screenshots of each page, desktop and phone, light and dark, are saved
in ``test-artifacts/screenshots/everyday/`` for people to look at.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from papers.community.models import Upvote
from papers.core.models import Author, Paper, Topic
from tests.browser.conftest import ANCHOR, ARTIFACTS

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ARTIFACTS / "screenshots" / "everyday"
WEEK = f"{ANCHOR.isocalendar().year}-W{ANCHOR.isocalendar().week:02d}"
MONTH = ANCHOR.strftime("%Y-%m")


def heading(page):
    return page.get_by_role("heading", level=1)


def watch_errors(page):
    """Script errors and console errors (a refused script or style, a missing file)."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def horizontal_overflow(page):
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def background_luminance(page):
    """The relative luminance (0 black, 1 white) of the page's background."""
    return page.evaluate(
        """() => {
            const rgb = getComputedStyle(document.body).backgroundColor
                .match(/[\\d.]+/g).slice(0, 3).map(Number);
            const [r, g, b] = rgb.map(c => {
                c /= 255;
                return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }"""
    )


@pytest.fixture(params=["js", "no-js"])
def any_page(request, new_context):
    """A page with JavaScript on, then off; with it on, a script error fails the test."""
    page = new_context(java_script_enabled=request.param == "js").new_page()
    errors = watch_errors(page)
    yield page
    assert errors == []


@pytest.fixture
def coded_paper(catalogue):
    """A demo paper with an official repository (DINO-WM)."""
    return Paper.objects.get(arxiv_id="2411.04983")


# -- the paper page -----------------------------------------------------------------


def test_on_a_phone_the_code_button_is_on_the_first_screen(new_context, coded_paper):
    page = new_context(viewport=PHONE).new_page()
    page.goto(coded_paper.get_absolute_url())
    actions = page.get_by_role("list", name="Read the paper")
    code = actions.get_by_role("link", name=re.compile(r"^Code"))
    pdf = actions.get_by_role("link", name="PDF")
    expect(code).to_be_in_viewport(ratio=1)
    expect(pdf).to_be_in_viewport(ratio=1)
    assert code.bounding_box()["y"] + code.bounding_box()["height"] <= PHONE["height"]
    assert code.get_attribute("href") == coded_paper.code_links.get().repository.url
    # PDF first, then Code: the two things a reader wants, side by side.
    assert abs(code.bounding_box()["y"] - pdf.bounding_box()["y"]) < 2
    assert pdf.bounding_box()["x"] < code.bounding_box()["x"]


# -- editions -----------------------------------------------------------------------


def test_without_javascript_the_edition_tabs_and_the_date_picker_work(nojs_page, catalogue):
    page = nojs_page
    page.goto(f"/papers/date/{ANCHOR.isoformat()}/")
    tabs = page.get_by_role("navigation", name="Edition")
    expect(tabs.get_by_role("link", name="Daily")).to_have_attribute("aria-current", "page")

    tabs.get_by_role("link", name="Weekly").click()
    expect(page).to_have_url(re.compile(rf"/papers/week/{WEEK}/$"))
    expect(tabs.get_by_role("link", name="Weekly")).to_have_attribute("aria-current", "page")
    tabs.get_by_role("link", name="Monthly").click()
    expect(page).to_have_url(re.compile(rf"/papers/month/{MONTH}/$"))
    tabs.get_by_role("link", name="Daily").click()  # the month's latest day with papers
    expect(page).to_have_url(re.compile(rf"/papers/date/{ANCHOR.isoformat()}/$"))

    # The picker: a plain GET form with the browser's own date input.
    picker = page.locator("form.edition-picker")
    expect(picker.locator("input#edition-date")).to_have_attribute("type", "date")
    picker.locator("input#edition-date").fill("2026-11-23")
    picker.get_by_role("button", name="Go").click()
    expect(page).to_have_url(re.compile(r"/papers/date/2026-11-23/$"))
    expect(heading(page)).to_contain_text("23 November 2026")

    tabs.get_by_role("link", name="Weekly").click()
    picker.locator("input#edition-date").fill("2026-W47")
    picker.get_by_role("button", name="Go").click()
    expect(page).to_have_url(re.compile(r"/papers/week/2026-W47/$"))

    tabs.get_by_role("link", name="Monthly").click()
    expect(picker.locator("input#edition-date")).to_have_attribute("type", "month")
    picker.locator("input#edition-date").fill("2026-10")
    picker.get_by_role("button", name="Go").click()
    expect(page).to_have_url(re.compile(r"/papers/month/2026-10/$"))


def test_the_sort_is_carried_from_tab_to_tab(nojs_page, catalogue):
    page = nojs_page
    page.goto(f"/papers/week/{WEEK}/")
    page.get_by_role("navigation", name="Sort").get_by_role("link", name="Trending").click()
    expect(page).to_have_url(re.compile(r"\?sort=trending$"))
    page.get_by_role("navigation", name="Edition").get_by_role("link", name="Monthly").click()
    expect(page).to_have_url(re.compile(rf"/papers/month/{MONTH}/\?sort=trending$"))
    sort = page.get_by_role("navigation", name="Sort")
    expect(sort.get_by_role("link", name="Trending")).to_have_attribute("aria-current", "true")


def test_a_month_is_grouped_by_day_newest_first(new_context, catalogue):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/papers/month/{MONTH}/")
    days = page.locator("section.edition-day")
    listed = sorted(
        set(Paper.objects.published().filter(listed_on__year=2026, listed_on__month=11)
            .values_list("listed_on", flat=True)),
        reverse=True,
    )  # fmt: skip
    expect(days).to_have_count(len(listed))
    titles = days.locator(".edition-day-title a").all_inner_texts()
    assert titles == [day.strftime("%A, %-d %B") for day in listed]
    for section, day in zip(days.all(), listed, strict=True):
        links = section.locator(".paper-rows a").evaluate_all("els => els.map(a => a.pathname)")
        on_the_day = {p.get_absolute_url() for p in Paper.objects.filter(listed_on=day)}
        assert links and set(links) <= on_the_day
    # Scannable on a phone: a line per paper, never a page of whole cards.
    assert page.evaluate("document.documentElement.scrollHeight") < 6000
    assert horizontal_overflow(page) == 0


# -- voting after logging in ----------------------------------------------------------


def test_a_vote_before_logging_in_is_cast_after_it(any_page, catalogue, member, log_in):
    page = any_page
    paper = Paper.objects.get(arxiv_id="2411.04983")
    page.goto("/")
    page.locator(f"#vote-{paper.pk}").get_by_role("link").click()
    expect(heading(page)).to_have_text("Log in to upvote")
    expect(page.locator("main")).to_contain_text(paper.title)
    log_in(page, "ada")
    expect(page).to_have_url(re.compile(re.escape(paper.get_absolute_url())))
    button = page.locator(f"#vote-{paper.pk}").get_by_role("button")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text(str(paper.upvote_count + 1))
    assert Upvote.objects.filter(user=member, paper=paper).count() == 1
    page.reload()  # kept, and not cast twice
    expect(page.locator(f"#vote-{paper.pk}").get_by_role("button")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert Paper.objects.get(pk=paper.pk).upvote_count == paper.upvote_count + 1


# -- the catalogue ----------------------------------------------------------------------


def test_without_javascript_find_an_author_then_choose_them(nojs_page, catalogue):
    page = nojs_page
    page.set_viewport_size(DESKTOP)
    author = Author.objects.get(name="Gaoyue Zhou")
    page.goto("/papers/")
    facet = page.get_by_role("region", name="Author")
    facet.get_by_role("searchbox", name="Find an author").fill("zhou")
    facet.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"find_author=zhou"))
    options = facet.locator(".facet-options a")
    for label in options.locator(".facet-label").all_inner_texts():
        assert "zhou" in label.lower()
    option = facet.get_by_role("link", name=re.compile(r"^Gaoyue Zhou \d+ papers?$"))
    option.click()
    expect(page).to_have_url(re.compile(rf"/papers/\?author={author.slug}$"))
    expect(page.locator(".active-filters")).to_contain_text("Gaoyue Zhou")


def test_on_a_phone_the_authors_found_are_on_screen(new_context, catalogue):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/papers/")
    page.locator(".facets summary").click()
    facet = page.get_by_role("region", name="Author")
    facet.get_by_role("searchbox", name="Find an author").fill("lecun")
    facet.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"find_author=lecun#facet-author$"))
    expect(
        facet.get_by_role("link", name=re.compile(r"^Yann LeCun \d+ papers?$"))
    ).to_be_in_viewport()
    assert horizontal_overflow(page) == 0


def test_one_search_box_that_keeps_the_filters(nojs_page, catalogue):
    page = nojs_page
    page.set_viewport_size(DESKTOP)
    page.goto("/papers/?category=cs.LG")
    expect(page.get_by_role("searchbox", name=re.compile("Search"))).to_have_count(1)
    box = page.get_by_role("searchbox", name="Search within these filters")
    box.fill("learning")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/papers/\?q=learning&category=cs\.LG$"))
    expect(page.locator(".active-filters")).to_contain_text("cs.LG")


def test_a_topic_pages_selected_chip_stays_in_the_sidebar(new_context, catalogue):
    topic = Topic.objects.get(name="Graph Learning & Network Science")
    for width in (1366, 1024, 800):
        page = new_context(viewport={"width": width, "height": 800}).new_page()
        page.goto(topic.get_absolute_url())
        sidebar = page.locator("aside.facets").bounding_box()
        chip = page.locator(".facet-selected .chip").first
        expect(chip).to_be_visible()
        box = chip.bounding_box()
        assert box["x"] >= sidebar["x"] - 0.5, width
        assert box["x"] + box["width"] <= sidebar["x"] + sidebar["width"] + 0.5, width
        cards = page.locator(".results").bounding_box()
        assert box["x"] + box["width"] < cards["x"], width


# -- the header and the cards ---------------------------------------------------------


def test_a_members_header_keeps_a_wide_search_and_fits_a_phone(member_page, catalogue):
    page = member_page
    for viewport in (DESKTOP, {"width": 1024, "height": 768}, PHONE):
        page.set_viewport_size(viewport)
        page.goto("/papers/")
        search = page.get_by_role("searchbox", name="Search papers")
        assert search.bounding_box()["width"] >= 200, viewport
        # The whole placeholder shows.
        assert search.evaluate(
            """input => {
                const context = document.createElement("canvas").getContext("2d");
                context.font = getComputedStyle(input).font;
                const style = getComputedStyle(input);
                const room = input.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
                return context.measureText(input.placeholder).width <= room;
            }"""
        ), viewport
        log_out = page.get_by_role("button", name="Log out")
        expect(log_out).to_be_visible()
        line = float(log_out.evaluate("b => getComputedStyle(b).lineHeight").rstrip("px"))
        assert log_out.bounding_box()["height"] < 2 * line, viewport  # one line
        account = page.get_by_role("navigation", name="Account").bounding_box()
        brand = page.locator(".brand").bounding_box()
        overlap_x = brand["x"] + brand["width"] > account["x"]
        overlap_y = brand["y"] < account["y"] + account["height"] and account["y"] < (
            brand["y"] + brand["height"]
        )
        assert not (overlap_x and overlap_y), viewport
        account_nav = page.get_by_role("navigation", name="Account")
        expect(account_nav.get_by_role("link", name="ada", exact=True)).to_be_visible()
        assert horizontal_overflow(page) == 0


def test_on_a_phone_cards_are_compact(new_context, catalogue):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/papers/")
    cards = page.locator(".paper-card")
    expect(cards.first).to_be_visible()
    heights = [card.bounding_box()["height"] for card in cards.all()[:8]]
    assert sorted(heights)[len(heights) // 2] < 360 and max(heights) < 400, heights
    # Chips share rows: a card's meta list is never one chip per line.
    for card in cards.all()[:8]:
        items = card.locator(".paper-meta > li").evaluate_all(
            "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().top)"
        )
        if len(items) >= 3:
            assert len({round(top) for top in items}) < len(items)
    # No "0 comments".
    expect(page.locator(".comment-count", has_text=re.compile(r"^0 "))).to_have_count(0)


# -- the theme ----------------------------------------------------------------------------


def test_without_javascript_the_theme_toggle_works_and_is_remembered(new_context, catalogue):
    page = new_context(java_script_enabled=False, color_scheme="light").new_page()
    page.goto("/papers/?q=learning")
    assert background_luminance(page) > 0.5
    theme = page.get_by_role("group", name="Theme:")
    expect(theme.get_by_role("button", name="System")).to_have_attribute("aria-pressed", "true")
    theme.get_by_role("button", name="Dark").click()
    expect(page).to_have_url(re.compile(r"/papers/\?q=learning$"))  # back where it was
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background_luminance(page) < 0.1
    page.goto("/topics/")  # remembered on the next page
    assert background_luminance(page) < 0.1
    expect(
        page.get_by_role("group", name="Theme:").get_by_role("button", name="Dark")
    ).to_have_attribute("aria-pressed", "true")
    page.get_by_role("group", name="Theme:").get_by_role("button", name="System").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "system")
    assert background_luminance(page) > 0.5


def test_a_light_choice_wins_over_a_dark_system(new_context, catalogue):
    page = new_context(color_scheme="dark").new_page()
    page.goto("/")
    assert background_luminance(page) < 0.1  # no choice: the system's
    page.get_by_role("group", name="Theme:").get_by_role("button", name="Light").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert background_luminance(page) > 0.5


# -- screenshots ----------------------------------------------------------------------------


@pytest.fixture
def everyday_pages(catalogue, coded_paper):
    topic = Topic.objects.get(name="Graph Learning & Network Science")
    author = Author.objects.get(name="Yann LeCun")
    unlinked = Paper.objects.filter(arxiv_id=None).first()
    return [
        ("front", "/"),
        ("day", f"/papers/date/{ANCHOR.isoformat()}/"),
        ("week", f"/papers/week/{WEEK}/"),
        ("month", f"/papers/month/{MONTH}/"),
        ("catalogue", "/papers/"),
        ("search", "/papers/?q=world+model&category=cs.LG"),
        ("find-author", "/papers/?find_author=zh"),
        ("topic", topic.get_absolute_url()),
        ("paper", coded_paper.get_absolute_url()),
        ("paper-unlinked", unlinked.get_absolute_url()),
        ("author", author.get_absolute_url()),
        ("repos", "/repos/"),
        (
            "login-to-upvote",
            f"/accounts/login/?next={coded_paper.get_absolute_url()}&upvote={coded_paper.pk}",
        ),
        ("subscribe", "/subscribe/"),
    ]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_the_everyday_pages(
    new_context, everyday_pages, member, live_url, size, viewport, theme
):
    """Each page in the chosen theme (the toggle's cookie, against the other system
    setting), for a visitor and for a member; nothing wider than the window."""
    from django.conf import settings
    from django.test import Client

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    other = "dark" if theme == "light" else "light"
    visitor = new_context(viewport=viewport, color_scheme=other)
    visitor.add_cookies([{"name": "theme", "value": theme, "url": live_url}])
    client = Client()
    client.force_login(member)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    signed_in = new_context(viewport=viewport, color_scheme=other)
    signed_in.add_cookies(
        [
            {"name": "theme", "value": theme, "url": live_url},
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_url},
        ]
    )
    too_wide, errors = {}, []
    for who, context, pages in (
        ("visitor", visitor, everyday_pages),
        ("member", signed_in, [("catalogue", "/papers/"), ("member", "/users/ada/")]),
    ):
        page = context.new_page()
        page_errors = watch_errors(page)
        for name, path in pages:
            page.goto(path)
            page.wait_for_load_state("load")
            expect(page.locator("html")).to_have_attribute("data-theme", theme)
            page.screenshot(path=SCREENSHOTS / f"{name}-{who}-{size}-{theme}.png", full_page=True)
            if overflow := horizontal_overflow(page):
                too_wide[f"{who} {path}"] = overflow
        errors += page_errors
    assert too_wide == {}, "pages wider than the window (px too wide)"
    assert errors == []


# -- accessibility and validity of the pages these tests add ----------------------------

MORE_PAGES = [
    ("find-author", "/papers/?find_author=zh"),
    ("find-nobody", "/papers/?find_author=nobody&category=cs.LG"),
    ("month", f"/papers/month/{MONTH}/"),
    ("repos", "/repos/"),
]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_on_the_chosen_theme_and_for_a_member(
    new_context, catalogue, member, live_url, axe_source, theme
):
    from django.conf import settings
    from django.test import Client

    from tests.browser.test_accessibility import axe_violations

    client = Client()
    client.force_login(member)
    context = new_context(color_scheme="light" if theme == "dark" else "dark")
    context.add_cookies([{"name": "theme", "value": theme, "url": live_url}])
    visitor = context.new_page()
    found = {}
    for name, path in MORE_PAGES:
        visitor.goto(path)
        if violations := axe_violations(visitor, axe_source):
            found[f"{name} {path}"] = violations
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_url,
            }
        ]
    )
    signed_in = context.new_page()
    for name, path in [("member-catalogue", "/papers/"), *MORE_PAGES[:1]]:
        signed_in.goto(path)
        if violations := axe_violations(signed_in, axe_source):
            found[f"member {name} {path}"] = violations
    assert found == {}, json.dumps(found, indent=2)


def test_the_nu_html_checker_on_the_pages_these_tests_add(page, catalogue, vnu_command):
    from tests.browser.test_accessibility import check_html

    check_html(page, vnu_command, MORE_PAGES, prefix="everyday-")
