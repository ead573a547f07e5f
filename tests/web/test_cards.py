"""Rendered paper cards are kept for every page and member until the paper changes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.community import services
from papers.core import versions
from papers.core.models import Paper
from tests.factories import (
    admin_paper_data,
    make_author,
    make_paper,
    make_repository,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db

DAY = "/papers/date/2026-11-20/"  # a day: its cards show their abstracts, as author pages do


@pytest.fixture(autouse=True)
def card_cache(settings):
    settings.CARD_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_SECONDS = 0  # every request renders: the cards are what is tested


@pytest.fixture
def papers():
    topic = make_topic("World Models", slug="world-models")
    return [
        make_paper(
            title=f"Dreaming agents {n}",
            abstract=f"Dreaming agents plan in imagined worlds, study number {n}.",
            authors=[make_author(f"Author {n}", slug=f"author-{n}"), "Shared Person"],
            topics=[topic],
            repositories=[make_repository(owner=f"owner{n}", name="repo", stars=10 * n)],
        )
        for n in range(1, 6)
    ]


@pytest.fixture
def member_client(client):
    client.force_login(make_user("reader"))
    return client


def render(client, url=DAY):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def card_bodies(html):
    return re.findall(r'<div class="paper-body">.*?</ul>\s*</div>', html, flags=re.S)


def test_kept_cards_skip_the_related_rows_and_render_the_same(member_client, papers):
    first_html, first_queries = render(member_client)
    second_html, second_queries = render(member_client)
    # Authors, topics and code links are read for the first rendering only.
    assert second_queries <= first_queries - 3
    assert len(card_bodies(first_html)) == 5
    assert card_bodies(second_html) == card_bodies(first_html)
    assert "Shared Person" in second_html and "★ 50" in second_html


def test_cards_are_shared_between_members_and_pages(client, papers):
    client.force_login(make_user("first"))
    day_html, _ = render(client, DAY)
    other = client.__class__()
    other.force_login(make_user("second"))
    author_html, kept = render(other, "/authors/author-1/")
    assert card_bodies(author_html) == [b for b in card_bodies(day_html) if "agents 1<" in b]
    versions.bump_catalogue()  # an edit: every kept card goes
    _, fresh = render(other, "/authors/author-2/")
    assert kept <= fresh - 3  # the kept card needed none of the related rows


def test_an_edit_shows_at_once(client, member_client, papers, django_capture_on_commit_callbacks):
    render(member_client)
    curator = client.__class__()
    curator.force_login(make_user(is_staff=True, is_superuser=True))

    def save(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = curator.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    author = papers[0].authorships.get(position=1).author
    save(
        f"/admin/core/author/{author.pk}/change/",
        {
            "name": "Renamed Researcher",
            "slug": author.slug,
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    robotics = make_topic("Robotics", slug="robotics")
    save(
        f"/admin/core/paper/{papers[1].pk}/change/",
        admin_paper_data(papers[1], topics=[robotics.pk]),
    )
    data = admin_paper_data(papers[2])
    for n in range(int(data["authorships-TOTAL_FORMS"])):
        data[f"authorships-{n}-DELETE"] = "on"
    save(f"/admin/core/paper/{papers[2].pk}/change/", data)
    html, _ = render(member_client)
    assert "Renamed Researcher" in html and "Author 1<" not in html
    assert ">Robotics</a>" in html
    assert "Author 3<" not in html


def test_a_vote_keeps_the_cards_and_shows_the_new_count(
    member_client, papers, django_capture_on_commit_callbacks
):
    _, cold = render(member_client)
    _, warm = render(member_client)
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_upvote(paper=papers[0], user=make_user("voter"))
    html, after_vote = render(member_client)
    assert after_vote == warm < cold
    assert Paper.objects.get(pk=papers[0].pk).upvote_count == 1
    vote_form = re.search(rf'id="vote-{papers[0].pk}".*?</form>', html, flags=re.S).group()
    assert '<span class="vote-count">1</span>' in vote_form


def test_search_result_cards_are_not_kept(member_client, papers):
    first, _ = render(member_client, "/papers/?q=dreaming")
    second, _ = render(member_client, "/papers/?q=agents")
    assert "<mark>dreaming</mark> agents plan" in first.lower()
    assert "dreaming <mark>agents</mark> plan" in second.lower()


def test_no_keeping_when_switched_off(member_client, papers, settings):
    settings.CARD_CACHE_SECONDS = 0
    _, first = render(member_client)
    _, second = render(member_client)
    assert first == second
