"""Rendered paper cards, kept in the cache between pages and members.

A page of papers is mostly cards, and a card's body (title, authors, abstract,
code badge, topics) is the same for everyone and on every page that lists the
paper: only the vote button beside it depends on the member. So the body is
rendered once and kept in Django's cache (Redis in production) for
``CARD_CACHE_SECONDS``, under the catalogue's *content version*
(papers/core/versions.py), which every edit moves on and a vote does not. The
related rows a body shows (authors, topics, code links) are read only for the
cards that are not in the cache, in the same constant number of queries as
``with_listing_data()``.

Cards of search results are not kept: their snippet depends on the query.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string

from papers.core.models import listing_prefetches
from papers.core.versions import content_version

TEMPLATE = "includes/_paper_card_body.html"


def _key(version: int, paper, show_abstract: bool) -> str:
    return f"card:{version}:{paper.pk}:{int(show_abstract)}"


def attach_bodies(papers, *, show_abstract: bool = True) -> None:
    """Give each paper a ``card_body``: its card's rendered body, from the cache if kept."""
    show_abstract = bool(show_abstract)
    papers = [paper for paper in papers if getattr(paper, "card_body", None) is None]
    if not papers:
        return
    keep = settings.CARD_CACHE_SECONDS > 0
    kept = {paper.pk for paper in papers if keep and not getattr(paper, "search_snippet", None)}
    version = content_version() if kept else 0
    keys = {paper.pk: _key(version, paper, show_abstract) for paper in papers if paper.pk in kept}
    found = cache.get_many(list(keys.values())) if keys else {}
    missing = []
    for paper in papers:
        body = found.get(keys.get(paper.pk))
        if body is None:
            missing.append(paper)
        else:
            paper.card_body = body
    _prefetch(missing)
    fresh = {}
    for paper in missing:
        paper.card_body = render_to_string(
            TEMPLATE, {"paper": paper, "show_abstract": show_abstract}
        )
        if paper.pk in keys:
            fresh[keys[paper.pk]] = paper.card_body
    if fresh:
        cache.set_many(fresh, settings.CARD_CACHE_SECONDS)


def _prefetch(papers) -> None:
    """Read the related rows the cards show, unless the queryset already did."""
    needed = [
        paper
        for paper in papers
        if "authorships" not in getattr(paper, "_prefetched_objects_cache", {})
    ]
    if needed:
        prefetch_related_objects(needed, *listing_prefetches())
