"""Voting in a real browser: with JavaScript (in place) and without (form POST)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from papers.community.models import Upvote
from papers.core.models import Paper
from tests.factories import make_paper, make_upvote, make_user


@pytest.fixture
def paper():
    return make_paper(
        title="ViNT: A Foundation Model for Visual Navigation",
        arxiv_id="2306.14846",
        listed_on=dt.date.today(),
    )


def vote_button(page, paper):
    return page.locator(f"#vote-{paper.pk} .vote-button")


def test_log_in_vote_see_the_count_change_and_persist(page, live_url, member, paper, log_in):
    make_upvote(paper=paper, user=make_user())  # someone else voted already
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/accounts/login/?next=/")
    log_in(page, "ada")
    expect(page).to_have_url(f"{live_url}/")
    expect(page.get_by_role("link", name="ada")).to_be_visible()

    button = vote_button(page, paper)
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator(".vote-count")).to_have_text("1")
    with page.expect_response(lambda r: r.url.endswith("/upvote/")) as answer:
        button.click()
    assert answer.value.status == 200
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text("2")
    expect(page.get_by_role("status")).to_have_text("Upvoted.")
    assert page.url == f"{live_url}/"  # updated in place: no navigation, no #vote- anchor
    assert Upvote.objects.filter(user=member, paper=paper).exists()

    page.reload()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text("2")

    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator(".vote-count")).to_have_text("1")
    page.reload()
    expect(button.locator(".vote-count")).to_have_text("1")
    assert Paper.objects.get(pk=paper.pk).upvote_count == 1
    assert errors == []


def test_vote_on_the_paper_page(member_page, paper):
    page = member_page
    page.goto("/papers/2306.14846/")
    button = vote_button(page, paper)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text("1")
    page.reload()
    expect(button).to_have_attribute("aria-pressed", "true")


def test_without_javascript_the_form_posts_and_comes_back(
    nojs_page, live_url, member, paper, log_in
):
    page = nojs_page
    page.goto("/accounts/login/?next=/")
    log_in(page, "ada")
    button = vote_button(page, paper)
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(page).to_have_url(f"{live_url}/#vote-{paper.pk}")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text("1")
    assert Paper.objects.get(pk=paper.pk).upvote_count == 1


def test_anonymous_vote_asks_to_log_in_then_casts_it_on_the_paper(page, member, paper, log_in):
    page.goto("/")
    vote_button(page, paper).click()
    page.wait_for_url(f"**/accounts/login/?next=%2Fpapers%2F2306.14846%2F&upvote={paper.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to upvote")
    expect(page.locator("main")).to_contain_text(f"“{paper.title}” gets your upvote as soon as")
    log_in(page, "ada")
    page.wait_for_url("**/papers/2306.14846/**")
    expect(page.get_by_role("heading", level=1)).to_have_text(paper.title)
    # The vote the visitor asked for is cast once they are in, and shown as theirs.
    button = vote_button(page, paper)
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".vote-count")).to_have_text("1")
    assert Paper.objects.get(pk=paper.pk).upvote_count == 1
