"""The read-only JSON API under ``/api/v1/`` (representations in ``serializers.py``).

Every answer is JSON, errors too (``{"error": code, "message": ...}``). Answers
are the same for every client (published papers only, no session), so they are
cacheable: ``Cache-Control: public``, an ``ETag`` and ``304`` on a match. No
CORS headers: browsers on other sites cannot read it; servers and scripts can.
Requests are rate limited per client address (``RATE_LIMITS["api"]``).
"""

from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from papers.community import trending
from papers.community.discussion import selectors as discussion
from papers.core import selectors
from papers.core.models import Author, Paper
from papers.search import similar
from papers.search.catalogue import catalogue_search
from papers.search.filters import FILTER_NAMES
from papers.web import ratelimit
from papers.web.httpcache import public_cache

from . import serializers as api

API_MAX_AGE = 60
PAGE_PARAMETERS = ("page", "per_page")
CATALOGUE_PARAMETERS = ("q", *FILTER_NAMES, "like", "sort", "more", *PAGE_PARAMETERS)


def api_view(*, parameters=()):
    """GET/HEAD only, known query parameters only, rate limited, JSON in and out."""
    allowed = frozenset(parameters)

    def decorator(view):
        # No cookies are read or state changed here: a POST is answered 405 (JSON),
        # not refused by the CSRF check as a form would be.
        @csrf_exempt
        @wraps(view)
        @public_cache(API_MAX_AGE)
        def wrapped(request, *args, **kwargs):
            if request.method not in {"GET", "HEAD"}:
                response = api.ApiError(
                    405, "method_not_allowed", "The API is read-only: use GET."
                ).response()
                response["Allow"] = "GET, HEAD"
                return response
            # Counted first: a request refused for its parameters costs its quota too.
            decision = ratelimit.check(request, "api")
            if not decision.allowed:
                return ratelimit.too_many_requests(request, decision, json=True)
            unknown = sorted(set(request.GET) - allowed)
            if unknown:
                known = ", ".join(sorted(allowed)) or "none"
                return api.ApiError(
                    400,
                    "unknown_parameter",
                    f"Unknown parameter {unknown[0]!r}. This endpoint takes: {known}.",
                    parameter=unknown[0],
                ).response()
            try:
                data = view(request, *args, **kwargs)
            except api.ApiError as error:
                return error.response()
            return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

        return wrapped

    return decorator


@api_view()
def index(request):
    absolute = request.build_absolute_uri
    return {
        "papers": absolute(reverse("api_papers")),
        "topics": absolute(reverse("api_topics")),
        "authors": absolute(reverse("api_authors")),
    }


@api_view(parameters=CATALOGUE_PARAMETERS)
def paper_list(request):
    """The catalogue as ``/papers/`` shows it: the same search, filters, sorts and facets."""
    wanted = api.page_request(request.GET)
    expanded = api.expanded_facets(request.GET)
    result = catalogue_search(request.GET, per_page=wanted.per_page, expanded=expanded)
    if result.is_bad_request:
        raise api.catalogue_error(result)
    if result.page_error:
        raise api.ApiError(404, "page_not_found", result.page_error, parameter="page")
    page = result.page_obj
    now = timezone.now()
    return {
        "count": result.total,
        "count_is_capped": result.total_is_capped,
        "count_is_estimate": result.total_is_estimate,
        "page": page.number,
        "per_page": wanted.per_page,
        **api.page_links(request, page),
        "query": result.query.text or None,
        "like": result.like.arxiv_id if result.like else None,
        "sort": result.sort,
        "notices": result.notices,
        # When the words matched no paper, the results are papers by authors or in topics
        # whose names are close to them (as the page says): those names, else None.
        "approximate_names": (
            {
                "authors": [author.slug for author in result.approximate["authors"]],
                "topics": [topic.slug for topic in result.approximate["topics"]],
            }
            if result.approximate
            else None
        ),
        "results": [
            {
                **api.paper_summary(request, paper, now=now),
                "snippet_html": _snippet(result, paper),
            }
            for paper in page
        ],
        **api.facet_lists(result.facets),
    }


def _snippet(result, paper) -> str | None:
    snippet = result.snippets.get(paper.pk)
    return str(snippet) if snippet else None


def _paper(request, paper_filter: Q) -> dict:
    try:
        paper = selectors.paper_detail(paper_filter, user=AnonymousUser())
    except Paper.DoesNotExist:
        raise api.not_found("No such paper in the catalogue.") from None
    return api.paper_detail(
        request,
        paper,
        explanation=trending.explain(paper),
        similar=similar.similar_papers(paper),
    )


@api_view()
def paper_detail(request, arxiv_id):
    return _paper(request, Q(arxiv_id=arxiv_id))


@api_view()
def paper_detail_by_pk(request, pk):
    return _paper(request, Q(pk=pk))


def _comments(request, paper_filter: Q) -> dict:
    """The comments everyone sees on a paper, oldest first (replies carry ``parent``)."""
    paper = (
        Paper.objects.published()
        .prefetch_related("authorships__author")
        .filter(paper_filter)
        .first()
    )
    if paper is None:
        raise api.not_found("No such paper in the catalogue.")
    wanted = api.page_request(request.GET)
    page = api.paginate(request, discussion.shown_comments(paper), wanted)
    return api.comment_list(
        request, paper, page, author_member_ids=discussion.claimed_author_member_ids(paper)
    )


@api_view(parameters=PAGE_PARAMETERS)
def paper_comments(request, arxiv_id):
    return _comments(request, Q(arxiv_id=arxiv_id))


@api_view(parameters=PAGE_PARAMETERS)
def paper_comments_by_pk(request, pk):
    return _comments(request, Q(pk=pk))


@api_view()
def topic_list(request):
    topics = sorted(selectors.topic_directory(), key=lambda t: t.name.lower())
    return {"count": len(topics), "results": [api.topic_item(request, t) for t in topics]}


@api_view()
def topic_detail(request, slug):
    topics = selectors.topics_with_counts().filter(slug=slug)
    topic = topics.first()
    if topic is None:
        raise api.not_found(f"There is no topic {slug!r}.")
    return api.topic_item(request, topic)


@api_view(parameters=("q", *PAGE_PARAMETERS))
def author_list(request):
    query = request.GET.get("q", "").strip()
    if len(query) > 100:
        raise api.bad_parameter("q", "q must be at most 100 characters.")
    wanted = api.page_request(request.GET)
    page = api.paginate(request, selectors.authors_with_counts(query), wanted)
    return {
        "count": page.paginator.count,
        **api.page_links(request, page),
        "results": [api.author_item(request, a) for a in page],
    }


@api_view()
def author_detail(request, slug):
    author = Author.objects.public().filter(slug=slug).first()
    if author is None:
        raise api.not_found(f"There is no author {slug!r}.")
    author.paper_count = selectors.author_papers(author).count()
    return api.author_item(request, author)


def not_found(request, rest=""):
    """Anything else under /api/v1/: a JSON 404, not the HTML page."""
    return api.not_found(
        f"There is no API endpoint at {request.path!r}. Start at {reverse('api_index')}."
    ).response()
