"""Submissions at /submit/ and their moderation queue in the admin."""

import datetime as dt

import pytest
from django.utils import timezone

from papers.community import services
from papers.community.models import PendingSubmission
from papers.core.models import Paper
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = make_user("ada")
    client.force_login(user)
    return user


def form_errors(response):
    return response.context["form"].errors


class TestSubmit:
    def test_needs_login(self, client):
        response = client.get("/submit/")
        assert response["Location"] == "/accounts/login/?next=/submit/"
        assert client.post("/submit/", {"paper": "2306.14846"}).status_code == 302
        assert not Paper.objects.exists()

    def test_page(self, client, member, settings):
        settings.SUBMISSIONS_PER_DAY = 5
        response = client.get("/submit/")
        assert response.status_code == 200
        assert "You can submit 5 papers a day (0 so far today)" in response.content.decode()

    @pytest.mark.parametrize(
        "value",
        [
            "2306.14846",
            "2306.14846v3",
            "arXiv:2306.14846",
            "https://arxiv.org/abs/2306.14846",
            "https://arxiv.org/pdf/2306.14846v2.pdf",
            "  arxiv.org/abs/2306.14846  ",
        ],
    )
    def test_creates_a_pending_paper(self, client, member, value):
        response = client.post("/submit/", {"paper": value})
        assert response.status_code == 302
        assert response["Location"] == "/users/ada/#submissions"
        paper = Paper.objects.get()
        assert paper.arxiv_id == "2306.14846"
        assert paper.status == Paper.Status.PENDING
        assert paper.submitted_by == member
        assert paper.listed_on == timezone.localdate()
        assert "waiting for review" in client.get("/users/ada/").content.decode()

    def test_pending_papers_stay_out_of_the_catalogue(self, client, member):
        client.post("/submit/", {"paper": "2306.14846"})
        assert client.get("/papers/2306.14846/").status_code == 404
        assert client.get("/papers/").context["page_obj"].paginator.count == 0

    @pytest.mark.parametrize(
        "value", ["", "hello", "12345.6789", "https://example.org/abs/2306.14846", "2306.14846v"]
    )
    def test_rejects_what_is_not_an_arxiv_id(self, client, member, value):
        response = client.post("/submit/", {"paper": value})
        assert response.status_code == 200
        assert "paper" in form_errors(response)
        assert not Paper.objects.exists()

    @pytest.mark.parametrize(
        ("status", "message"),
        [
            (Paper.Status.PUBLISHED, "is already listed"),
            (Paper.Status.PENDING, "waiting for review"),
            (Paper.Status.REJECTED, "already reviewed"),
        ],
    )
    def test_rejects_papers_already_in_the_catalogue(self, client, member, status, message):
        make_paper(arxiv_id="2306.14846", status=status)
        response = client.post("/submit/", {"paper": "https://arxiv.org/abs/2306.14846v2"})
        assert message in str(form_errors(response)["paper"])
        assert Paper.objects.count() == 1

    def test_already_listed_links_to_the_paper_escaped(self, client, member):
        make_paper(arxiv_id="2306.14846")
        body = client.post("/submit/", {"paper": "2306.14846"}).content.decode()
        assert '<a href="/papers/2306.14846/">see its page</a>' in body

    def test_daily_limit(self, client, member, settings):
        settings.SUBMISSIONS_PER_DAY = 2
        for n in range(2):
            assert client.post("/submit/", {"paper": f"2401.0000{n}"}).status_code == 302
        response = client.post("/submit/", {"paper": "2401.00009"})
        assert response.status_code == 200
        assert "daily limit" in str(form_errors(response))
        assert Paper.objects.count() == 2
        # Yesterday's submissions do not count.
        Paper.objects.update(created_at=timezone.now() - dt.timedelta(days=1))
        assert client.post("/submit/", {"paper": "2401.00009"}).status_code == 302

    def test_service_enforces_the_limit_and_uniqueness_too(self, settings):
        settings.SUBMISSIONS_PER_DAY = 1
        user = make_user()
        services.submission_create(user=user, arxiv_id="2401.00001")
        with pytest.raises(services.SubmissionRefused, match="daily limit"):
            services.submission_create(user=user, arxiv_id="2401.00002")
        with pytest.raises(services.SubmissionRefused, match="already in the catalogue"):
            services.submission_create(user=make_user(), arxiv_id="2401.00001")

    def test_submissions_are_rate_limited(self, client, member, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submit": {"user": "3/h"}}
        for _ in range(3):
            client.post("/submit/", {"paper": "nonsense"})
        response = client.post("/submit/", {"paper": "2306.14846"})
        assert response.status_code == 429
        assert not Paper.objects.exists()


@pytest.fixture
def curator(client):
    user = make_user("curator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


QUEUE = "/admin/community/pendingsubmission/"


class TestModeration:
    def test_queue_lists_only_pending_papers(self, client, curator):
        ada = make_user("ada")
        services.submission_create(user=ada, arxiv_id="2401.00001")
        make_paper(title="Already published")
        response = client.get(QUEUE)
        assert response.status_code == 200
        rows = list(response.context["cl"].result_list)
        assert [p.arxiv_id for p in rows] == ["2401.00001"]
        body = response.content.decode()
        assert "ada" in body
        assert "Already published" not in body

    def test_curator_fills_in_metadata_then_approves(self, client, curator):
        paper = services.submission_create(user=make_user(), arxiv_id="2401.00001")
        Paper.objects.filter(pk=paper.pk).update(listed_on=dt.date(2020, 1, 1))
        change = client.get(f"{QUEUE}{paper.pk}/change/")
        assert change.status_code == 200
        assert "Edit everything in the paper editor" in change.content.decode()
        response = client.post(
            f"{QUEUE}{paper.pk}/change/",
            {"title": "A Real Title", "abstract": "What it does.", "published": "2024-01-02",
             "primary_category": "", "pdf_url": "", "project_page": ""},
        )  # fmt: skip
        assert response.status_code == 302, response.context["adminform"].form.errors
        paper.refresh_from_db()
        assert (paper.title, paper.status) == ("A Real Title", Paper.Status.PENDING)
        response = client.post(
            QUEUE, {"action": "approve", "_selected_action": [paper.pk]}, follow=True
        )
        assert "1 paper(s) approved" in response.content.decode()
        paper.refresh_from_db()
        assert paper.status == Paper.Status.PUBLISHED
        assert paper.listed_on == timezone.localdate()  # listed in today's edition
        assert client.get("/papers/2401.00001/").status_code == 200
        assert not PendingSubmission.objects.filter(status=Paper.Status.PENDING).exists()

    def test_approval_waits_for_metadata(self, client, curator):
        paper = services.submission_create(user=make_user(), arxiv_id="2401.00001")
        response = client.post(
            QUEUE, {"action": "approve", "_selected_action": [paper.pk]}, follow=True
        )
        assert "its arXiv metadata has not arrived yet" in response.content.decode()
        paper.refresh_from_db()
        assert paper.status == Paper.Status.PENDING

    def test_reject(self, client, curator):
        paper = services.submission_create(user=make_user(), arxiv_id="2401.00001")
        response = client.post(
            QUEUE, {"action": "reject", "_selected_action": [paper.pk]}, follow=True
        )
        assert "1 submission(s) rejected" in response.content.decode()
        paper.refresh_from_db()
        assert paper.status == Paper.Status.REJECTED
        assert client.get(QUEUE).context["cl"].result_count == 0

    def test_curators_cannot_add_to_the_queue_and_visitors_cannot_see_it(self, client, curator):
        assert client.get(f"{QUEUE}add/").status_code == 403
        client.logout()
        assert client.get(QUEUE).status_code == 302

    def test_admin_keeps_emails_unique(self, client, curator):
        make_user("ada", email="ada@example.org")
        grace = make_user("grace", email="grace@example.org")
        page = client.get(f"/admin/community/user/{grace.pk}/change/")
        form = page.context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in {"password", "groups", "user_permissions"}
        }
        data.update(email="ADA@example.org", date_joined_0="2026-01-01", date_joined_1="00:00")
        response = client.post(f"/admin/community/user/{grace.pk}/change/", data)
        assert response.status_code == 200
        assert "email" in response.context["adminform"].form.errors
