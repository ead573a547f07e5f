"""Pages for visitors who are not logged in come from the cache until anything
they show changes."""

import pytest

from papers.community import services
from papers.core import derived
from papers.core.models import Paper
from tests.factories import admin_paper_data, make_paper, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def paper():
    return make_paper(title="Cached Paper", arxiv_id="2306.14846", upvote_count=0)


def get(client, url="/papers/", **headers):
    return client.get(url, headers=headers)


def test_second_visit_is_served_from_the_cache(client, paper):
    first = get(client)
    second = get(client)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Cached Paper" in second.content.decode()
    assert "public" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]


def test_unchanged_page_revalidates_with_304(client, paper):
    etag = get(client)["ETag"]
    assert get(client, HTTP_IF_NONE_MATCH=etag).status_code == 200  # header name as WSGI key
    assert client.get("/papers/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_vote_invalidates_pages_at_once(client, paper, django_capture_on_commit_callbacks):
    get(client, "/papers/2306.14846/")
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_upvote(paper=paper, user=make_user())
    response = get(client, "/papers/2306.14846/")
    assert response["X-Page-Cache"] == "miss"
    assert Paper.objects.get(pk=paper.pk).upvote_count == 1


def test_an_edit_invalidates_pages(client, paper, django_capture_on_commit_callbacks):
    get(client)
    curator = client.__class__()
    curator.force_login(make_user(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(
            f"/admin/core/paper/{paper.pk}/change/",
            admin_paper_data(paper, title="Renamed Paper"),
        )
        assert response.status_code == 302
    response = get(client)
    assert response["X-Page-Cache"] == "miss"
    assert "Renamed Paper" in response.content.decode()


def test_related_edits_and_bulk_writes_invalidate(
    client, paper, django_capture_on_commit_callbacks
):
    topic = make_topic("Old Name")
    get(client, "/topics/")
    curator = client.__class__()
    curator.force_login(make_user(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(
            f"/admin/core/topic/{topic.pk}/change/",
            {"name": "New Name", "slug": topic.slug, "description": ""},
        )
        assert response.status_code == 302
    assert get(client, "/topics/")["X-Page-Cache"] == "miss"
    get(client)
    with django_capture_on_commit_callbacks(execute=True):
        derived.papers_changed(paper_ids=[paper.pk])
    assert get(client)["X-Page-Cache"] == "miss"


def test_members_are_never_served_cached_pages(client, paper):
    get(client)
    client.force_login(make_user())
    response = get(client)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in response.content.decode()  # their vote buttons are forms


def test_visitor_pages_hold_no_csrf_token(client, paper):
    body = get(client).content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert 'href="/accounts/login/?next=%2Fpapers%2F2306.14846%2F&amp;upvote=' in body


def test_errors_and_flash_messages_are_not_cached(client, paper):
    assert "X-Page-Cache" not in get(client, "/papers/2306.99999/")
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in get(client)


def test_switched_off_with_zero_seconds(client, paper, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(client)
    assert "X-Page-Cache" not in get(client)


def test_an_approved_submission_invalidates_pages(client, django_capture_on_commit_callbacks):
    pending = make_paper(
        title="Freshly Approved Paper", arxiv_id="2411.00001", status=Paper.Status.PENDING
    )
    assert "Freshly Approved Paper" not in get(client, "/papers/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.submission_approve(paper=pending)
    response = get(client, "/papers/")
    assert response["X-Page-Cache"] == "miss"
    assert "Freshly Approved Paper" in response.content.decode()
