"""A collection as BibTeX, JSON and Atom (for reference managers, scripts, feed readers)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from papers.core import bibtex
from papers.core.models import Paper

from .selectors import collection_papers

EXPORT_LIMIT = 5000


def export_papers(collection) -> list[Paper]:
    """The collection's papers in its order, with authors, topics and code (4 queries)."""
    return list(collection_papers(collection).with_listing_data()[:EXPORT_LIMIT])


def collection_bibtex(collection, *, site_url: str) -> str:
    header = (
        f"% {collection.name}: a collection by {collection.owner.username} on "
        f"{settings.SITE_NAME}\n% {site_url.rstrip('/')}{collection.get_absolute_url()}\n\n"
    )
    return header + bibtex.papers_bibtex(export_papers(collection), site_url=site_url)


def collection_json(collection, *, absolute) -> dict:
    return {
        "name": collection.name,
        "owner": collection.owner.username,
        "description": collection.description,
        "public": collection.is_public,
        "url": absolute(collection.get_absolute_url()),
        "updated_at": collection.updated_at.isoformat(),
        "papers": [
            {
                "position": n,
                "id": paper.pk,
                "arxiv_id": paper.arxiv_id,
                "title": paper.title,
                "authors": [a.author.name for a in paper.authorships.all()],
                "published": paper.published.isoformat() if paper.published else None,
                "url": absolute(paper.get_absolute_url()),
                "arxiv": paper.arxiv_url or None,
                "pdf": paper.pdf_link or None,
                "added_at": paper.added_at.isoformat(),
            }
            for n, paper in enumerate(export_papers(collection), start=1)
        ],
    }


class CollectionFeed(Feed):
    """The papers of a collection, latest additions first (Atom)."""

    feed_type = Atom1Feed

    def get_object(self, request, collection):
        return collection

    def title(self, collection):
        owner = collection.owner.username
        return f"{collection.name} (a collection by {owner}) · {settings.SITE_NAME}"

    def link(self, collection):
        return collection.get_absolute_url()

    def subtitle(self, collection):
        return collection.description[:300] or f"Papers {collection.owner.username} collected."

    def items(self, collection):
        papers = export_papers(collection)
        return sorted(papers, key=lambda paper: paper.added_at, reverse=True)[:100]

    def item_title(self, paper):
        return paper.title

    def item_link(self, paper):
        return paper.get_absolute_url()

    def item_description(self, paper):
        authors = ", ".join(a.author.name for a in paper.authorships.all())
        return format_html("<p>{}</p><p>{}</p>", authors, paper.abstract)

    def item_pubdate(self, paper):
        return paper.added_at

    def item_updateddate(self, paper):
        return paper.added_at or timezone.now()
