"""Page reads: what each page needs, planned in a constant number of queries."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, router
from django.db.models import Case, Count, F, Prefetch, Q, When, Window
from django.db.models.functions import RowNumber

from . import degraded
from .editions import Edition
from .models import PAPER_SORTS, Author, Authorship, CodeLink, Paper, Repository, Topic
from .timelimit import TimeLimit

PUBLISHED = Q(papers__status=Paper.Status.PUBLISHED)


def visible_papers(user) -> "Paper.objects":
    """Papers a visitor may open: staff also see pending and hidden ones (with a banner)."""
    return Paper.objects.all() if user.is_staff else Paper.objects.published()


def visible_authors(user):
    """Authors a visitor may open: of a published paper (staff: every author)."""
    return Author.objects.all() if user.is_staff else Author.objects.public()


def visible_repositories(user):
    """Repositories a visitor may open: code of a published paper (staff: all)."""
    return Repository.objects.all() if user.is_staff else Repository.objects.public()


def edition_papers(edition: Edition):
    return Paper.objects.published().listed_between(edition.start, edition.end)


@dataclass
class EditionDay:
    """One day of a week's or a month's edition: its papers' count and the best of them."""

    date: dt.date
    count: int
    papers: list = field(default_factory=list)

    @property
    def edition(self) -> Edition:
        return Edition.day(self.date)


def edition_days(edition: Edition, *, sort: str, per_day: int) -> list[EditionDay]:
    """The days of ``edition`` that have papers, newest first, each with its ``per_day``
    best papers in ``sort`` order (ready for cards). Three queries, whatever the period:
    the counts per day, the ids of each day's best (through the sort's index, one
    ``LIMIT`` per day, where the database can put those in one statement; else a window
    function), and the papers."""
    published = Paper.objects.published()
    counts = dict(
        edition_papers(edition).order_by().values_list("listed_on").annotate(n=Count("pk"))
    )
    days = sorted(counts, reverse=True)
    if not days:
        return []
    order = PAPER_SORTS[sort]
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [
            published.filter(listed_on=day).order_by(*order).values_list("pk", flat=True)[:per_day]
            for day in days
        ]
        # One day is one sliced query; several are a UNION ALL of them, each with its LIMIT.
        # (the union itself takes no ORDER BY: the cards are sorted below).
        if len(parts) == 1:
            ids = list(parts[0])
        else:
            ids = list(parts[0].union(*parts[1:], all=True).order_by())
    else:
        ranked = edition_papers(edition).annotate(
            place=Window(
                RowNumber(),
                partition_by=F("listed_on"),
                order_by=[F(f[1:]).desc() if f.startswith("-") else F(f).asc() for f in order],
            )
        )
        ids = list(ranked.filter(place__lte=per_day).values_list("pk", flat=True))
    papers = published.filter(pk__in=ids).sorted_by(sort).for_cards()
    by_day = {day: EditionDay(day, counts[day]) for day in days}
    for paper in papers:
        by_day[paper.listed_on].papers.append(paper)
    return [by_day[day] for day in days]


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
    narrows them by name, else the directory of every author (``CountedList``)."""
    counted = Author.objects.public().annotate(paper_count=Count("papers", filter=PUBLISHED))
    if query:
        return counted.filter(name__icontains=query, paper_count__gt=0).order_by(
            "-paper_count", "name"
        )
    ranking = author_ranking()
    return CountedList(
        counted,
        ids=ranking,
        ordered=Author.objects.order_by("name", "pk"),
        ranked=ranking is not None,
    )


AUTHOR_RANKING_SIZE = 6000  # the directory's first 100 pages
AUTHOR_RANKING_KEY = "authors:ranking"


def author_ranking(*, time_limit_ms=None, refresh=False, timeout=None) -> list[int] | None:
    """Ids of the most prolific authors, most papers first, from the cache.

    Ranking every author counts every authorship: seconds on a large catalogue.
    It is counted under a time limit (``None`` when past it) and cached like
    the facet counts; ``manage.py warm_facets`` refreshes it from cron.
    """
    if not refresh:
        ids = cache.get(AUTHOR_RANKING_KEY)
        if ids is not None:
            return ids
        if cache.get(AUTHOR_RANKING_KEY + ":late"):
            degraded.note(degraded.AUTHORS)  # recently past the time limit: not tried again yet
            return None
    ranked = (
        Author.objects.annotate(paper_count=Count("papers", filter=PUBLISHED))
        .filter(paper_count__gt=0)
        .order_by("-paper_count", "name")
        .values_list("pk", flat=True)[:AUTHOR_RANKING_SIZE]
    )
    limit_ms = time_limit_ms or settings.SEARCH_FACET_TIME_LIMIT_MS
    with TimeLimit(
        router.db_for_read(Author), limit_ms, budget_ms=limit_ms, part=degraded.AUTHORS
    ) as limit:
        ids = limit.run("author ranking", lambda: list(ranked))
    seconds = settings.SEARCH_FACET_CACHE_SECONDS if timeout is None else timeout
    if ids is not None:
        cache.set(AUTHOR_RANKING_KEY, ids, seconds)
    else:
        cache.set(AUTHOR_RANKING_KEY + ":late", True, seconds)
    return ids


class CountedList:
    """A list for a paginator whose ``paper_count`` is counted one page at a time.

    The order comes from ``ids`` (a ranking computed ahead) or else from
    ``ordered``, a queryset an index can walk; ``counted`` (annotated with
    ``paper_count``, and narrowed to what visitors may see) is then asked for the
    page's rows only, so a row it leaves out is left out of the page. Counting the
    whole table to sort by the count, on every request, is what this avoids; the
    total is the walk's (it may include a few rows no page shows).
    """

    def __init__(self, counted, *, ordered, ids=None, ranked=True):
        # (not ``self.ordered``: Paginator reads that name to warn about unordered lists)
        self.counted, self.walk, self.ids, self.ranked = counted, ordered, ids, ranked

    def count(self):
        return len(self.ids) if self.ids is not None else self.walk.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window: slice):
        if self.ids is not None:
            ids = self.ids[window]
        else:
            ids = list(self.walk.values_list("pk", flat=True)[window])
        by_id = self.counted.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


def author_papers(author: Author):
    """The author's published papers, newest first.

    The author's paper ids are read first (one index scan): given a join, the
    planner would walk every paper by date looking for a prolific author's.
    """
    authorships = Authorship.objects.filter(author=author).order_by()
    paper_ids = list(authorships.values_list("paper_id", flat=True))
    return Paper.objects.published().filter(pk__in=paper_ids).sorted_by("new")


def topics_with_counts():
    """All topics with their published paper counts, parents before their children."""
    return Topic.objects.select_related("parent").annotate(
        paper_count=Count("papers", filter=PUBLISHED)
    )


TOPIC_DIRECTORY_KEY = "topics:directory"


def topic_directory(*, refresh=False, timeout=None) -> list[Topic]:
    """Every topic with its paper count, from the cache (counting every topic's
    papers takes seconds on a large catalogue; ``warm_facets`` refreshes it)."""
    topics = None if refresh else cache.get(TOPIC_DIRECTORY_KEY)
    if topics is None:
        topics = list(topics_with_counts())
        seconds = settings.SEARCH_FACET_CACHE_SECONDS if timeout is None else timeout
        cache.set(TOPIC_DIRECTORY_KEY, topics, seconds)
    return topics


def topic_papers(topic: Topic):
    return Paper.objects.published().filter(topics=topic).sorted_by("top")


def repositories_with_counts():
    """Repositories, most starred first (``repository_stars_idx``), with ``paper_count``."""
    return CountedList(
        Repository.objects.public().annotate(paper_count=Count("papers", filter=PUBLISHED)),
        ordered=Repository.objects.order_by(F("stars").desc(nulls_last=True), "pk"),
    )


def repository_by_path(owner: str, name: str, *, user) -> Repository | None:
    """The repository at ``owner/name`` that ``user`` may see, preferring GitHub when
    several hosts have one."""
    return (
        visible_repositories(user)
        .filter(owner__iexact=owner, name__iexact=name)
        .order_by(Case(When(host="github.com", then=0), default=1), "pk")
        .first()
    )


def repository_papers(repository: Repository):
    return Paper.objects.published().filter(code_links__repository=repository).sorted_by("new")
