"""Following topics and authors, and the "For you" page: what is on it, why, and what it
costs (a bounded number of queries however much a member follows, upvotes and saves)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from papers.community.collections import services as collections
from papers.community.following import services as following
from papers.community.models import Follow
from tests.community.conftest import client_for, text
from tests.factories import make_author, make_paper, make_topic, make_upvote, make_user

pytestmark = pytest.mark.django_db


def recent(days=1):
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def world():
    topic = make_topic("World Models", slug="world-models")
    other_topic = make_topic("Graphs", slug="graphs")
    levine = make_author("Sergey Levine", slug="sergey-levine")
    return {
        "topic": topic,
        "levine": levine,
        "in_topic": make_paper(title="Dreaming agents", topics=[topic], listed_on=recent(1)),
        "by_author": make_paper(title="Robots that learn", authors=[levine], listed_on=recent(2)),
        "old": make_paper(title="An old dream", topics=[topic], listed_on=recent(60)),
        "elsewhere": make_paper(title="Graph things", topics=[other_topic], listed_on=recent(1)),
    }


class TestFollowing:
    def test_follow_and_unfollow_a_topic_and_an_author(self, ada_client, ada, world):
        topic_page = text(ada_client.get("/topics/world-models/"))
        assert 'name="kind" value="topic"' in topic_page and 'aria-pressed="false"' in topic_page
        response = ada_client.post(
            "/follow/",
            {"kind": "topic", "target": world["topic"].pk, "next": "/topics/world-models/"},
        )
        assert response["Location"] == "/topics/world-models/#follow"
        ada_client.post("/follow/", {"kind": "topic", "target": world["topic"].pk})  # twice: once
        ada_client.post("/follow/", {"kind": "author", "target": world["levine"].pk})
        assert Follow.objects.filter(user=ada).count() == 2
        assert "Following" in text(ada_client.get("/topics/world-models/"))
        assert 'aria-pressed="true"' in text(ada_client.get("/authors/sergey-levine/"))
        listing = text(ada_client.get("/users/ada/?tab=following"))
        assert "World Models" in listing and "Sergey Levine" in listing
        ada_client.post(
            "/follow/", {"kind": "topic", "target": world["topic"].pk, "action": "unfollow"}
        )
        assert list(Follow.objects.values_list("author__name", flat=True)) == ["Sergey Levine"]

    def test_bad_follows(self, ada_client, world):
        for data in ({"kind": "paper", "target": world["in_topic"].pk},
                     {"kind": "topic", "target": "x"}, {"kind": "topic", "target": 10**20},
                     {"kind": "topic"}):  # fmt: skip
            assert ada_client.post("/follow/", data).status_code == 404
        assert ada_client.get("/follow/").status_code == 405
        assert not Follow.objects.exists()

    def test_visitors_log_in_first(self, client, world):
        page = text(client.get("/topics/world-models/"))
        assert 'href="/accounts/login/?next=/topics/world-models/"' in page
        response = client.post("/follow/", {"kind": "topic", "target": world["topic"].pk})
        assert response["Location"].startswith("/accounts/login/")
        assert not Follow.objects.exists()


class TestForYou:
    def test_is_for_members(self, client):
        assert client.get("/for-you/")["Location"] == "/accounts/login/?next=/for-you/"
        assert "For you" not in text(client.get("/"))

    def test_the_front_page_has_the_tab(self, ada_client, world):
        html = text(ada_client.get("/"))
        assert 'href="/for-you/"' in html and ">For you</a>" in html

    def test_empty_states_say_what_to_do(self, ada_client):
        html = text(ada_client.get("/for-you/"))
        assert "You follow nothing yet" in html and "Upvote or save a few papers" in html

    def test_new_papers_from_what_one_follows_with_reasons(self, ada_client, ada, grace, world):
        following.follow_set(user=ada, target=world["topic"], following=True)
        following.follow_set(user=ada, target=world["levine"], following=True)
        shared = collections.collection_create(owner=grace, name="Grace's picks", is_public=True)
        collections.collection_add(collection=shared, paper=world["elsewhere"])
        following.follow_set(user=ada, target=shared, following=True)
        response = ada_client.get("/for-you/")
        picks = {p.paper.title: p.reasons for p in response.context["feed"].followed}
        assert picks == {
            "Dreaming agents": ["New in World Models, a topic you follow"],
            "Graph things": ["Added to Grace's picks by grace, a collection you follow"],
            "Robots that learn": ["New from Sergey Levine, whom you follow"],
        }
        titles = [p.paper.title for p in response.context["feed"].followed]
        assert titles.index("Robots that learn") == 2  # newest listed first
        html = text(response)
        assert "New in World Models, a topic you follow" in html
        assert "An old dream" not in html

    def test_recommendations_from_upvotes_and_saves_with_reasons(self, ada_client, ada, settings):
        settings.SIMILAR_CACHE_SECONDS = 300
        topic = make_topic("Diffusion", slug="diffusion")
        liked = make_paper(
            title="Diffusion policies for robot manipulation",
            abstract="Diffusion policies denoise robot actions for manipulation.",
            topics=[topic],
        )
        saved = make_paper(
            title="Quantum error correction codes",
            abstract="Surface codes correct quantum errors with stabiliser measurements.",
        )
        alike = make_paper(
            title="Diffusion policies with visual manipulation",
            abstract="Robot manipulation with diffusion policies and denoise steps.",
            topics=[topic],
        )
        quantum = make_paper(
            title="Stabiliser quantum codes",
            abstract="Quantum stabiliser codes and surface codes correct errors.",
        )
        seen = make_paper(
            title="Diffusion policies for robot manipulation, again",
            abstract="Diffusion policies denoise robot actions for manipulation, again.",
        )
        make_paper(title="Unrelated bird song", abstract="Birds sing songs in spring.")
        make_upvote(paper=liked, user=ada)
        make_upvote(paper=seen, user=ada)
        reading = collections.collection_create(owner=ada, name="Reading list")
        collections.collection_add(collection=reading, paper=saved)
        feed = ada_client.get("/for-you/").context["feed"]
        reasons = {p.paper.title: p.reasons for p in feed.recommended}
        assert alike.title in reasons and quantum.title in reasons
        assert reasons[alike.title][0] in (
            f"Because you upvoted “{liked.title}”",
            f"Because you upvoted “{seen.title}”",
        )
        assert reasons[quantum.title][0] == f"Because you saved in Reading list “{saved.title}”"
        assert len(reasons[alike.title]) == 2  # and the similar-papers engine's reason
        # Papers already upvoted or saved are not recommended; nor unrelated ones.
        assert not {liked.title, saved.title, seen.title, "Unrelated bird song"} & set(reasons)

    def test_query_count_does_not_grow_with_follows_and_history(self, ada_client, ada, settings):
        settings.SIMILAR_CACHE_SECONDS = 300  # as in production: seeds' rankings are kept

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert ada_client.get("/for-you/").status_code == 200
            return len(queries)

        def grow(n):
            topic = make_topic(f"Topic {n}", slug=f"topic-{n}")
            author = make_author(f"Author {n}", slug=f"author-{n}")
            paper = make_paper(
                title=f"Paper {n} about diffusion robots",
                abstract="Diffusion robots plan.",
                topics=[topic],
                authors=[author],
                listed_on=recent(1),
            )
            following.follow_set(user=ada, target=topic, following=True)
            following.follow_set(user=ada, target=author, following=True)
            make_upvote(paper=make_paper(title=f"Liked {n} diffusion robots"), user=ada)
            make_paper(title=f"Older {n} diffusion robots", listed_on=recent(300))  # to recommend
            return paper

        def warm():  # each request works out a few seeds' similar papers, then keeps them
            for _ in range(6):
                count()
            return count()

        # Two of each to start with, so both lists (and the check of what the member has
        # seen) are there from the start: every query the page can make is made. Growing
        # the member's follows and history then adds none (it may skip some: when every
        # candidate was seen already, there is nothing to check).
        grow(0)
        grow(1)
        small = warm()
        assert ada_client.get("/for-you/").context["feed"].recommended
        for n in range(2, 12):
            grow(n)
        assert warm() <= small <= 16
        cold = make_user("cold")
        client = client_for(Client(), cold)
        for n in range(12):
            make_upvote(paper=make_paper(title=f"Cold {n} diffusion"), user=cold)
        # Uncached seeds: at most COLD_SEEDS (2) are worked out per request, each in the
        # similar-papers engine's queries (six, and on PostgreSQL its time limit's).
        with CaptureQueriesContext(connection) as queries:
            client.get("/for-you/")
        assert len(queries) <= small + 2 * 10
