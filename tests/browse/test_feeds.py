"""Atom and RSS feeds: they parse, carry the right entries, and are linked from the pages."""

import datetime as dt

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.core.models import Paper
from tests.factories import make_author, make_paper, make_topic

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


@pytest.fixture
def catalogue():
    ada = make_author("Ada Lovelace", slug="ada-lovelace")
    topic = make_topic("World Models", slug="world-models")
    other_topic = make_topic("Robotics", slug="robotics")
    newest = make_paper(
        title="Newest <b>bold</b> & brave: 5% more",
        abstract="First paragraph about models.\n\nSecond paragraph.",
        authors=[ada, "Émile Zola"],
        topics=[topic],
        listed_on=DAY,
    )
    middle = make_paper(
        title="A Middle Paper",
        authors=["Grace Hopper"],
        topics=[other_topic],
        listed_on=DAY - dt.timedelta(days=1),
        trending_score=50,
    )
    oldest = make_paper(
        title="The Oldest Paper",
        authors=[ada],
        topics=[topic],
        listed_on=DAY - dt.timedelta(days=5),
        trending_score=80,
    )
    hidden = make_paper(
        title="Hidden Paper",
        authors=[ada],
        topics=[topic],
        listed_on=DAY + dt.timedelta(days=1),
        status=Paper.Status.HIDDEN,
        trending_score=99,
    )
    return {
        "ada": ada,
        "topic": topic,
        "newest": newest,
        "middle": middle,
        "oldest": oldest,
        "hidden": hidden,
    }


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def titles(feed):
    return [entry.title for entry in feed.entries]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_latest_feed_lists_published_papers_newest_first(client, catalogue, fmt):
    response, feed = parse(client, f"/feeds/latest.{fmt}")
    expected_type = "application/atom+xml" if fmt == "atom" else "application/rss+xml"
    assert response["Content-Type"].startswith(expected_type)
    assert titles(feed) == [
        "Newest <b>bold</b> & brave: 5% more",
        "A Middle Paper",
        "The Oldest Paper",
    ]
    assert feed.feed.title == "Latest papers · Paper Catalogue"


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_entry_carries_link_authors_abstract_date_and_topics(client, catalogue, fmt):
    _, feed = parse(client, f"/feeds/latest.{fmt}")
    entry = feed.entries[0]
    assert entry.link == "http://testserver" + catalogue["newest"].get_absolute_url()
    assert entry.author == "Ada Lovelace, Émile Zola"
    # The summary is HTML: authors, then each abstract paragraph, the title's markup escaped.
    assert "<p>Ada Lovelace, Émile Zola</p>" in entry.summary
    assert "<p>First paragraph about models.</p><p>Second paragraph.</p>" in entry.summary
    assert entry.published_parsed[:3] == (2026, 11, 20)
    assert [tag.term for tag in entry.tags] == ["World Models"]


def test_trending_feed_orders_by_trending_score(client, catalogue):
    _, feed = parse(client, "/feeds/trending.atom")
    assert titles(feed)[:2] == ["The Oldest Paper", "A Middle Paper"]
    assert "Hidden Paper" not in titles(feed)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_topic_feed_has_only_that_topics_papers(client, catalogue, fmt):
    _, feed = parse(client, f"/feeds/topics/world-models.{fmt}")
    assert titles(feed) == ["Newest <b>bold</b> & brave: 5% more", "The Oldest Paper"]
    assert feed.feed.title == "World Models: latest papers · Paper Catalogue"
    assert feed.feed.link == "http://testserver/topics/world-models/"


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_author_feed_has_only_that_authors_papers(client, catalogue, fmt):
    _, feed = parse(client, f"/feeds/authors/ada-lovelace.{fmt}")
    assert titles(feed) == ["Newest <b>bold</b> & brave: 5% more", "The Oldest Paper"]


@pytest.mark.parametrize("url", ["/feeds/topics/nope.atom", "/feeds/authors/nobody.rss"])
def test_feed_of_unknown_topic_or_author_is_404(client, url):
    assert client.get(url).status_code == 404


def test_empty_catalogue_gives_a_valid_empty_feed(client):
    _, feed = parse(client, "/feeds/latest.atom")
    assert feed.entries == []


def test_feeds_are_cacheable_and_answer_304(client, catalogue):
    response = client.get("/feeds/latest.atom")
    assert "public" in response["Cache-Control"]
    assert response["ETag"]
    assert response["Last-Modified"]
    again = client.get("/feeds/latest.atom", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_feed_query_count_does_not_grow(client, catalogue):
    def count():
        with CaptureQueriesContext(connection) as queries:
            parse(client, "/feeds/topics/world-models.atom")
        return len(queries)

    small = count()
    for n in range(6):
        make_paper(title=f"More {n}", authors=["X Y", "Z W"], topics=[catalogue["topic"]])
    assert count() == small
    assert small <= 6


def test_pages_link_their_feeds_in_the_head_and_visibly(client, catalogue):
    home = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Paper Catalogue: latest papers (Atom)" href="/feeds/latest.atom">'
    ) in home
    assert 'type="application/rss+xml"' in home
    assert 'href="/feeds/trending.atom">Atom</a>' in home  # footer

    topic = client.get("/topics/world-models/").content.decode()
    assert 'title="World Models: latest papers (Atom)" href="/feeds/topics/world-models.atom"' in (
        topic
    )
    assert '<a href="/feeds/topics/world-models.rss">RSS</a>' in topic

    author = client.get("/authors/ada-lovelace/").content.decode()
    assert 'href="/feeds/authors/ada-lovelace.atom"' in author
    assert '<a href="/feeds/authors/ada-lovelace.rss">RSS</a>' in author
