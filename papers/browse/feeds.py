"""Atom and RSS feeds (Django's syndication framework): latest, trending, per topic, per author.

Every feed comes in both formats (``.atom`` and ``.rss`` URLs). An entry links
to the paper's page and carries its title, authors, abstract, topics and the
day it was listed. Items are read with ``with_listing_data()``: a feed runs a
fixed number of queries whatever its length.
"""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html, format_html_join

from papers.core.models import Author, Paper, Topic
from papers.web.httpcache import public_cache

FEED_ITEMS = 30
FEED_MAX_AGE = 15 * 60


class PaperFeed(Feed):
    """The shape of every paper feed; subclasses say which papers and what the feed is."""

    feed_type = Rss201rev2Feed
    name = ""  # "Latest papers", "Trending papers", ...

    def papers(self, obj):
        raise NotImplementedError

    def items(self, obj):
        return self.papers(obj).with_listing_data()[:FEED_ITEMS]

    def title(self, obj):
        return f"{self.name} · {settings.SITE_NAME}"

    def subtitle(self, obj):  # Atom's name for the description
        return self.description(obj)

    def item_title(self, paper):
        return paper.title

    def item_link(self, paper):
        return paper.get_absolute_url()

    def item_description(self, paper):
        """HTML (escaped text in paragraphs): authors, then the abstract."""
        authors = ", ".join(self._authors(paper))
        paragraphs = [p for p in paper.abstract.split("\n\n") if p.strip()]
        return format_html(
            "{}{}",
            format_html("<p>{}</p>", authors) if authors else "",
            format_html_join("", "<p>{}</p>", ((p.strip(),) for p in paragraphs)),
        )

    def item_author_name(self, paper):
        return ", ".join(self._authors(paper)) or None

    def item_pubdate(self, paper):
        """The day the paper was listed here (midnight, site time)."""
        return timezone.make_aware(dt.datetime.combine(paper.listed_on, dt.time.min))

    def item_updateddate(self, paper):
        return max(paper.updated_at, self.item_pubdate(paper))

    def item_categories(self, paper):
        return [topic.name for topic in paper.topics.all()]

    @staticmethod
    def _authors(paper):
        return [authorship.author.name for authorship in paper.authorships.all()]


class AtomMixin:
    feed_type = Atom1Feed


class LatestPapersRss(PaperFeed):
    name = "Latest papers"

    def link(self):
        return reverse("home")

    def description(self, obj):
        return "The newest papers listed in the catalogue."

    def papers(self, obj):
        return Paper.objects.published().sorted_by("new")


class TrendingPapersRss(PaperFeed):
    name = "Trending papers"

    def link(self):
        return reverse("paper_list") + "?sort=trending"

    def description(self, obj):
        return "The papers with the most recent upvotes (each upvote halves in weight every day)."

    def papers(self, obj):
        return Paper.objects.published().sorted_by("trending")


class TopicPapersRss(PaperFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{topic.name}: latest papers · {settings.SITE_NAME}"

    def link(self, topic):
        return topic.get_absolute_url()

    def description(self, topic):
        return f"The newest papers on {topic.name}."

    def papers(self, topic):
        return Paper.objects.published().filter(topics=topic).sorted_by("new")


class AuthorPapersRss(PaperFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author.objects.public(), slug=slug)

    def title(self, author):
        return f"Papers by {author.name} · {settings.SITE_NAME}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"The newest papers by {author.name}."

    def papers(self, author):
        return Paper.objects.published().filter(authorships__author=author).sorted_by("new")


class LatestPapersAtom(AtomMixin, LatestPapersRss):
    pass


class TrendingPapersAtom(AtomMixin, TrendingPapersRss):
    pass


class TopicPapersAtom(AtomMixin, TopicPapersRss):
    pass


class AuthorPapersAtom(AtomMixin, AuthorPapersRss):
    pass


def feed_view(feed_class):
    """The view for a feed: cacheable by browsers and proxies, with ETag and 304s."""
    return public_cache(FEED_MAX_AGE)(feed_class())
