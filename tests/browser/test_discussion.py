"""The discussion in a real browser: a comment with math posted in place (JavaScript),
rendered by KaTeX, then a reply to it; and the same forms without JavaScript."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from papers.community.models import Comment
from papers.core.models import Paper
from tests.factories import make_paper


@pytest.fixture
def paper():
    return make_paper(
        title="Sharp Rates for $\\alpha$-Divergence Estimation",
        arxiv_id="2611.09999",
        listed_on=dt.date.today(),
    )


def test_post_a_comment_with_math_then_reply_in_place(member_page, live_url, paper):
    page = member_page
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/papers/2611.09999/")
    discussion = page.locator("#discussion")
    form = discussion.locator("form.comment-form").first
    form.get_by_label("Add to the discussion").fill(
        "Is the rate $n^{-1/2}$ tight when $\\alpha \\to 1$?\n\n$$\\hat D_\\alpha = \\frac{1}{n}$$"
    )
    form.get_by_role("button", name="Preview").click()
    preview = form.locator(".comment-preview")
    expect(preview).to_be_visible()
    expect(preview.locator(".katex").first).to_be_visible()
    assert not Comment.objects.exists()  # a preview saves nothing

    with page.expect_response(lambda r: r.url.endswith("/comments/")) as answer:
        form.get_by_role("button", name="Post comment").click()
    assert answer.value.status == 201
    comment = Comment.objects.get()
    posted = page.locator(f"#comment-{comment.pk}")
    expect(posted).to_be_visible()
    expect(posted.locator(".comment-body .katex")).to_have_count(3)
    expect(posted.locator(".katex-display")).to_have_count(1)
    expect(discussion.locator(".discussion-count")).to_have_text("1")
    expect(form.locator("textarea")).to_have_value("")
    assert page.url == f"{live_url}/papers/2611.09999/"  # in place: no navigation

    thread = posted.locator("xpath=ancestor::li[contains(@class, 'comment-thread')]")
    thread.locator("summary", has_text="Reply").click()
    reply_form = thread.locator("form.comment-form")
    reply_form.get_by_label("Your reply").fill("Yes: the lower bound is $\\Omega(n^{-1/2})$.")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(thread.locator(".comment-replies .comment")).to_have_count(1)
    reply = Comment.objects.get(parent=comment)
    expect(page.locator(f"#comment-{reply.pk} .katex")).to_have_count(1)
    expect(discussion.locator(".discussion-count")).to_have_text("2")

    page.reload()
    expect(page.locator(f"#comment-{comment.pk} .katex").first).to_be_visible()
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("the lower bound is")
    assert Paper.objects.get(pk=paper.pk).comment_count == 2
    assert errors == []


def test_without_javascript_posting_goes_back_to_the_comment(
    nojs_page, live_url, member, paper, log_in
):
    page = nojs_page
    page.goto("/accounts/login/?next=/papers/2611.09999/")
    log_in(page, "ada")
    form = page.locator("#discussion form.comment-form").first
    form.get_by_label("Add to the discussion").fill("Plain *markdown* works too.")
    form.get_by_role("button", name="Preview").click()
    expect(page.locator(".comment-preview-page em")).to_have_text("markdown")
    page.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get()
    expect(page).to_have_url(f"{live_url}/papers/2611.09999/#comment-{comment.pk}")
    expect(page.locator(f"#comment-{comment.pk} em")).to_have_text("markdown")
    # A reply through the <details> box, still without JavaScript.
    page.locator(f"#comment-{comment.pk}").locator("xpath=..").locator("summary").click()
    page.get_by_label("Your reply").fill("A reply")
    page.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(parent=comment)
    expect(page).to_have_url(f"{live_url}/papers/2611.09999/#comment-{reply.pk}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_community_pages_pass_axe_for_a_member(
    new_context, member, live_url, catalogue, axe_source, scheme
):
    """The discussion with its forms, a profile, a collection and For you, as a member
    sees them (with the save menus and reply boxes open), in both themes."""
    import json

    from django.conf import settings
    from django.test import Client

    from tests.browser.test_accessibility import axe_violations

    client = Client()
    client.force_login(member)
    page = new_context(color_scheme=scheme).new_page()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME,
          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_url}]
    )  # fmt: skip
    found = {}
    for path in ("/papers/2503.01307/", "/users/adaokafor/", "/users/kgandhi/?tab=comments",
                 "/users/adaokafor/collections/world-models-reading-list/", "/for-you/",
                 "/authors/kanishk-gandhi/", "/notifications/"):  # fmt: skip
        page.goto(path)
        page.wait_for_load_state("load")
        for box in page.locator("details.reply-box, details.save-menu").all()[:3]:
            box.locator("summary").click()
        if violations := axe_violations(page, axe_source):
            found[path] = violations
    assert found == {}, json.dumps(found, indent=2)
