"""Accounts: sign up, log in and out, password change and reset, limits, member pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction

from papers.core.models import Paper
from tests.factories import make_paper, make_upvote, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct horse battery staple"


def signup_data(**overrides):
    return {
        "username": "grace",
        "email": "grace@example.org",
        "password1": "an unusual passphrase 42",
        "password2": "an unusual passphrase 42",
        **overrides,
    }


def text(response):
    return response.content.decode()


class TestSignup:
    def test_signup_creates_member_logs_in_and_goes_back(self, client):
        response = client.post("/accounts/signup/", signup_data(next="/papers/"))
        assert response.status_code == 302
        assert response["Location"] == "/papers/"
        user = User.objects.get(username="grace")
        assert user.email == "grace@example.org"
        assert user.check_password("an unusual passphrase 42")
        assert client.session["_auth_user_id"] == str(user.pk)
        page = client.get("/papers/")
        assert 'href="/users/grace/"' in text(page)

    @pytest.mark.parametrize("next_url", ["0", "home", "signup"])
    def test_a_next_that_looks_like_a_view_name_is_a_path(self, client, next_url):
        response = client.post("/accounts/signup/", signup_data(next=next_url))
        assert response.status_code == 302
        assert response["Location"] == next_url
        assert client.get(f"/accounts/signup/?next={next_url}")["Location"] == next_url

    def test_signup_page(self, client):
        response = client.get("/accounts/signup/?next=/papers/")
        assert response.status_code == 200
        body = text(response)
        assert 'name="email"' in body
        assert 'name="next" value="/papers/"' in body

    def test_email_is_required_and_validated(self, client):
        response = client.post("/accounts/signup/", signup_data(email=""))
        assert "email" in response.context["form"].errors
        response = client.post("/accounts/signup/", signup_data(email="not-an-email"))
        assert "email" in response.context["form"].errors
        assert not User.objects.exists()

    def test_emails_are_unique_whatever_their_case(self, client):
        make_user("ada", email="Ada@Example.org")
        response = client.post("/accounts/signup/", signup_data(email="ada@EXAMPLE.ORG"))
        assert response.status_code == 200
        assert response.context["form"].errors["email"] == [
            "An account with this email address already exists. If it is yours, log in or "
            "reset your password."
        ]
        assert not User.objects.filter(username="grace").exists()

    def test_usernames_are_unique_whatever_their_case(self, client):
        make_user("Grace")
        response = client.post("/accounts/signup/", signup_data(username="grace"))
        assert "username" in response.context["form"].errors

    def test_database_refuses_duplicate_emails_in_any_case(self):
        make_user("ada", email="ada@example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_user("ada2", email="ADA@example.org")
        # Accounts without an email (createsuperuser) do not collide.
        make_user("root1", email="")
        make_user("root2", email="")

    def test_weak_password_refused(self, client):
        response = client.post(
            "/accounts/signup/", signup_data(password1="password", password2="password")
        )
        assert "password2" in response.context["form"].errors or response.context[
            "form"
        ].errors.get("password1")
        assert not User.objects.exists()

    def test_members_are_sent_on(self, client):
        client.force_login(make_user())
        assert client.get("/accounts/signup/")["Location"] == "/"

    def test_signups_are_rate_limited_per_ip_and_reset_after_the_window(
        self, client, settings, clock
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": {"ip": "2/h", "account": "5/h"}}
        for n in range(2):
            client.post("/accounts/signup/", signup_data(username=f"u{n}", email=f"u{n}@x.org"))
            client.logout()
        response = client.post("/accounts/signup/", signup_data())
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "Too many attempts" in text(response)
        assert not User.objects.filter(username="grace").exists()
        # Another address is not limited.
        other = client.post("/accounts/signup/", signup_data(), REMOTE_ADDR="198.51.100.20")
        assert other.status_code == 302
        client.logout()
        clock.advance(2 * 3600)
        response = client.post("/accounts/signup/", signup_data(username="h", email="h@x.org"))
        assert response.status_code == 302


class TestLogin:
    def test_login_and_logout(self, client):
        user = make_user("ada", password=PASSWORD)
        page = client.get("/accounts/login/?next=/papers/")
        assert page.status_code == 200
        assert page.context["site_name"] == "Paper Catalogue"
        response = client.post(
            "/accounts/login/", {"username": "ada", "password": PASSWORD, "next": "/papers/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/papers/"
        assert client.session["_auth_user_id"] == str(user.pk)
        assert client.get("/accounts/logout/").status_code == 405  # POST only
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_wrong_password(self, client):
        make_user("ada", password=PASSWORD)
        response = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "_auth_user_id" not in client.session

    def test_open_redirects_are_refused(self, client):
        make_user("ada", password=PASSWORD)
        response = client.post(
            "/accounts/login/",
            {"username": "ada", "password": PASSWORD, "next": "https://evil.example/"},
        )
        assert response["Location"] == "/"

    def test_login_is_limited_per_account(self, client, settings, clock):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"ip": "100/h", "account": "3/h"}}
        make_user("ada", password=PASSWORD)
        for n in range(3):
            response = client.post(
                "/accounts/login/",
                {"username": "ada", "password": "guess"},
                REMOTE_ADDR=f"198.51.100.{n}",  # a botnet: a new address each time
            )
            assert response.status_code == 200
        # Even the right password is refused now, from anywhere, without checking it.
        response = client.post(
            "/accounts/login/",
            {"username": "ADA", "password": PASSWORD},
            REMOTE_ADDR="203.0.113.50",
        )
        assert response.status_code == 429
        assert "Too many attempts" in text(response)
        assert 'value="ADA"' in text(response)
        assert "_auth_user_id" not in client.session
        clock.advance(3600 * 2)
        response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
        assert response.status_code == 302

    def test_login_is_limited_per_ip(self, client, settings, clock):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"ip": "3/15m", "account": "9/h"}}
        for n in range(3):
            client.post("/accounts/login/", {"username": f"user{n}", "password": "guess"})
        response = client.post("/accounts/login/", {"username": "user9", "password": "guess"})
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 30 * 60
        clock.advance(30 * 60)
        response = client.post("/accounts/login/", {"username": "user9", "password": "guess"})
        assert response.status_code == 200

    def test_successful_login_clears_the_accounts_failures(self, client, settings, clock):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"ip": "100/h", "account": "3/h"}}
        make_user("ada", password=PASSWORD)
        client.post("/accounts/login/", {"username": "ada", "password": "typo"})
        client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
        client.logout()
        for _ in range(2):
            client.post("/accounts/login/", {"username": "ada", "password": "typo"})
        response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
        assert response.status_code == 302


class TestPasswords:
    def test_password_change(self, client):
        user = make_user("ada", password=PASSWORD)
        client.force_login(user)
        assert client.get("/accounts/password/change/").status_code == 200
        response = client.post(
            "/accounts/password/change/",
            {
                "old_password": PASSWORD,
                "new_password1": "a brand new passphrase",
                "new_password2": "a brand new passphrase",
            },
        )
        assert response["Location"] == "/accounts/password/change/done/"
        user.refresh_from_db()
        assert user.check_password("a brand new passphrase")
        assert client.get("/accounts/password/change/done/").status_code == 200

    def test_password_change_is_rate_limited(self, client, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_change": {"user": "2/h"}}
        user = make_user("ada", password=PASSWORD)
        client.force_login(user)
        new = "x y z w 1"
        wrong = {"old_password": "guess", "new_password1": new, "new_password2": new}
        for _ in range(2):
            assert client.post("/accounts/password/change/", wrong).status_code == 200
        right = {**wrong, "old_password": PASSWORD}
        assert client.post("/accounts/password/change/", right).status_code == 429
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_password_change_needs_login(self, client):
        response = client.get("/accounts/password/change/")
        assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"

    def test_password_reset_by_email(self, client):
        user = make_user("ada", email="ada@example.org", password=PASSWORD)
        assert client.get("/accounts/password/reset/").status_code == 200
        response = client.post("/accounts/password/reset/", {"email": "ADA@example.org"})
        assert response["Location"] == "/accounts/password/reset/sent/"
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["ada@example.org"]
        assert message.subject == "Reset your password on Paper Catalogue"
        assert message.body.startswith("Hello ada,\n\nSomeone (hopefully you)")
        link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
        assert link, message.body
        form_page = client.get(link.group(1), follow=True)
        assert form_page.context["validlink"]
        response = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "reset passphrase 77", "new_password2": "reset passphrase 77"},
        )
        assert response["Location"] == "/accounts/password/reset/done/"
        user.refresh_from_db()
        assert user.check_password("reset passphrase 77")
        # The link works once.
        assert not client.get(link.group(1), follow=True).context["validlink"]

    def test_reset_for_unknown_email_sends_nothing_but_looks_the_same(self, client):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
        assert response["Location"] == "/accounts/password/reset/sent/"
        assert mail.outbox == []

    def test_reset_is_limited_per_address_and_per_ip(self, client, settings, clock):
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "password_reset": {"ip": "4/h", "account": "2/h"},
        }
        make_user("ada", email="ada@example.org")
        for _ in range(2):
            client.post("/accounts/password/reset/", {"email": "ada@example.org"})
        response = client.post("/accounts/password/reset/", {"email": "Ada@Example.org"})
        assert response.status_code == 429
        assert len(mail.outbox) == 2  # no mail bombing
        # Three attempts from this IP so far (refused ones count too): one more is allowed.
        assert client.post("/accounts/password/reset/", {"email": "x@x.org"}).status_code == 302
        assert client.post("/accounts/password/reset/", {"email": "y@x.org"}).status_code == 429
        clock.advance(2 * 3600)
        response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
        assert response.status_code == 302
        assert len(mail.outbox) == 3


class TestHeader:
    def test_visitor_sees_log_in_and_sign_up_coming_back_here(self, client):
        body = text(client.get("/papers/?sort=new"))
        assert 'href="/accounts/login/?next=/papers/%3Fsort%3Dnew"' in body
        assert 'href="/accounts/signup/?next=/papers/%3Fsort%3Dnew"' in body
        login_page = text(client.get("/accounts/login/"))
        assert 'href="/accounts/login/"' in login_page  # no next back to the login page

    def test_member_sees_name_submit_and_log_out(self, client):
        client.force_login(make_user("ada"))
        body = text(client.get("/"))
        assert 'href="/users/ada/"' in body
        assert 'href="/submit/"' in body
        assert 'action="/accounts/logout/"' in body
        assert "/accounts/login/" not in body


class TestMemberPage:
    def test_shows_upvoted_papers_most_recent_vote_first(self, client):
        import datetime as dt

        ada = make_user("ada")
        first, second = make_paper(title="Voted first"), make_paper(title="Voted second")
        hidden = make_paper(title="Hidden since", status=Paper.Status.HIDDEN)
        make_paper(title="Never voted")
        base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        make_upvote(paper=first, user=ada, created_at=base)
        make_upvote(paper=second, user=ada, created_at=base + dt.timedelta(hours=1))
        make_upvote(paper=hidden, user=ada, created_at=base + dt.timedelta(hours=2))
        response = client.get("/users/ada/")
        assert response.status_code == 200
        assert [p.title for p in response.context["page_obj"]] == ["Voted second", "Voted first"]

    def test_submissions_show_pending_ones_only_to_their_member(self, client):
        ada = make_user("ada")
        make_paper(title="Approved one", submitted_by=ada)
        make_paper(arxiv_id="2411.00001", title="x", submitted_by=ada, status=Paper.Status.PENDING)
        response = client.get("/users/ada/")
        assert [p.title for p in response.context["submissions"]] == ["Approved one"]
        client.force_login(ada)
        response = client.get("/users/ada/")
        assert len(response.context["submissions"]) == 2
        assert "Pending review" in text(response)

    def test_unknown_or_inactive_member_is_404(self, client):
        make_user("gone", is_active=False)
        assert client.get("/users/nobody/").status_code == 404
        assert client.get("/users/gone/").status_code == 404

    def test_query_count_is_constant(self, client, django_assert_max_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        ada = make_user("ada")
        client.force_login(ada)

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/users/ada/").status_code == 200
            return len(queries)

        make_upvote(paper=make_paper(authors=["A B"]), user=ada)
        small = count()
        for _ in range(6):
            make_upvote(paper=make_paper(authors=["C D", "E F"]), user=ada)
            make_paper(submitted_by=ada)
        assert count() == small
