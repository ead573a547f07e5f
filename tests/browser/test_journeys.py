"""What people do on the site, start to end, in a real browser.

Each journey that the site promises to serve without JavaScript runs twice: with
JavaScript and with it turned off (``any_page``).
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from papers.community.models import Upvote
from papers.core.models import Paper
from tests.browser.conftest import ANCHOR
from tests.factories import make_user

TOPIC = "Large Language Models"


@pytest.fixture(params=["js", "no-js"])
def any_page(request, new_context):
    """A page with JavaScript on, then off; with it on, a script error fails the test."""
    page = new_context(java_script_enabled=request.param == "js").new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    assert errors == []


def heading(page):
    return page.get_by_role("heading", level=1)


def card_links(page):
    """The paper links of the cards on the page, in order."""
    return [link.get_attribute("href") for link in page.locator(".paper-card .paper-title a").all()]


def listed_links(start, end):
    """The links of the papers listed from ``start`` to ``end``."""
    return {
        paper.get_absolute_url() for paper in Paper.objects.filter(listed_on__range=(start, end))
    }


def test_front_page_previous_day_a_week_then_a_paper(any_page, catalogue):
    page = any_page
    page.goto("/")
    expect(heading(page)).to_have_text("Thursday, 26 November 2026")
    assert set(card_links(page)) == listed_links(ANCHOR, ANCHOR)

    page.get_by_role("link", name="← Wednesday, 25 November 2026").click()
    expect(page).to_have_url(re.compile(r"/papers/date/2026-11-25/$"))
    expect(heading(page)).to_have_text("Wednesday, 25 November 2026")
    day_before = dt.date(2026, 11, 25)
    assert set(card_links(page)) == listed_links(day_before, day_before)

    page.get_by_role("navigation", name="Edition").get_by_role("link", name="Weekly").click()
    expect(page).to_have_url(re.compile(r"/papers/week/2026-W48/$"))
    expect(heading(page)).to_have_text("Week 48, 2026 (23 Nov – 29 Nov)")
    week = listed_links(dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    expect(page.get_by_text(f"{len(week)} papers, most upvoted first each day")).to_be_visible()
    # Grouped by day, newest first: each day's best cards under the day's heading.
    days = page.locator(".edition-day")
    titles = days.locator(".edition-day-title a").all_inner_texts()
    assert titles[0] == "Thursday, 26 November" and "Wednesday, 25 November" in titles
    for index, title in enumerate(titles):
        date = dt.datetime.strptime(f"{title} 2026", "%A, %d %B %Y").date()
        shown = {a.get_attribute("href") for a in days.nth(index).locator(".paper-title a").all()}
        assert shown and shown <= listed_links(date, date)
    assert set(card_links(page)) <= week

    link = page.locator(".paper-card .paper-title a").first
    paper = Paper.objects.get(arxiv_id=link.get_attribute("href").split("/")[2])
    link.click()
    expect(page).to_have_url(re.compile(rf"/papers/{re.escape(paper.arxiv_id)}/$"))
    expect(page.get_by_role("heading", level=2, name="Abstract")).to_be_visible()
    first_author = paper.authorships.first().author.name
    expect(page.get_by_role("link", name=first_author, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="PDF")).to_have_attribute(
        "href", re.compile(rf"arxiv\.org/pdf/{re.escape(paper.arxiv_id)}")
    )

    page.goto("/papers/2306.14846/")
    expect(heading(page)).to_have_text("ViNT: A Foundation Model for Visual Navigation")
    expect(page.locator(".abstract")).to_contain_text("General-purpose pre-trained models")


def test_search_add_two_facets_remove_one_and_page_forward(any_page, catalogue, settings):
    settings.PAPERS_PER_PAGE = 3
    page = any_page
    page.goto("/")
    page.get_by_role("searchbox", name="Search papers").fill("learning")
    page.get_by_role("searchbox", name="Search papers").press("Enter")
    expect(page).to_have_url(re.compile(r"/papers/\?q=learning$"))
    expect(heading(page)).to_have_text("Papers matching “learning”")
    everything = page.locator(".result-count").inner_text()

    facets = page.locator(".facets")
    facets.get_by_role("link", name=re.compile(rf"^{TOPIC} \d+ papers?$")).click()
    expect(page).to_have_url(re.compile(r"[?&]topic=large-language-models"))
    facets.get_by_role("link", name=re.compile(r"^cs\.LG \d+ papers?$")).click()
    expect(page).to_have_url(re.compile(r"[?&]category=cs\.LG"))
    expect(page).to_have_url(re.compile(r"[?&]topic=large-language-models"))
    both = page.locator(".result-count").inner_text()
    for card in page.locator(".paper-card").all():  # every result is in the topic
        expect(card.get_by_role("link", name=TOPIC, exact=True)).to_be_visible()

    page.locator(".active-filters").get_by_role("link", name=f"Remove topic {TOPIC}").click()
    expect(page).to_have_url(re.compile(r"/papers/\?q=learning&category=cs\.LG$"))
    expect(page.locator(".active-filters")).not_to_contain_text(TOPIC)
    only_category = page.locator(".result-count").inner_text()
    assert int(both.split()[0]) <= int(only_category.split()[0]) <= int(everything.split()[0])
    expect(page.locator(".result-count")).to_contain_text("page 1 of")
    first_page = card_links(page)
    assert len(first_page) == 3

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page).to_have_url(re.compile(r"[?&]category=cs\.LG"))
    expect(page.locator(".result-count")).to_contain_text("page 2 of")
    second_page = card_links(page)
    assert second_page and not set(second_page) & set(first_page)


def test_log_in_upvote_reload_and_the_vote_is_kept(any_page, catalogue, member, log_in):
    page = any_page
    page.goto("/")
    page.get_by_role("link", name="Log in", exact=True).click()
    log_in(page, "ada")
    expect(heading(page)).to_have_text("Thursday, 26 November 2026")  # back where we were
    paper = Paper.objects.filter(listed_on=ANCHOR).exclude(title__contains="$").first()
    votes = str(paper.upvote_count + 1)
    button = page.locator(f"#vote-{paper.pk} .vote-button")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text(votes)
    page.reload()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text(votes)
    assert Upvote.objects.filter(user=member, paper=paper).count() == 1
    page.get_by_role("link", name="ada", exact=True).click()
    expect(page.locator(".paper-card").get_by_role("link", name=paper.title)).to_be_visible()


def test_a_curator_edits_a_paper_in_the_admin_and_sees_it_on_the_site(any_page, catalogue):
    make_user("curator", is_staff=True, is_superuser=True)
    page = any_page
    page.goto("/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/core/paper/?q=ViNT")
    page.get_by_role("link", name="ViNT: A Foundation Model for Visual Navigation").click()
    page.get_by_label("Title:", exact=True).fill("ViNT: A Foundation Model for Robot Navigation")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto("/papers/2306.14846/")
    expect(heading(page)).to_have_text("ViNT: A Foundation Model for Robot Navigation")
    page.goto(f"/papers/date/{Paper.objects.get(arxiv_id='2306.14846').listed_on}/")
    expect(
        page.get_by_role("link", name="ViNT: A Foundation Model for Robot Navigation")
    ).to_be_visible()
    assert Paper.objects.get(arxiv_id="2306.14846").title.endswith("Robot Navigation")
