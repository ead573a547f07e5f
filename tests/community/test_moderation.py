"""Moderation through the public surface: held first comments, reports, staff hiding,
restoring and deleting comments in the admin, bans from posting, the recount command.
Counts stay exact through every move."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from papers.community.discussion import services
from papers.community.models import Comment, CommentReport, Notification
from papers.core.models import Paper
from tests.community.conftest import client_for, post_comment, text
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def count_of(paper) -> int:
    return Paper.objects.values_list("comment_count", flat=True).get(pk=paper.pk)


@pytest.fixture
def staff_client(client):
    staff = get_user_model().objects.create_superuser("curator", "curator@example.org", "pw")
    client.force_login(staff)
    return client


def admin_action(client, model, action, objects):
    return client.post(
        f"/admin/community/{model}/",
        {"action": action, "_selected_action": [o.pk for o in objects]},
    )


class TestHeldForReview:
    @pytest.fixture(autouse=True)
    def review(self, settings):
        settings.COMMENT_REVIEW_FIRST = 1
        settings.COMMENT_REVIEW_ACCOUNT_DAYS = 7

    def test_a_new_accounts_first_comment_waits_for_staff(self, client, paper, staff_client):
        newcomer = make_user("newcomer")
        member = client_for(client.__class__(), newcomer)
        response = post_comment(member, paper, "My first comment")
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert count_of(paper) == 0
        page = member.get(response["Location"].split("#")[0])
        assert "will be visible to everyone once a moderator approves it" in text(page)
        assert "Awaiting review" in text(page) and "My first comment" in text(page)
        # Others do not see it.
        assert "My first comment" not in text(
            client_for(client.__class__(), make_user()).get("/papers/2306.14846/")
        )
        assert "My first comment" not in text(client.__class__().get("/papers/2306.14846/"))
        # Staff find it in the admin and approve it: it counts, and is shown.
        listing = staff_client.get("/admin/community/comment/?status__exact=pending")
        assert "My first comment" in text(listing)
        admin_action(staff_client, "comment", "restore", [comment])
        comment.refresh_from_db()
        assert comment.status == Comment.Status.VISIBLE and count_of(paper) == 1
        # The next one is published at once.
        post_comment(member, paper, "Second")
        assert Comment.objects.get(body="Second").status == Comment.Status.VISIBLE

    def test_json_says_it_is_held(self, client, paper):
        member = client_for(client, make_user())
        answer = post_comment(member, paper, "Held", as_json=True).json()
        assert answer["held"] is True and answer["comment_count"] == 0
        assert "Awaiting review" in answer["html"]

    def test_older_accounts_and_staff_post_at_once(self, client, paper):
        old = make_user(date_joined=timezone.now() - dt.timedelta(days=30))
        post_comment(client_for(client, old), paper, "Old hand")
        staff = make_user(is_staff=True)
        post_comment(client_for(client, staff), paper, "Staff")
        assert set(Comment.objects.values_list("status", flat=True)) == {"visible"}
        assert count_of(paper) == 2

    def test_approval_is_when_people_hear_of_it(self, client, paper, ada, staff_client):
        Paper.objects.filter(pk=paper.pk).update(submitted_by=ada)
        post_comment(client_for(client.__class__(), make_user()), paper, "Held")
        assert not Notification.objects.exists()
        admin_action(staff_client, "comment", "restore", Comment.objects.all())
        assert Notification.objects.get().recipient == ada


class TestReportsAndStaff:
    def test_a_member_reports_and_staff_hide_and_restore(self, client, paper, ada, grace):
        comment = services.comment_create(paper=paper, author=ada, body="Buy cheap pills")
        reply = services.comment_create(paper=paper, author=grace, body="Spam?", parent=comment)
        reporter = client_for(client.__class__(), grace)
        form = reporter.get(f"/comments/{comment.pk}/report/")
        assert form.status_code == 200 and "Buy cheap pills" in text(form)
        response = reporter.post(
            f"/comments/{comment.pk}/report/", {"reason": "spam", "note": "ad"}
        )
        assert response.status_code == 302
        reporter.post(f"/comments/{comment.pk}/report/", {"reason": "spam"})  # twice: one report
        report = CommentReport.objects.get()
        assert (report.reporter, report.reason, report.note) == (grace, "spam", "ad")
        # Reporting one's own comment is refused.
        own = client_for(client.__class__(), ada).post(
            f"/comments/{comment.pk}/report/", {"reason": "spam"}
        )
        assert own.status_code == 400 and CommentReport.objects.count() == 1

        staff = client_for(client, make_user("mod", is_staff=True, is_superuser=True))
        listing = staff.get("/admin/community/comment/?reported=open")
        assert "Buy cheap pills" in text(listing) and "Spam?" not in text(listing)
        assert staff.get("/admin/community/commentreport/").status_code == 200
        admin_action(staff, "commentreport", "hide_comments", [report])
        comment.refresh_from_db()
        report.refresh_from_db()
        assert comment.status == Comment.Status.HIDDEN and report.resolved_at
        assert count_of(paper) == 1  # the reply still counts
        visitor_html = text(client.__class__().get("/papers/2306.14846/"))
        assert "Buy cheap pills" not in visitor_html
        assert "Comment removed by the moderators." in visitor_html and "Spam?" in visitor_html
        assert "Buy cheap pills" in text(staff.get("/papers/2306.14846/"))  # staff see it, marked
        # A hidden comment cannot be upvoted, reported or replied to.
        assert reporter.post(f"/comments/{comment.pk}/upvote/").status_code == 404
        assert post_comment(reporter, paper, "Reply", parent=comment).status_code == 400
        admin_action(staff, "comment", "restore", [comment])
        comment.refresh_from_db()
        assert comment.status == Comment.Status.VISIBLE and count_of(paper) == 2
        assert reply.pk  # (kept throughout)

    def test_admin_delete_takes_the_thread_off_the_count(self, client, paper, ada, grace):
        top = services.comment_create(paper=paper, author=ada, body="Top")
        services.comment_create(paper=paper, author=grace, body="Reply", parent=top)
        services.comment_create(paper=paper, author=grace, body="Other")
        staff = client_for(client, make_user("mod", is_staff=True, is_superuser=True))
        response = staff.post(f"/admin/community/comment/{top.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert list(Comment.objects.values_list("body", flat=True)) == ["Other"]
        assert count_of(paper) == 1

    def test_staff_ban_a_member_from_posting(self, client, paper, ada):
        staff = client_for(client.__class__(), make_user("mod", is_staff=True, is_superuser=True))
        response = admin_action(staff, "user", "ban_from_posting", [ada])
        assert response.status_code == 302
        ada.refresh_from_db()
        assert ada.posting_banned
        member = client_for(client, ada)
        refused = post_comment(member, paper, "Let me in")
        assert refused.status_code == 400 and "no longer post comments" in text(refused)
        assert not Comment.objects.exists()
        page = text(member.get("/papers/2306.14846/"))
        assert "You can no longer post comments here." in page and "<textarea" not in page
        # Voting and reading still work.
        assert member.post("/papers/2306.14846/upvote/").status_code == 302
        admin_action(staff, "user", "allow_posting", [ada])
        assert post_comment(member, paper, "Thanks").status_code == 302

    def test_members_cannot_reach_the_moderation_admin(self, client, ada):
        client.force_login(ada)
        for url in ("/admin/community/comment/", "/admin/community/commentreport/"):
            assert client.get(url).status_code == 302


def test_recount_repairs_drifted_counts(paper, ada, grace):
    top = services.comment_create(paper=paper, author=ada, body="A")
    services.comment_create(paper=paper, author=grace, body="B", parent=top)
    services.comment_upvote(comment=top, user=grace)
    Paper.objects.filter(pk=paper.pk).update(comment_count=7)
    Comment.objects.filter(pk=top.pk).update(upvote_count=3)
    out = io.StringIO()
    call_command("recount_comments", stdout=out)
    assert "2 count(s) were wrong" in out.getvalue()
    assert count_of(paper) == 2
    assert Comment.objects.get(pk=top.pk).upvote_count == 1
    out = io.StringIO()
    call_command("recount_comments", stdout=out)
    assert "0 count(s)" in out.getvalue()


def test_deleting_a_member_keeps_their_comments_and_fixes_vote_counts(client, paper, ada, grace):
    top = services.comment_create(paper=paper, author=ada, body="Stays")
    services.comment_upvote(comment=top, user=grace)
    staff = client_for(client, make_user("mod", is_staff=True, is_superuser=True))
    staff.post(f"/admin/community/user/{grace.pk}/delete/", {"post": "yes"})
    top.refresh_from_db()
    assert top.upvote_count == 0
    ada_id = ada.pk
    staff.post(f"/admin/community/user/{ada_id}/delete/", {"post": "yes"})
    top.refresh_from_db()
    assert top.author is None and count_of(paper) == 1
    assert "a former member" in text(client.get("/papers/2306.14846/"))
