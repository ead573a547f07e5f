"""Browse pages: editions, papers, authors, topics, repositories.

Views glue the request to a selector and a template; nothing more.
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from papers.community import selectors as member_selectors
from papers.community import trending
from papers.community.discussion import selectors as discussion_selectors
from papers.core import bibtex, selectors
from papers.core.editions import Edition, latest_edition_date
from papers.core.models import Paper
from papers.search import similar
from papers.web.pagecache import cache_for_visitors
from papers.web.pagination import paginate

PER_PAGE = settings.PAPERS_PER_PAGE
EDITION_SORTS = [("top", "Most upvoted"), ("trending", "Trending")]
# A week's and a month's pages show each day's best, with a link to the whole day.
BEST_OF_DAY = {"week": 5, "month": 3}


def _render_edition(request, edition: Edition, *, front_page=False):
    sort = request.GET.get("sort", "top")
    if sort not in dict(EDITION_SORTS):
        sort = "top"
    context = {
        "edition": edition,
        "front_page": front_page,
        "sort": sort,
        "sorts": EDITION_SORTS,
        **selectors.edition_neighbours(edition),
    }
    if edition.kind == "day":
        page = paginate(
            request,
            selectors.edition_papers(edition).sorted_by(sort).for_cards(),
            per_page=PER_PAGE,
        )
        context |= {"page_obj": page, "total": page.paginator.count, "shown": page}
    else:
        days = selectors.edition_days(edition, sort=sort, per_day=BEST_OF_DAY[edition.kind])
        shown = [paper for day in days for paper in day.papers]
        context |= {"days": days, "total": sum(day.count for day in days), "shown": shown}
    context["voted_ids"] = member_selectors.voted_paper_ids(request.user, context["shown"])
    context["tabs"] = _edition_tabs(edition, context.get("days"))
    return render(request, "browse/edition.html", context)


def _edition_tabs(edition: Edition, days) -> list[tuple[str, str, Edition]]:
    """(kind, label, edition) for the Daily / Weekly / Monthly tabs: the day, week and
    month of the edition's latest day with papers (or of its first day)."""
    focus = days[0].date if days else edition.start
    return [
        (kind, label, edition if edition.kind == kind else Edition.containing(kind, focus))
        for kind, label in (("day", "Daily"), ("week", "Weekly"), ("month", "Monthly"))
    ]


@require_safe
def edition_jump(request):
    """The date picker of the editions' header (a GET form: works without JavaScript)."""
    kind = request.GET.get("kind", "day")
    try:
        chosen = Edition.from_input(kind, request.GET.get("date", ""))
    except ValueError:
        response = render(
            request,
            "browse/edition_jump_error.html",
            {"kind": kind if kind in BEST_OF_DAY or kind == "day" else "day",
             "value": request.GET.get("date", "")[:40]},
            status=400,
        )  # fmt: skip
        return response
    url = chosen.get_absolute_url()
    sort = request.GET.get("sort")
    return redirect(f"{url}?sort={sort}" if sort in dict(EDITION_SORTS) else url)


@require_safe
@cache_for_visitors
def home(request):
    date = latest_edition_date(Paper.objects.published(), timezone.localdate())
    if date is None:
        return render(request, "browse/edition.html", {"front_page": True, "page_obj": None})
    return _render_edition(request, Edition.day(date), front_page=True)


@require_safe
@cache_for_visitors
def edition(request, kind, key):
    try:
        period = Edition.parse(kind, key)
    except ValueError as exc:
        raise Http404(f"{key!r} is not a valid {kind}.") from exc
    return _render_edition(request, period)


def _render_paper(request, paper_filter: Q):
    try:
        paper = selectors.paper_detail(paper_filter, user=request.user)
    except Paper.DoesNotExist as exc:
        raise Http404("No such paper in the catalogue.") from exc
    if paper.arxiv_id:
        bibtex_url = reverse("paper_bibtex", args=[paper.arxiv_id])
    else:
        bibtex_url = reverse("paper_bibtex_by_pk", args=[paper.pk])
    return render(
        request,
        "browse/paper_detail.html",
        {
            "paper": paper,
            "voted_ids": member_selectors.voted_paper_ids(request.user, [paper]),
            "trending": trending.explain(paper),
            "canonical_url": request.build_absolute_uri(paper.get_absolute_url()),
            "bibtex": bibtex.paper_entry(paper, site_url=request.build_absolute_uri("/")[:-1]),
            "bibtex_url": bibtex_url,
            "similar_papers": similar.similar_papers(paper),
            "discussion": discussion_selectors.paper_discussion(
                paper, user=request.user, params=request.GET
            ),
        },
    )


@require_safe
@cache_for_visitors
def paper_detail(request, arxiv_id):
    return _render_paper(request, Q(arxiv_id=arxiv_id))


@require_safe
@cache_for_visitors
def paper_detail_by_pk(request, pk):
    paper = get_object_or_404(selectors.visible_papers(request.user).only("arxiv_id"), pk=pk)
    if paper.arxiv_id:
        return redirect(paper, permanent=True)
    return _render_paper(request, Q(pk=pk))


@require_safe
@cache_for_visitors
def author_list(request):
    query = request.GET.get("q", "").strip()[:100]
    authors = selectors.authors_with_counts(query)
    page = paginate(request, authors, per_page=60)
    ranked = getattr(authors, "ranked", True)
    return render(
        request, "browse/author_list.html", {"page_obj": page, "query": query, "ranked": ranked}
    )


@require_safe
@cache_for_visitors
def author_detail(request, slug):
    author = get_object_or_404(selectors.visible_authors(request.user), slug=slug)
    page = paginate(request, selectors.author_papers(author).for_cards(), per_page=PER_PAGE)
    return render(
        request,
        "browse/author_detail.html",
        {
            "author": author,
            "page_obj": page,
            "voted_ids": member_selectors.voted_paper_ids(request.user, page),
        },
    )


@require_safe
@cache_for_visitors
def topic_list(request):
    topics = selectors.topic_directory()
    return render(request, "browse/topic_list.html", {"topic_tree": _topic_tree(topics)})


def _topic_tree(topics):
    children = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    for siblings in children.values():
        siblings.sort(key=lambda t: t.name.lower())
    return [(topic, children.get(topic.pk, [])) for topic in children.get(None, [])]


@require_safe
@cache_for_visitors
def repository_list(request):
    page = paginate(request, selectors.repositories_with_counts(), per_page=50)
    # Columns with nothing known on this page are left out rather than shown as dashes.
    known = {
        name: any(getattr(repository, name) not in (None, "") for repository in page)
        for name in ("stars", "language", "framework")
    }
    return render(request, "browse/repository_list.html", {"page_obj": page, "known": known})


@require_safe
@cache_for_visitors
def repository_detail(request, owner, name):
    repository = selectors.repository_by_path(owner, name, user=request.user)
    if repository is None:
        raise Http404("No such repository in the catalogue.")
    page = paginate(request, selectors.repository_papers(repository).for_cards(), per_page=PER_PAGE)
    return render(
        request,
        "browse/repository_detail.html",
        {
            "repository": repository,
            "page_obj": page,
            "voted_ids": member_selectors.voted_paper_ids(request.user, page),
        },
    )
