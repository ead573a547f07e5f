"""Upvotes: the service, the endpoint (form and fetch), the button, counts and repairs."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from papers.community import services
from papers.community.models import Upvote
from papers.core.models import Authorship, CodeLink, Paper
from tests.factories import (
    make_author,
    make_paper,
    make_repository,
    make_topic,
    make_upvote,
    make_user,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 20)
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def paper():
    return make_paper(title="ViNT", arxiv_id="2306.14846", listed_on=DAY)


@pytest.fixture
def member(client):
    user = make_user("ada")
    client.force_login(user)
    return user


def count_of(paper):
    paper.refresh_from_db()
    return paper.upvote_count


def button_html(response, paper):
    """The vote form of ``paper`` in a rendered page."""
    match = re.search(
        rf'<form class="vote-form[^"]*" id="vote-{paper.pk}".*?</form>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no vote button for paper {paper.pk}"
    return match.group(0)


class TestService:
    def test_toggle_adds_then_removes(self, paper):
        user = make_user()
        first = services.paper_upvote(paper=paper, user=user)
        assert (first.voted, first.changed, first.upvote_count) == (True, True, 1)
        assert Upvote.objects.filter(user=user, paper=paper).count() == 1
        second = services.paper_upvote(paper=paper, user=user)
        assert (second.voted, second.changed, second.upvote_count) == (False, True, 0)
        assert not Upvote.objects.exists()
        assert count_of(paper) == 0

    def test_explicit_state_is_idempotent(self, paper):
        user = make_user()
        for _ in range(3):
            result = services.paper_upvote(paper=paper, user=user, voted=True)
        assert (result.voted, result.changed, result.upvote_count) == (True, False, 1)
        assert Upvote.objects.count() == 1
        for _ in range(2):
            result = services.paper_upvote(paper=paper, user=user, voted=False)
        assert (result.voted, result.changed, result.upvote_count) == (False, False, 0)

    def test_counts_several_members(self, paper):
        for _ in range(3):
            services.paper_upvote(paper=paper, user=make_user())
        assert count_of(paper) == 3 == paper.upvotes.count()

    def test_vote_refreshes_trending_score(self, paper):
        assert paper.trending_score == 0
        services.paper_upvote(paper=paper, user=make_user())
        paper.refresh_from_db()
        assert paper.trending_score > 0

    def test_database_allows_one_vote_per_member_and_paper(self, paper):
        user = make_user()
        Upvote.objects.create(user=user, paper=paper)
        with pytest.raises(IntegrityError), transaction.atomic():
            Upvote.objects.create(user=user, paper=paper)

    def test_unvote_never_makes_a_negative_count(self, paper):
        user = make_user()
        Upvote.objects.create(user=user, paper=paper)  # a row the counter missed
        result = services.paper_upvote(paper=paper, user=user)
        assert (result.voted, result.upvote_count) == (False, 0)

    def test_deleting_a_member_in_the_admin_takes_their_votes_off_the_counts(self, client, paper):
        user, other = make_user(), make_user()
        services.paper_upvote(paper=paper, user=user)
        services.paper_upvote(paper=paper, user=other)
        client.force_login(make_user(is_staff=True, is_superuser=True))
        response = client.post(f"/admin/community/user/{user.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not type(user).objects.filter(pk=user.pk).exists()
        paper.refresh_from_db()
        assert paper.upvote_count == 1 == paper.upvotes.count()
        assert paper.trending_score > 0


class TestEndpoint:
    def test_form_post_toggles_and_redirects_back(self, client, member, paper):
        response = client.post("/papers/2306.14846/upvote/", {"next": "/papers/date/2025-06-20/"})
        assert response.status_code == 302
        assert response["Location"] == f"/papers/date/2025-06-20/#vote-{paper.pk}"
        assert count_of(paper) == 1
        assert Upvote.objects.filter(user=member, paper=paper).exists()
        client.post("/papers/2306.14846/upvote/")
        assert count_of(paper) == 0

    def test_form_state_makes_double_submits_harmless(self, client, member, paper):
        for _ in range(2):
            client.post("/papers/2306.14846/upvote/", {"vote": "up"})
        assert count_of(paper) == 1
        for _ in range(2):
            client.post("/papers/2306.14846/upvote/", {"vote": "down"})
        assert count_of(paper) == 0

    def test_fetch_gets_json_with_the_servers_count(self, client, member, paper):
        make_upvote(paper=paper)
        response = client.post("/papers/2306.14846/upvote/", {"vote": "up"}, **JSON)
        assert response.status_code == 200
        data = response.json()
        assert (data["voted"], data["upvote_count"], data["paper"]) == (True, 2, paper.pk)
        assert data["trending"]["votes_last_day"] == data["trending"]["votes_last_week"] == 2
        response = client.post("/papers/2306.14846/upvote/", {"vote": "down"}, **JSON)
        data = response.json()
        assert (data["voted"], data["upvote_count"], data["paper"]) == (False, 1, paper.pk)
        assert data["trending"]["votes_last_day"] == 1

    def test_redirects_only_to_this_site(self, client, member, paper):
        for evil in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
            response = client.post("/papers/2306.14846/upvote/", {"next": evil})
            assert response["Location"] == f"/papers/2306.14846/#vote-{paper.pk}"

    def test_anonymous_is_sent_to_log_in_and_back_to_the_paper(self, client, paper):
        response = client.post("/papers/2306.14846/upvote/", {"next": "/"})
        assert response.status_code == 302
        login = f"/accounts/login/?next=%2Fpapers%2F2306.14846%2F&upvote={paper.pk}"
        assert response["Location"] == login
        assert count_of(paper) == 0
        response = client.post("/papers/2306.14846/upvote/", **JSON)
        assert response.status_code == 401
        assert response.json()["login_url"] == login

    def test_log_in_to_upvote_says_so_then_casts_the_vote(self, client, paper):
        grace = make_user("grace", password="a long enough password")
        login_url = client.post("/papers/2306.14846/upvote/")["Location"]
        page = client.get(login_url)
        assert "Log in to upvote" in page.content.decode()
        assert f"“{paper.title}” gets your upvote" in page.content.decode()
        response = client.post(
            login_url,
            {
                "username": "grace",
                "password": "a long enough password",
                "next": "/papers/2306.14846/",
                "upvote": str(paper.pk),
            },
        )
        assert response["Location"] == f"/papers/2306.14846/#vote-{paper.pk}"
        assert Upvote.objects.filter(user=grace, paper=paper).exists()
        assert count_of(paper) == 1
        # Logging in again with the same intent does not take the vote back.
        client.logout()
        again = {"username": "grace", "password": "a long enough password", "upvote": paper.pk}
        client.post(login_url, again)
        assert count_of(paper) == 1

    def test_sign_up_to_upvote_casts_the_vote_too(self, client, paper):
        response = client.post(
            f"/accounts/signup/?next=/papers/2306.14846/&upvote={paper.pk}",
            {
                "username": "newcomer",
                "email": "newcomer@example.org",
                "password1": "a long enough passphrase 1",
                "password2": "a long enough passphrase 1",
                "next": "/papers/2306.14846/",
                "upvote": str(paper.pk),
            },
        )
        assert response["Location"] == f"/papers/2306.14846/#vote-{paper.pk}"
        assert Upvote.objects.filter(user__username="newcomer", paper=paper).exists()

    def test_a_failed_log_in_casts_nothing(self, client, paper):
        make_user("grace", password="a long enough password")
        client.post(
            f"/accounts/login/?upvote={paper.pk}",
            {"username": "grace", "password": "wrong", "upvote": str(paper.pk)},
        )
        assert count_of(paper) == 0

    def test_csrf_is_required(self, paper):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user())
        assert client.post("/papers/2306.14846/upvote/").status_code == 403
        assert client.post("/papers/2306.14846/upvote/", **JSON).status_code == 403
        assert count_of(paper) == 0

    def test_csrf_token_from_the_form_is_accepted(self, paper):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user())
        page = client.get("/papers/2306.14846/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', button_html(page, paper))
        response = client.post(
            "/papers/2306.14846/upvote/", {"csrfmiddlewaretoken": token.group(1)}, **JSON
        )
        assert response.status_code == 200
        assert count_of(paper) == 1

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_only_post(self, client, member, paper, method):
        assert getattr(client, method)("/papers/2306.14846/upvote/").status_code == 405
        assert count_of(paper) == 0

    def test_unknown_and_unpublished_papers_are_404(self, client, member):
        hidden = make_paper(arxiv_id="2401.99999", status=Paper.Status.HIDDEN)
        assert client.post("/papers/2401.99999/upvote/").status_code == 404
        assert client.post("/papers/2306.00000/upvote/").status_code == 404
        assert client.post(f"/papers/id/{hidden.pk}/upvote/").status_code == 404
        assert count_of(hidden) == 0

    def test_paper_without_arxiv_id(self, client, member):
        paper = make_paper(arxiv_id=None, title="Not on arXiv")
        response = client.post(f"/papers/id/{paper.pk}/upvote/", **JSON)
        assert response.json()["upvote_count"] == 1
        page = client.get(f"/papers/id/{paper.pk}/")
        assert f'action="/papers/id/{paper.pk}/upvote/"' in button_html(page, paper)

    def test_old_style_arxiv_id(self, client, member):
        paper = make_paper(arxiv_id="hep-th/9901001")
        response = client.post("/papers/hep-th/9901001/upvote/", **JSON)
        assert response.status_code == 200
        assert count_of(paper) == 1

    def test_votes_are_rate_limited_per_member(self, client, member, paper, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": {"user": "3/m"}}
        for _ in range(3):
            assert client.post("/papers/2306.14846/upvote/", **JSON).status_code == 200
        response = client.post("/papers/2306.14846/upvote/", **JSON)
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["error"] == "rate_limited"
        assert count_of(paper) == 1  # the refused toggle did nothing
        page = client.post("/papers/2306.14846/upvote/")
        assert page.status_code == 429
        assert "Too many requests" in page.content.decode()
        # Another member is not affected.
        other = Client()
        other.force_login(make_user())
        assert other.post("/papers/2306.14846/upvote/", **JSON).status_code == 200


class TestButton:
    def test_shows_count_and_state(self, client, member, paper):
        make_upvote(paper=paper)
        html = button_html(client.get("/papers/2306.14846/"), paper)
        assert 'aria-pressed="false"' in html
        assert 'name="vote" value="up"' in html
        assert '<span class="vote-count">1</span>' in html
        client.post("/papers/2306.14846/upvote/")
        html = button_html(client.get("/papers/2306.14846/"), paper)
        assert 'aria-pressed="true"' in html
        assert 'name="vote" value="down"' in html
        assert '<span class="vote-count">2</span>' in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert 'name="next" value="/papers/2306.14846/"' in html

    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/papers/",
            "/papers/date/2025-06-20/",
            "/papers/week/2025-W25/",
            "/authors/dhruv-shah/",
            "/topics/navigation/",
            "/repos/robodhruv/visualnav-transformer/",
            "/users/ada/",
        ],
    )
    def test_on_every_list_page(self, client, member, paper, url):
        author = make_author("Dhruv Shah", slug="dhruv-shah")
        topic = make_topic("Navigation", slug="navigation")
        repo = make_repository("robodhruv", "visualnav-transformer")
        other = make_paper(
            title="Not voted", listed_on=DAY, authors=[author], topics=[topic], repositories=[repo]
        )
        Authorship.objects.create(paper=paper, author=author, position=1)
        paper.topics.add(topic)
        CodeLink.objects.create(paper=paper, repository=repo)
        make_upvote(paper=paper, user=member)
        response = client.get(url)
        assert 'aria-pressed="true"' in button_html(response, paper)
        if url != "/users/ada/":
            assert 'aria-pressed="false"' in button_html(response, other)

    def test_anonymous_sees_counts_and_a_log_in_link(self, client, paper):
        make_upvote(paper=paper)
        body = client.get("/").content.decode()
        match = re.search(rf'<div class="vote-form[^"]*" id="vote-{paper.pk}".*?</div>', body, re.S)
        assert match, "no vote link for visitors"
        html = match.group(0)
        assert (
            f'href="/accounts/login/?next=%2Fpapers%2F2306.14846%2F&amp;upvote={paper.pk}"' in html
        )
        assert 'title="Log in to upvote"' in html
        assert '<span class="vote-count">1</span>' in html
        assert "csrfmiddlewaretoken" not in body  # visitors' pages can be cached

    def test_staff_preview_of_a_hidden_paper_has_no_button(self, client):
        hidden = make_paper(arxiv_id="2401.99998", status=Paper.Status.HIDDEN)
        client.force_login(make_user(is_staff=True))
        body = client.get("/papers/2401.99998/").content.decode()
        assert f'id="vote-{hidden.pk}"' not in body
        assert 'class="vote-box vote-box-large"' in body

    def test_script_is_linked_and_not_inline(self, client, paper):
        body = client.get("/").content.decode()
        assert '<script src="/static/js/upvote.js" defer></script>' in body
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body) is None
        from django.contrib.staticfiles import finders

        assert finders.find("js/upvote.js")

    @pytest.mark.parametrize("url", ["/", "/papers/", "/papers/date/2025-06-20/"])
    def test_member_list_pages_query_the_votes_once(self, client, member, paper, url):
        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return [q["sql"] for q in queries.captured_queries]

        small = count_queries()
        for n in range(8):
            paper = make_paper(title=f"Growth {n}", listed_on=DAY)
            if n % 2:
                make_upvote(paper=paper, user=member)
        big = count_queries()
        assert len(big) == len(small)
        assert sum('"community_upvote"' in sql for sql in big) == 1


class TestRecount:
    def test_recount_repairs_drift(self, paper):
        other = make_paper()
        make_upvote(paper=paper)
        make_upvote(paper=paper)
        Paper.objects.filter(pk=paper.pk).update(upvote_count=7)
        Paper.objects.filter(pk=other.pk).update(upvote_count=3)
        out = call_command_output("recount_upvotes")
        assert "2 paper(s)" in out
        assert count_of(paper) == 2
        assert count_of(other) == 0
        assert "0 paper(s)" in call_command_output("recount_upvotes")


def call_command_output(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
