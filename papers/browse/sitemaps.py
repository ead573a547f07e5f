"""sitemap.xml (django.contrib.sitemaps): the pages a search engine should know.

``/sitemap.xml`` is an index of sections (``/sitemap-papers.xml`` ...); each
section is split into pages of 50,000 URLs (``?p=2``) by Django, so the
catalogue can grow without one huge file. Only published papers, and authors
with at least one, are listed.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from papers.core.models import Author, Authorship, Paper, Topic


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["home", "paper_list", "topic_list", "author_list", "repository_list", "subscribe"]

    def location(self, name):
        return reverse(name)


class PaperSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Paper.objects.published().only("pk", "arxiv_id", "updated_at").order_by("pk")

    def lastmod(self, paper):
        return paper.updated_at


class TopicSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Topic.objects.only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, topic):
        return topic.updated_at


class AuthorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        published = Authorship.objects.filter(
            author=OuterRef("pk"), paper__status=Paper.Status.PUBLISHED
        )
        return Author.objects.filter(Exists(published)).only("pk", "slug").order_by("pk")


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "papers": PaperSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
}
