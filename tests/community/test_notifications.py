"""Notifications: who hears about a comment, the list and the header's count, and the
batched emails (sent through the task queue) with their one-click unsubscribe."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from papers.community.discussion import services
from papers.community.models import Notification
from papers.community.notifications import emails
from papers.core.models import Author, Paper
from tests.community.conftest import client_for, post_comment, text
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(paper):
    """The paper's submitter, a member who claimed one of its authors, and two readers."""
    submitter = make_user("submitter")
    author = make_user("author")
    Paper.objects.filter(pk=paper.pk).update(submitted_by=submitter)
    Author.objects.filter(slug="dhruv-shah").update(user=author)
    return {
        "submitter": submitter,
        "author": author,
        "reader": make_user("reader"),
        "other": make_user("other"),
    }


def kinds():
    return sorted(Notification.objects.values_list("recipient__username", "kind"))


def test_who_hears_about_a_comment(client, paper, people):
    reader = client_for(client, people["reader"])
    post_comment(reader, paper, "A question")
    assert kinds() == [("author", "authored"), ("submitter", "submitted")]
    top = Notification.objects.filter(recipient=people["author"]).get().comment
    # A reply: its parent's author hears of it as a reply; nobody about their own comment.
    other = client_for(Client(), people["other"])
    post_comment(other, paper, "An answer", parent=top)
    reply = Notification.objects.filter(kind="reply").get()
    assert (reply.recipient, reply.actor) == (people["reader"], people["other"])
    author = client_for(Client(), people["author"])
    post_comment(author, paper, "The author answers", parent=top)
    latest = Notification.objects.filter(comment__body="The author answers")
    assert sorted(latest.values_list("recipient__username", "kind")) == [
        ("reader", "reply"),
        ("submitter", "submitted"),
    ]


def test_the_list_and_the_unread_count_in_the_header(client, paper, people):
    services.comment_create(paper=paper, author=people["reader"], body="First")
    services.comment_create(paper=paper, author=people["other"], body="Second")
    member = client_for(client, people["submitter"])
    page = member.get("/papers/")
    assert 'class="notification-count">2<' in text(page)
    listing = member.get("/notifications/")
    assert listing.status_code == 200
    html = text(listing)
    assert html.count("notification-unread") == 2
    assert "commented on a paper you submitted" in html and "ViNT" in html
    assert member.get("/notifications/").status_code == 200  # reading changes nothing
    mine = Notification.objects.filter(recipient=people["submitter"])
    assert mine.filter(read_at=None).count() == 2
    response = member.post("/notifications/read/")
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=people["submitter"], read_at=None).exists()
    assert "notification-count" not in text(member.get("/papers/"))
    assert Client().get("/notifications/").status_code == 302  # members only


def test_visitors_pages_do_not_count_notifications(client, paper, people):
    services.comment_create(paper=paper, author=people["reader"], body="First")
    with CaptureQueriesContext(connection) as queries:
        html = text(client.get("/papers/"))
    assert "notification-count" not in html
    assert not [q for q in queries if "community_notification" in q["sql"]]


class TestEmails:
    @pytest.fixture(autouse=True)
    def wants_email(self, people, settings):
        settings.NOTIFICATION_EMAIL_MINUTES = 60
        for member in (people["submitter"], people["author"]):
            member.email_notifications = True
            member.save()

    def test_a_comment_sends_one_email_per_member_through_the_task(
        self, client, paper, people, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_comment(client_for(client, people["reader"]), paper, "Is $x$ *right*?")
        assert sorted(m.to[0] for m in mail.outbox) == [
            "author@example.org",
            "submitter@example.org",
        ]
        message = next(m for m in mail.outbox if m.to == ["author@example.org"])
        assert "reader commented on your paper" in message.subject
        assert "ViNT: A Foundation Model" in message.body and "Is $x$ *right*?" in message.body
        assert "http://127.0.0.1:8000/papers/2306.14846/#comment-" in message.body
        unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe in message.body
        html, _ = message.alternatives[0]
        assert unsubscribe in html
        assert Notification.objects.filter(emailed_at=None).count() == 0

    def test_emails_are_batched(self, client, paper, people, django_capture_on_commit_callbacks):
        reader = client_for(client, people["reader"])
        with django_capture_on_commit_callbacks(execute=True):
            post_comment(reader, paper, "One")
        assert len(mail.outbox) == 2
        with django_capture_on_commit_callbacks(execute=True):
            post_comment(reader, paper, "Two")
            post_comment(reader, paper, "Three")
        assert len(mail.outbox) == 2  # within the hour: they wait for the next email
        call_command("send_notification_emails", stdout=io.StringIO())
        assert len(mail.outbox) == 2  # still within the hour
        past = timezone.now() - dt.timedelta(minutes=61)
        type(people["author"]).objects.update(notifications_emailed_at=past)
        out = io.StringIO()
        call_command("send_notification_emails", stdout=out)
        assert "queued" in out.getvalue()
        later = mail.outbox[2:]
        assert len(later) == 2
        assert all("2 new notifications" in m.subject for m in later)
        assert all("Two" in m.body and "Three" in m.body and "One" not in m.body for m in later)

    def test_read_notifications_are_not_emailed(self, paper, people):
        services.comment_create(paper=paper, author=people["reader"], body="Seen")
        Notification.objects.update(read_at=timezone.now())
        assert emails.notification_emails_send() == 0
        assert mail.outbox == []

    def test_one_click_unsubscribe(self, people):
        token = emails.unsubscribe_token(people["author"])
        url = f"/notifications/emails/off/{token}/"
        csrf_client = Client(enforce_csrf_checks=True)
        page = csrf_client.get(url)
        assert page.status_code == 200 and "Stop the emails" in text(page)
        people["author"].refresh_from_db()
        assert people["author"].email_notifications  # opening the link changes nothing
        response = csrf_client.post(url, "List-Unsubscribe=One-Click", content_type="text/plain")
        assert response.status_code == 200
        people["author"].refresh_from_db()
        assert not people["author"].email_notifications
        for bad in (token[:-2] + "xx", "nonsense"):
            assert csrf_client.post(f"/notifications/emails/off/{bad}/").status_code == 400
        assert people["submitter"].email_notifications

    def test_a_token_stops_working_when_the_address_changes(self, people):
        token = emails.unsubscribe_token(people["author"])
        type(people["author"]).objects.filter(pk=people["author"].pk).update(
            email="new@example.org"
        )
        assert Client().post(f"/notifications/emails/off/{token}/").status_code == 400

    def test_members_choose_emails_in_their_profile(self, client, people):
        reader = client_for(client, people["reader"])
        assert 'name="email_notifications"' in text(reader.get("/accounts/profile/"))
        reader.post(
            "/accounts/profile/",
            {"display_name": "", "affiliation": "", "bio": "", "links_text": "",
             "email_notifications": "on"},
        )  # fmt: skip
        people["reader"].refresh_from_db()
        assert people["reader"].email_notifications


def test_the_list_query_count_does_not_grow(client, paper, people):
    member = client_for(client, people["submitter"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert member.get("/notifications/").status_code == 200
        return len(queries)

    services.comment_create(paper=paper, author=people["reader"], body="First")
    small = count()
    for n in range(8):
        services.comment_create(paper=make_paper(submitted_by=people["submitter"]),
                                author=make_user(), body=f"More {n}")  # fmt: skip
    assert count() == small <= 8


def test_notifications_of_removed_comments_disappear(client, paper, people):
    spam = services.comment_create(paper=paper, author=people["reader"], body="Cheap pills")
    gone = services.comment_create(paper=paper, author=people["other"], body="Oops")
    member = client_for(client, people["submitter"])
    assert 'class="notification-count">2<' in text(member.get("/papers/"))
    services.comment_hide(comment=spam)
    services.comment_delete(comment=gone, user=people["other"])
    html = text(member.get("/notifications/"))
    assert "Cheap pills" not in html and "Oops" not in html
    assert "notification-count" not in text(member.get("/papers/"))
