"""Page reads: what each page needs, planned in a constant number of queries."""

from django.db.models import Case, Count, F, Prefetch, Q, When

from .editions import Edition
from .models import Author, Authorship, CodeLink, Paper, Repository, Topic, Upvote

PUBLISHED = Q(papers__status=Paper.Status.PUBLISHED)


def visible_papers(user) -> "Paper.objects":
    """Papers a visitor may open: staff also see pending and hidden ones (with a banner)."""
    return Paper.objects.all() if user.is_staff else Paper.objects.published()


def edition_papers(edition: Edition):
    return Paper.objects.published().listed_between(edition.start, edition.end)


def edition_neighbours(edition: Edition) -> dict:
    papers = Paper.objects.published()
    return {"previous": edition.previous(papers), "next": edition.next(papers)}


def paper_detail(paper_filter: Q, *, user) -> Paper:
    """One paper with everything its page shows; raises ``Paper.DoesNotExist``."""
    return (
        visible_papers(user)
        .select_related("primary_category", "submitted_by")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author").order_by("position"),
            ),
            Prefetch("topics", queryset=Topic.objects.select_related("parent")),
            "categories",
            Prefetch(
                "code_links",
                queryset=CodeLink.objects.select_related("repository").order_by(
                    "-is_official", F("repository__stars").desc(nulls_last=True)
                ),
            ),
        )
        .get(paper_filter)
    )


def authors_with_counts(query: str = ""):
    """Authors with ``paper_count``, most papers first: a queryset when ``query``
    narrows them by name, else an ``AuthorDirectory`` (the whole catalogue's
    ranking would be counted on every request otherwise)."""
    if not query:
        return AuthorDirectory()
    authors = Author.objects.annotate(paper_count=Count("papers", filter=PUBLISHED))
    return authors.filter(name__icontains=query, paper_count__gt=0).order_by("-paper_count", "name")


class AuthorDirectory:
    """Every author, most papers first, for a paginator.

    Ranking all authors means counting every authorship: seconds on a large
    catalogue. The ranking (the ids of the ``RANKING_SIZE`` most prolific
    authors) is counted under a time limit and kept in the cache like the facet
    counts (``warm_facets`` refreshes it from cron); each page then counts the
    papers of its own authors only. If the ranking cannot be had in time, the
    directory is alphabetical (``ranked`` is false) and says so.
    """

    RANKING_SIZE = 6000
    CACHE_KEY = "authors:ranking"

    def __init__(self):
        self.ids = self.ranking()
        self.ranked = self.ids is not None

    @classmethod
    def ranking(cls, *, time_limit_ms=None, refresh=False, timeout=None) -> list[int] | None:
        from django.conf import settings
        from django.core.cache import cache
        from django.db import router

        from .search import TimeLimit

        ids = None if refresh else cache.get(cls.CACHE_KEY)
        if ids is not None:
            return ids
        ranked = (
            Author.objects.annotate(paper_count=Count("papers", filter=PUBLISHED))
            .filter(paper_count__gt=0)
            .order_by("-paper_count", "name")
            .values_list("pk", flat=True)[: cls.RANKING_SIZE]
        )
        limit_ms = time_limit_ms or settings.SEARCH_FACET_TIME_LIMIT_MS
        with TimeLimit(router.db_for_read(Author), limit_ms, budget_ms=limit_ms) as limit:
            ids = limit.run("author ranking", lambda: list(ranked))
        if ids is not None:
            seconds = settings.SEARCH_FACET_CACHE_SECONDS if timeout is None else timeout
            cache.set(cls.CACHE_KEY, ids, seconds)
        return ids

    def __len__(self):
        if self.ranked:
            return len(self.ids)
        return Author.objects.count()

    count = __len__

    def __getitem__(self, window: slice):
        counted = Author.objects.annotate(paper_count=Count("papers", filter=PUBLISHED))
        if not self.ranked:
            return list(counted.order_by("name", "pk")[window])
        ids = self.ids[window]
        by_id = counted.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


def author_papers(author: Author):
    return Paper.objects.published().filter(authorships__author=author).sorted_by("new")


def topics_with_counts():
    """All topics with their published paper counts, parents before their children."""
    return Topic.objects.select_related("parent").annotate(
        paper_count=Count("papers", filter=PUBLISHED)
    )


def topic_papers(topic: Topic):
    return Paper.objects.published().filter(topics=topic).sorted_by("top")


def repositories_with_counts():
    return Repository.objects.annotate(paper_count=Count("papers", filter=PUBLISHED)).order_by(
        F("stars").desc(nulls_last=True), "owner", "name"
    )


def repository_by_path(owner: str, name: str) -> Repository | None:
    """The repository at ``owner/name``, preferring GitHub when several hosts have one."""
    return (
        Repository.objects.filter(owner__iexact=owner, name__iexact=name)
        .order_by(Case(When(host="github.com", then=0), default=1), "pk")
        .first()
    )


def repository_papers(repository: Repository):
    return Paper.objects.published().filter(code_links__repository=repository).sorted_by("new")


def voted_paper_ids(user, papers) -> frozenset[int]:
    """Which of ``papers`` (a page, list or queryset of papers) ``user`` upvoted: one query.

    List views pass the result to templates as ``voted_ids``; the vote button reads it.
    """
    if not user.is_authenticated:
        return frozenset()
    ids = [paper.pk for paper in papers]
    if not ids:
        return frozenset()
    return frozenset(
        Upvote.objects.filter(user=user, paper_id__in=ids).values_list("paper_id", flat=True)
    )


def member_upvoted_papers(member):
    """The published papers ``member`` upvoted, most recent vote first."""
    return (
        Paper.objects.published()
        .filter(upvotes__user=member)
        .annotate(voted_at=F("upvotes__created_at"))
        .order_by("-voted_at", "-id")
    )


def member_submissions(member, *, viewer):
    """Papers ``member`` submitted; pending and rejected ones only for themselves and staff."""
    papers = Paper.objects.filter(submitted_by=member).order_by("-created_at", "-id")
    if not (viewer.is_staff or viewer.pk == member.pk):
        papers = papers.published()
    return papers
