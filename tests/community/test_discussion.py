"""The discussion under a paper, through its forms and pages: posting and replying (with
and without JavaScript), previews, limits, hostile input, orderings, editing, deleting,
upvoting, the Author badge, counts on cards, the feed and the page's query budget."""

import datetime as dt
import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from papers.community.discussion import services
from papers.community.models import Comment
from papers.core.models import Author, Paper
from tests.community.conftest import client_for, comments_url, post_comment, text
from tests.factories import make_paper, make_user
from tests.xss import PAYLOADS, live_markup_problems

pytestmark = pytest.mark.django_db


def discussion_html(response) -> str:
    html = text(response)
    match = re.search(r'<section id="discussion".*?</section>', html, flags=re.S)
    assert match, "no discussion section"
    return match.group(0)


def count_of(paper) -> int:
    return Paper.objects.values_list("comment_count", flat=True).get(pk=paper.pk)


class TestPosting:
    def test_a_form_post_creates_the_comment_and_goes_to_it(self, ada_client, paper):
        response = post_comment(ada_client, paper, "Does it work on *legged* robots?")
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/papers/2306.14846/#comment-{comment.pk}"
        assert comment.paper == paper and comment.parent is None
        assert comment.body_html == "<p>Does it work on <em>legged</em> robots?</p>"
        assert count_of(paper) == 1
        page = ada_client.get("/papers/2306.14846/")
        section = discussion_html(page)
        assert f'id="comment-{comment.pk}"' in section
        assert "<em>legged</em>" in section
        assert page.context["discussion"].count == 1

    def test_papers_without_an_arxiv_id_take_comments_by_id(self, ada_client):
        offline = make_paper(arxiv_id=None, title="Not on arXiv")
        response = ada_client.post(f"/papers/id/{offline.pk}/comments/", {"body": "Hello"})
        comment = Comment.objects.get()
        assert response["Location"] == f"/papers/id/{offline.pk}/#comment-{comment.pk}"
        assert count_of(offline) == 1

    def test_fetch_gets_json_with_the_rendered_comment(self, ada_client, paper):
        response = post_comment(ada_client, paper, "With $x^2$ in it", as_json=True)
        assert response.status_code == 201
        data = response.json()
        comment = Comment.objects.get()
        assert data["id"] == comment.pk and data["parent"] is None
        assert data["comment_count"] == 1 and data["held"] is False
        assert data["url"] == f"/papers/2306.14846/#comment-{comment.pk}"
        assert f'id="comment-{comment.pk}"' in data["html"]
        assert data["html"].lstrip().startswith('<li class="comment-thread">')
        assert "$x^2$" in data["html"]
        assert 'name="parent"' in data["html"]  # the new thread's reply form

    def test_replies_stay_one_level_deep(self, ada_client, paper, grace):
        post_comment(ada_client, paper, "First")
        first = Comment.objects.get()
        grace_client = client_for(ada_client.__class__(), grace)
        response = post_comment(grace_client, paper, "A reply", parent=first, as_json=True)
        reply = Comment.objects.get(body="A reply")
        assert response.json()["parent"] == first.pk
        assert response.json()["html"].lstrip().startswith("<li>")
        post_comment(ada_client, paper, "A reply to the reply", parent=reply)
        deeper = Comment.objects.get(body="A reply to the reply")
        assert deeper.parent == first  # it joins the thread
        threads = ada_client.get("/papers/2306.14846/").context["discussion"].threads
        assert [(t.comment.body, [r.body for r in t.replies]) for t in threads] == [
            ("First", ["A reply", "A reply to the reply"])
        ]
        assert count_of(paper) == 3

    def test_a_reply_to_another_papers_comment_is_refused(self, ada_client, paper):
        other = make_paper()
        elsewhere = services.comment_create(paper=other, author=make_user(), body="Elsewhere")
        response = post_comment(ada_client, paper, "Reply", parent=elsewhere)
        assert response.status_code == 400
        assert "no longer exists" in text(response)
        assert Comment.objects.count() == 1

    def test_visitors_are_sent_to_log_in(self, client, paper):
        response = post_comment(client, paper, "Anonymous")
        assert response.status_code == 302
        assert (
            response["Location"] == "/accounts/login/?next=%2Fpapers%2F2306.14846%2F%23discussion"
        )
        answer = post_comment(client, paper, "Anonymous", as_json=True)
        assert answer.status_code == 401
        assert answer.json()["login_url"].startswith("/accounts/login/?next=")
        assert not Comment.objects.exists()
        html = discussion_html(client.get("/papers/2306.14846/"))
        assert "Log in</a> or" in html and "<textarea" not in html

    def test_get_goes_back_to_the_discussion(self, ada_client, paper):
        response = ada_client.get(comments_url(paper))
        assert response.status_code == 302
        assert response["Location"] == "/papers/2306.14846/#discussion"

    def test_hidden_or_unknown_papers_take_no_comments(self, ada_client):
        hidden = make_paper(status=Paper.Status.HIDDEN)
        assert post_comment(ada_client, hidden, "x").status_code == 404
        assert ada_client.post("/papers/2401.99999/comments/", {"body": "x"}).status_code == 404
        assert not Comment.objects.exists()

    @pytest.mark.parametrize("body", ["", "   \n  "])
    def test_an_empty_comment_is_refused_with_a_message(self, ada_client, paper, body):
        response = post_comment(ada_client, paper, body)
        assert response.status_code == 400
        assert "Write something first." in text(response)
        assert not Comment.objects.exists()

    def test_the_length_limit(self, ada_client, paper, settings):
        settings.COMMENT_MAX_LENGTH = 40
        response = post_comment(ada_client, paper, "x" * 41)
        assert response.status_code == 400
        assert "at most 40 characters" in text(response)
        answer = post_comment(ada_client, paper, "x" * 41, as_json=True)
        assert answer.status_code == 400 and "at most 40" in answer.json()["message"]
        assert not Comment.objects.exists()
        assert post_comment(ada_client, paper, "x" * 40).status_code == 302
        assert 'maxlength="40"' in text(ada_client.get("/papers/2306.14846/"))

    def test_preview_renders_without_saving(self, ada_client, paper):
        page = post_comment(ada_client, paper, "Is $\\alpha_1$ **tuned**?", preview="1")
        assert page.status_code == 200
        html = text(page)
        assert "<strong>tuned</strong>" in html and "$\\alpha_1$" in html
        assert "Is $\\alpha_1$ **tuned**?</textarea>" in html  # the text, ready to post
        answer = post_comment(ada_client, paper, "Is **it**?", preview="1", as_json=True)
        assert answer.json() == {"preview_html": "<p>Is <strong>it</strong>?</p>"}
        assert not Comment.objects.exists()

    def test_posting_is_rate_limited(self, ada_client, paper, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": {"user": "2/m"}}
        assert post_comment(ada_client, paper, "one").status_code == 302
        assert post_comment(ada_client, paper, "two").status_code == 302
        refused = post_comment(ada_client, paper, "three")
        assert refused.status_code == 429 and refused.has_header("Retry-After")
        assert post_comment(ada_client, paper, "four", as_json=True).status_code == 429
        assert Comment.objects.count() == 2


class TestHostileInput:
    def test_every_payload_comes_back_inert(self, client, paper, ada):
        for payload in PAYLOADS:
            services.comment_create(paper=paper, author=ada, body=f"Look: {payload} end")
        for viewer in (None, ada):
            if viewer:
                client.force_login(viewer)
            html = discussion_html(client.get("/papers/2306.14846/"))
            assert not live_markup_problems(html), live_markup_problems(html)[:5]
            assert html.count('class="comment-body tex"') == len(PAYLOADS)

    def test_previews_are_sanitised_too(self, ada_client, paper):
        for payload in PAYLOADS:
            answer = post_comment(ada_client, paper, payload, preview="1", as_json=True)
            assert not live_markup_problems(answer.json()["preview_html"]), payload

    def test_links_images_and_raw_html(self, ada, paper):
        comment = services.comment_create(
            paper=paper,
            author=ada,
            body=(
                "[code](https://example.org/code) <b>bold</b> ![chart](https://evil.example/x.png) "
                "[bad](javascript:alert(1)) <https://example.org/auto>"
            ),
        )
        html = comment.body_html
        assert '<a href="https://example.org/code" rel="nofollow ugc noopener">code</a>' in html
        assert '<a href="https://example.org/auto" rel="nofollow ugc noopener">' in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html  # raw HTML is text
        assert "<img" not in html  # an image stays the text written: nothing is loaded
        assert "![chart](https://evil.example/x.png)" in html
        assert "javascript" not in html

    def test_math_survives_markdown(self, ada, paper):
        comment = services.comment_create(
            paper=paper,
            author=ada,
            body="Rate $n^{-1/2}$ for $a_1 * b_1 * c$, and\n\n$$\\sum_{i=1}^n x_i < \\epsilon$$\n\n"
            "Code: `$not_math$`",
        )
        html = comment.body_html
        assert "$n^{-1/2}$" in html and "$a_1 * b_1 * c$" in html  # no <em> from _ and *
        assert "$$\\sum_{i=1}^n x_i &lt; \\epsilon$$" in html
        assert "<code>$not_math$</code>" in html


class TestOrderAndPages:
    @pytest.fixture
    def threads(self, paper):
        base = timezone.now() - dt.timedelta(days=1)
        members = [make_user() for _ in range(3)]
        made = []
        for n, body in enumerate(["old", "middle", "new"]):
            made.append(
                services.comment_create(
                    paper=paper, author=members[n], body=body, now=base + dt.timedelta(hours=n)
                )
            )
        voter = make_user()
        services.comment_upvote(comment=made[1], user=voter)
        services.comment_upvote(comment=made[1], user=members[0])
        services.comment_upvote(comment=made[2], user=voter)
        return made

    @pytest.mark.parametrize(
        ("order", "expected"),
        [
            ("", ["old", "middle", "new"]),
            ("oldest", ["old", "middle", "new"]),
            ("newest", ["new", "middle", "old"]),
            ("top", ["middle", "new", "old"]),
            ("nonsense", ["old", "middle", "new"]),
        ],
    )
    def test_three_orderings(self, client, paper, threads, order, expected):
        response = client.get("/papers/2306.14846/", {"comments": order} if order else {})
        assert [t.comment.body for t in response.context["discussion"].threads] == expected
        assert 'aria-current="true">' in discussion_html(response)

    def test_threads_come_in_pages(self, client, paper, threads, settings, ada):
        settings.COMMENT_THREADS_PER_PAGE = 2
        first = client.get("/papers/2306.14846/")
        assert [t.comment.body for t in first.context["discussion"].threads] == ["old", "middle"]
        assert "?comments_page=2#discussion" in discussion_html(first)
        second = client.get("/papers/2306.14846/", {"comments_page": "2"})
        assert [t.comment.body for t in second.context["discussion"].threads] == ["new"]
        for junk in ("0", "-3", "x", "99999999999999999999"):
            assert client.get("/papers/2306.14846/", {"comments_page": junk}).status_code == 200
        # A new thread in the default order is on the last page: the redirect goes there.
        client.force_login(ada)
        response = post_comment(client, paper, "newest thread")
        comment = Comment.objects.get(body="newest thread")
        assert response["Location"] == (f"/papers/2306.14846/?comments_page=2#comment-{comment.pk}")


class TestEditAndDelete:
    def test_the_author_edits_within_the_window(self, ada_client, ada, paper):
        comment = services.comment_create(paper=paper, author=ada, body="Typo hree")
        url = f"/comments/{comment.pk}/edit/"
        form = ada_client.get(url)
        assert form.status_code == 200 and "Typo hree</textarea>" in text(form)
        preview = ada_client.post(url, {"body": "Typo *here*", "preview": "1"})
        assert "<em>here</em>" in text(preview)
        comment.refresh_from_db()
        assert comment.body == "Typo hree"
        response = ada_client.post(url, {"body": "Typo *here*"})
        assert response["Location"] == f"/papers/2306.14846/#comment-{comment.pk}"
        comment.refresh_from_db()
        assert comment.body_html == "<p>Typo <em>here</em></p>" and comment.edited_at
        assert "(edited)" in discussion_html(ada_client.get("/papers/2306.14846/"))
        assert count_of(paper) == 1

    def test_no_edit_after_the_window_or_by_others(self, ada_client, ada, grace, paper, settings):
        settings.COMMENT_EDIT_MINUTES = 15
        late = services.comment_create(
            paper=paper, author=ada, body="Old", now=timezone.now() - dt.timedelta(minutes=16)
        )
        response = ada_client.post(f"/comments/{late.pk}/edit/", {"body": "New"})
        assert response.status_code == 302
        late.refresh_from_db()
        assert late.body == "Old" and late.edited_at is None
        assert f'href="/comments/{late.pk}/edit/"' not in text(
            ada_client.get("/papers/2306.14846/")
        )
        fresh = services.comment_create(paper=paper, author=ada, body="Mine")
        other = client_for(ada_client.__class__(), grace)
        other.post(f"/comments/{fresh.pk}/edit/", {"body": "Grace was here"})
        fresh.refresh_from_db()
        assert fresh.body == "Mine"

    def test_deleting_a_lone_comment_removes_it(self, ada_client, ada, paper):
        comment = services.comment_create(paper=paper, author=ada, body="Regret")
        assert ada_client.get(f"/comments/{comment.pk}/delete/").status_code == 200
        response = ada_client.post(f"/comments/{comment.pk}/delete/")
        assert response["Location"] == "/papers/2306.14846/#discussion"
        comment.refresh_from_db()
        assert comment.deleted_at and comment.body == "" and comment.body_html == ""
        assert count_of(paper) == 0
        page = ada_client.get("/papers/2306.14846/")
        assert page.context["discussion"].threads == []
        assert "Regret" not in text(page)

    def test_a_deleted_comment_with_replies_and_a_deleted_reply_keep_their_place(
        self, ada_client, ada, grace, paper
    ):
        top = services.comment_create(paper=paper, author=ada, body="Question")
        reply = services.comment_create(paper=paper, author=grace, body="Answer", parent=top)
        later = services.comment_create(paper=paper, author=ada, body="Thanks", parent=top)
        ada_client.post(f"/comments/{top.pk}/delete/")
        ada_client.post(f"/comments/{later.pk}/delete/")
        html = discussion_html(ada_client.get("/papers/2306.14846/"))
        assert html.count("Comment deleted by its author.") == 2
        assert "Answer" in html and "Question" not in html and "Thanks" not in html
        assert html.index(f'id="comment-{reply.pk}"') < html.index(f'id="comment-{later.pk}"')
        assert count_of(paper) == 1
        # Deleting twice changes nothing; replying to a deleted comment is refused.
        ada_client.post(f"/comments/{top.pk}/delete/")
        assert count_of(paper) == 1
        assert post_comment(ada_client, paper, "More?", parent=top).status_code == 400

    def test_others_cannot_delete_but_staff_can(self, client, ada, grace, paper):
        comment = services.comment_create(paper=paper, author=ada, body="Mine")
        client.force_login(grace)
        assert client.post(f"/comments/{comment.pk}/delete/").status_code == 404
        assert count_of(paper) == 1
        client.force_login(make_user("staffer", is_staff=True))
        client.post(f"/comments/{comment.pk}/delete/")
        assert count_of(paper) == 0


class TestVotesAndBadges:
    def test_upvoting_a_comment(self, ada_client, grace, paper):
        comment = services.comment_create(paper=paper, author=grace, body="Useful")
        url = f"/comments/{comment.pk}/upvote/"
        response = ada_client.post(url, {"vote": "up"})
        assert response["Location"] == f"/papers/2306.14846/#comment-{comment.pk}"
        assert ada_client.post(url, {"vote": "up"}, HTTP_ACCEPT="application/json").json() == {
            "voted": True,
            "upvote_count": 1,
            "comment": comment.pk,
        }
        html = discussion_html(ada_client.get("/papers/2306.14846/"))
        assert 'aria-pressed="true"' in html
        answer = ada_client.post(url, {"vote": "down"}, HTTP_ACCEPT="application/json").json()
        assert answer["voted"] is False and answer["upvote_count"] == 0
        assert ada_client.get(url).status_code == 405

    def test_visitors_see_counts_and_are_sent_to_log_in(self, client, grace, paper):
        comment = services.comment_create(paper=paper, author=grace, body="Useful")
        response = client.post(f"/comments/{comment.pk}/upvote/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        html = discussion_html(client.get("/papers/2306.14846/"))
        assert "comment-vote-form" not in html and "upvotes" in html

    def test_an_author_who_claimed_the_paper_gets_the_badge(self, client, paper, ada, grace):
        Author.objects.filter(slug="dhruv-shah").update(user=ada)
        services.comment_create(paper=paper, author=ada, body="Author here")
        services.comment_create(paper=paper, author=grace, body="Reader here")
        html = discussion_html(client.get("/papers/2306.14846/"))
        assert html.count("badge-author") == 1
        assert html.index("badge-author") < html.index("Author here") < html.index("Reader here")


class TestCountsAndFeed:
    def test_cards_show_fresh_counts_while_their_body_stays_cached(self, client, settings, ada):
        settings.CARD_CACHE_SECONDS = 3600
        paper = make_paper(listed_on=dt.date(2026, 11, 20), submitted_by=ada)
        week = "/papers/week/2026-W47/"
        first = text(client.get(week))
        # No comment yet: no count (cards say nothing rather than "0 comments").
        assert "comment-count" not in first
        assert 'submitted by <a href="/users/ada/">@ada</a>' in first
        services.comment_create(paper=paper, author=ada, body="One")
        with CaptureQueriesContext(connection) as queries:
            second = text(client.get(week))
        assert "1 comment<" in second
        # The card's body came from the cache: no author, topic or code query.
        assert not [q for q in queries if "core_authorship" in q["sql"]]

    def test_the_discussion_feed(self, client, paper, ada, grace):
        top = services.comment_create(paper=paper, author=ada, body="With **bold**")
        services.comment_create(paper=paper, author=grace, body="Reply", parent=top)
        hidden = services.comment_create(paper=paper, author=grace, body="Spam")
        services.comment_hide(comment=hidden)
        response = client.get("/feeds/papers/2306.14846/discussion.atom")
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert [e.title for e in feed.entries] == ["grace replied", "ada commented"]
        assert "<strong>bold</strong>" in feed.entries[1].summary
        assert feed.entries[0].link.endswith(f"#comment-{top.pk + 1}")
        assert client.get("/feeds/papers/2401.99999/discussion.atom").status_code == 404

    def test_the_paper_page_query_count_does_not_grow_with_the_discussion(self, client, paper):
        member = make_user()
        services.comment_create(paper=paper, author=member, body="Only one")

        def count(viewer):
            client.logout()
            if viewer:
                client.force_login(viewer)
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/papers/2306.14846/").status_code == 200
            return len(queries)

        small = {"visitor": count(None), "member": count(member)}
        for n in range(8):
            top = services.comment_create(paper=paper, author=make_user(), body=f"Thread {n}")
            for _ in range(3):
                reply = services.comment_create(
                    paper=paper, author=make_user(), body="Reply", parent=top
                )
                services.comment_upvote(comment=reply, user=member)
        assert {"visitor": count(None), "member": count(member)} == small
        # Within the paper page's budget (tests/browse/test_pages.py: 18 for a visitor).
        assert small["visitor"] <= 18 and small["member"] <= 22
