"""The BibTeX copy button and the digest sign-up in a real browser."""

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from papers.digest.models import Subscription
from tests.factories import make_paper


@pytest.fixture
def paper():
    return make_paper(
        title="ViNT: A Foundation Model for Visual Navigation",
        arxiv_id="2306.14846",
        authors=["Dhruv Shah", "Łukasz Kaiser"],
        published=dt.date(2023, 6, 26),
        listed_on=dt.date.today(),
    )


def test_copy_bibtex_puts_the_entry_on_the_clipboard(page, live_url, paper):
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page.goto("/papers/2306.14846/")
    button = page.get_by_role("button", name="Copy BibTeX")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".copy-status")).to_have_text("Copied to the clipboard.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{shah2023vint,")
    assert "author = {Dhruv Shah and Łukasz Kaiser}" in copied
    assert errors == []


def test_without_javascript_the_entry_is_shown_and_the_button_hidden(nojs_page, paper):
    nojs_page.goto("/papers/2306.14846/")
    expect(nojs_page.locator("#bibtex-entry")).to_contain_text("eprint = {2306.14846}")
    expect(nojs_page.get_by_role("button", name="Copy BibTeX")).to_be_hidden()
    expect(nojs_page.get_by_role("link", name="Download .bib")).to_be_visible()


def test_sign_up_from_the_front_page_box(page, paper):
    page.goto("/")
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_label("How often").select_option("weekly")
    page.get_by_role("button", name="Subscribe").click()
    # One press: the confirmation email is sent and the page says to check the inbox.
    page.wait_for_url("**/subscribe/sent/")
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.frequency, subscription.confirmed) == (
        "reader@example.org",
        "weekly",
        False,
    )
    assert len(mail.outbox) == 1
