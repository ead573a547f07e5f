"""The catalogue query behind ``/papers/`` and ``/topics/<slug>/``.

``catalogue_search(params)`` validates the query string, searches, computes the
facets and the total, sorts and cuts one page: a fixed number of queries
whatever the size of the catalogue. It returns plain data, so a JSON API can
serve the same results as the page.

The papers a request selects are a ``Selection``: a base set (the published
papers; with ``like``, only those most like that paper; when the words found
nothing, those by authors or in topics whose names are close to them), narrowed
by the validated ``PaperFilterSet``. Facets count over it with one filter left
out at a time.
"""

import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict

from papers.core import degraded
from papers.core.models import Authorship, Category, Paper, Topic
from papers.core.timelimit import TimeLimit

from . import engines, similar
from .facets import FacetResult, author_facet_matching, facet_counts
from .filters import FILTER_NAMES, SORTS, PaperFilterSet
from .query import ParsedQuery, strip_control_characters

MAX_FIND_AUTHOR_LENGTH = 100


@dataclass
class Selection:
    """The papers a catalogue request selects: ``base`` narrowed by ``filterset``.

    ``skip`` names filters the base already stands for (``q`` when approximate
    names replace the words), so they are not applied on top of it.
    """

    filterset: PaperFilterSet
    base: QuerySet
    skip: frozenset = frozenset()
    approximate: dict | None = None  # the names matched when the words found nothing

    def papers(self, *, exclude=()) -> QuerySet:
        return self.filterset.filter_queryset(self.base, exclude=set(exclude) | self.skip)

    def active(self, name):
        return self.filterset.active(name)


@dataclass
class CatalogueSearch:
    filterset: PaperFilterSet
    query: ParsedQuery
    sort: str
    sorts: list[tuple[str, str]]
    facets: FacetResult
    total: int
    total_is_capped: bool = False  # more results than ``total`` (counting gave up)
    total_is_estimate: bool = False  # ``total`` is an estimate from a sample
    page_obj: object = None  # a Page, or None when the page number is not valid
    page_error: str = ""
    snippets: dict = field(default_factory=dict)
    approximate: dict | None = None  # names matched approximately when the words found nothing
    params: QueryDict = field(default_factory=QueryDict)  # the valid request, for links
    messages: list[str] = field(default_factory=list)  # problems with the request
    notices: list[str] = field(default_factory=list)  # how the search was understood
    like: Paper | None = None  # ``like``: the paper whose similar papers these are
    find_author: str = ""  # the author facet lists only the authors whose name has this

    @property
    def is_bad_request(self) -> bool:
        return bool(self.messages)

    @property
    def selected(self) -> list:
        """``(facet, option)`` for every active filter value, in facet order."""
        return [(facet, option) for facet in self.facets.facets for option in facet.selected]


def _listing(papers, cards: bool):
    return papers.for_cards() if cards else papers.with_listing_data()


def catalogue_search(
    params: QueryDict,
    *,
    topic: Topic | None = None,
    per_page: int | None = None,
    expanded=(),
    cards: bool = False,
    find_author: str = "",
) -> CatalogueSearch:
    """Everything the catalogue page shows for the query string ``params``.

    ``topic``: the topic of ``/topics/<slug>/``, always selected.
    ``cards``: the page shows paper cards (papers/web/cards.py reads their related
    rows when it needs them); otherwise the papers come with every related row.
    ``find_author``: part of a name; the author facet lists the authors who have it.
    """
    per_page = per_page or settings.PAPERS_PER_PAGE
    data = params.copy()
    if topic is not None:
        data.setlist("topic", [topic.slug, *(s for s in data.getlist("topic") if s != topic.slug)])
    filterset = PaperFilterSet(data, queryset=Paper.objects.published())
    filterset.is_valid()
    query = filterset.search_query
    published = Paper.objects.published()
    ranking = None
    if filterset.like_paper:
        # Worked out first, under its own time limit (not in a facet's).
        ranking = similar.paper_ranking(filterset.like_paper)
        base = published.filter(pk__in=ranking.ids) if ranking else published.none()
        selection = Selection(filterset, base)
    else:
        selection = Selection(filterset, published)

    facets = _facets(selection, expanded)
    approximate = None
    if facets.total == 0 and query and not filterset.has_filters:
        # The words found nothing at all: try them as approximate author and topic names.
        names = engines.similar_names(query)
        if names["authors"] or names["topics"]:
            approximate = names
            selection = Selection(
                filterset,
                published.filter(approximate_names_condition(names)),
                skip=frozenset({"q"}),
                approximate=names,
            )
            facets = _facets(selection, expanded)

    find_author = " ".join(strip_control_characters(find_author or "").split())[
        :MAX_FIND_AUTHOR_LENGTH
    ]
    if find_author:
        narrowed = author_facet_matching(selection, find_author, facets.total)
        facets = FacetResult(
            facets=[narrowed if f.name == "author" else f for f in facets.facets],
            total=facets.total,
        )

    total, capped = facets.total, False
    results = selection.papers()
    if total is None:  # the counts ran out of time: count up to the page window only
        window = settings.SEARCH_MAX_RESULTS_WINDOW
        total = results.order_by()[: window + 1].count()
        capped = total > window
        total = min(total, window)

    sort = filterset.sort_order
    outcome = CatalogueSearch(
        filterset=filterset,
        query=query,
        sort=sort,
        sorts=[
            (key, label)
            for key, label in SORTS.items()
            if (key != "relevance" or query) and (key != "similar" or filterset.like_paper)
        ],
        facets=facets,
        total=total,
        total_is_capped=capped,
        total_is_estimate=facets.estimated and not capped,
        approximate=approximate,
        params=_canonical_params(filterset, topic, expanded),
        messages=filterset.error_messages,
        notices=list(query.notices),
        like=filterset.like_paper,
        find_author=find_author,
    )
    if filterset.like_paper and ranking is None:
        outcome.notices.append(
            "Finding the papers like this one took too long just now; try again in a minute."
        )
    number = params.get("page")
    if sort == "relevance" and approximate is None:
        # At most engines.RANK_CANDIDATES matches are scored (the most upvoted when more
        # match): by design, not a fallback, so nothing is marked degraded.
        ranked = engines.ranked(
            results, query, total=total, listing=lambda papers: _listing(papers, cards)
        )
        outcome.page_obj, outcome.page_error = _page(ranked, total, per_page, number)
        if outcome.page_obj is not None and not _load_in_time(outcome.page_obj):
            # Even that took too long (a busy database): fall back to an order an index
            # gives, and say so.
            outcome.notices.append(
                "So many papers match that they are shown most upvoted first rather than "
                "by relevance; add words or filters to narrow the search."
            )
            outcome.page_obj = None
    if sort == "similar":
        outcome.page_obj, outcome.page_error = _page(
            _listing(similar.in_ranking_order(results, ranking.ids if ranking else []), cards),
            total,
            per_page,
            number,
        )
    if outcome.page_obj is None and not outcome.page_error:
        outcome.page_obj, outcome.page_error = _page(
            _listing(results.sorted_by("top" if sort == "relevance" else sort), cards),
            total,
            per_page,
            number,
        )
    if outcome.page_obj is not None and query and approximate is None:
        outcome.snippets = engines.snippets(query, [paper.pk for paper in outcome.page_obj])
        for paper in outcome.page_obj:
            paper.search_snippet = outcome.snippets.get(paper.pk)
    return outcome


def _load_in_time(page) -> bool:
    """Fetch the page's papers under the ranking time limit; False if it ran out."""
    with TimeLimit(
        page.paginator.object_list.db, settings.SEARCH_RANK_TIME_LIMIT_MS, part=degraded.RANKING
    ) as limit:
        papers = limit.run("relevance", lambda: list(page.object_list))
    if papers is None:
        return False
    page.object_list = papers
    return True


def _facets(selection: Selection, expanded) -> FacetResult:
    """Facet counts, from the cache when the same filters were counted lately."""
    seconds = settings.SEARCH_FACET_CACHE_SECONDS
    if not seconds or selection.approximate is not None:
        return facet_counts(selection, expanded=expanded)
    key = _facet_cache_key(selection.filterset, expanded)
    result = cache.get(key)
    if result is None:
        result = facet_counts(selection, expanded=expanded)
        if result.complete:  # counts that ran out of time are never kept as if whole
            # (estimates from a sample are a whole answer, kept as briefly)
            cache.set(key, result, seconds)
    return result


def _facet_cache_key(filterset, expanded) -> str:
    state = _canonical_params(filterset, None, expanded)
    state.pop("sort", None)
    return "catalogue-facets:" + hashlib.sha256(state.urlencode().encode()).hexdigest()


def warm_facet_cache(
    *, time_limit_ms: int = 120_000, everything: bool = False
) -> list[tuple[str, float, bool]]:
    """Count, ahead of readers, the facets of the pages that count the most papers:
    the whole catalogue and each topic (its topic page); with ``everything``, also
    each category and each year on its own.

    On a large catalogue these counts take longer than a reader may wait (the page
    would say "counts unavailable"); run this from cron (``manage.py warm_facets``)
    so they are always in the cache. Returns ``(filter, seconds, complete)`` rows.
    """
    published = Paper.objects.published()
    variants = [
        "",
        *(
            f"topic={slug}"
            for slug in Topic.objects.order_by("slug").values_list("slug", flat=True)
        ),
    ]
    if everything:
        codes = Category.objects.filter(papers__isnull=False).values_list("code", flat=True)
        years = published.exclude(year=None).values_list("year", flat=True)
        variants += [f"category={code}" for code in sorted(set(codes))]
        variants += [f"year={year}" for year in sorted(set(years.order_by()))]
    report = []
    for variant in variants:
        filterset = PaperFilterSet(QueryDict(variant), queryset=published)
        filterset.is_valid()
        started = time.monotonic()
        result = facet_counts(
            Selection(filterset, published), time_limit_ms=time_limit_ms, exact=True
        )
        complete = result.complete
        if complete:
            cache.set(_facet_cache_key(filterset, ()), result, settings.SEARCH_FACET_WARM_SECONDS)
        report.append((variant or "(everything)", time.monotonic() - started, complete))
    return report


def _canonical_params(filterset, topic, expanded) -> QueryDict:
    """The valid part of the request, in a stable order: links are built from it."""
    params = QueryDict(mutable=True)
    if filterset.search_query.text:
        params["q"] = filterset.search_query.text
    for name in FILTER_NAMES:
        value = filterset.active(name)
        if name == "topic":
            value = [t for t in value if topic is None or t.pk != topic.pk]
        if isinstance(value, list):
            if value:
                params.setlist(name, [getattr(v, "slug", None) or v.code for v in value])
        elif value is not None:
            params[name] = str(value)
    if filterset.like_paper:
        params["like"] = filterset.like_paper.arxiv_id
    if filterset.cleaned.get("sort"):
        params["sort"] = filterset.cleaned["sort"]
    if expanded:
        params.setlist("more", list(expanded))
    return params


def _page(results, total, per_page, number):
    """One page of ``results`` (whose count is known), at most the results window deep."""
    window = settings.SEARCH_MAX_RESULTS_WINDOW
    paginator = Paginator(results, per_page)
    paginator.count = min(total, window)  # known already: no COUNT query
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        return None, "The page number must be a whole number such as 2."
    except EmptyPage:
        if total > window and str(number).isdigit():
            return None, (
                f"Only the first {window:,} results can be paged through; "
                "narrow the search or pick a filter."
            )
        pages = paginator.num_pages
        return (
            None,
            f"There is no page {str(number)[:20]} here: these results have {pages} page"
            + ("s." if pages != 1 else "."),
        )


def approximate_names_condition(names: dict):
    """Papers by any of ``names["authors"]`` or in any of ``names["topics"]``."""
    by_author = Exists(
        Authorship.objects.filter(paper_id=OuterRef("pk"), author__in=names["authors"])
    )
    in_topic = Exists(
        Paper.topics.through.objects.filter(paper_id=OuterRef("pk"), topic__in=names["topics"])
    )
    return by_author | in_topic
