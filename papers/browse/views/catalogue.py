"""The catalogue: ``/papers/`` (search and facets) and ``/topics/<slug>/`` (the same
page with the topic chosen). The query lives in papers/search/catalogue.py."""

from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from papers.community import selectors as member_selectors
from papers.core.models import Topic
from papers.search import query as search_query
from papers.search.catalogue import catalogue_search
from papers.search.filters import FILTER_NAMES
from papers.web import ratelimit
from papers.web.pagecache import cache_for_visitors


def _searching(request) -> bool:
    """Whether the request makes the catalogue search (words, or papers like one)."""
    return bool(request.GET.get("q", "").strip() or request.GET.get("like", "").strip())


@require_safe
@ratelimit.metered("search", only_if=_searching)
@cache_for_visitors
def paper_list(request):
    return _render_catalogue(request, "browse/paper_list.html")


@require_safe
@ratelimit.metered("search", only_if=_searching)
@cache_for_visitors
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    return _render_catalogue(
        request,
        "browse/topic_detail.html",
        topic=topic,
        children=topic.children.order_by("name"),
    )


def _render_catalogue(request, template, *, topic=None, **context):
    expanded = [name for name in dict.fromkeys(request.GET.getlist("more")) if name in FILTER_NAMES]
    result = catalogue_search(
        request.GET,
        topic=topic,
        expanded=expanded,
        cards=True,
        find_author=request.GET.get("find_author", ""),
    )
    if result.page_error:
        status = 404
    elif result.is_bad_request:
        status = 400
    else:
        status = 200
    return render(
        request,
        template,
        {
            "catalogue": result,
            "page_obj": result.page_obj,
            "facets": result.facets.facets,
            "search_query": result.query.text,
            "topic": topic,
            "max_query_length": search_query.MAX_QUERY_LENGTH,
            "voted_ids": member_selectors.voted_paper_ids(request.user, result.page_obj or ()),
            "vote_next": _canonical_url(request, result),
            "export_query": _export_query(result, topic),
            **context,
        },
        status=status,
    )


def _canonical_url(request, result) -> str:
    """This page's address built from the valid part of the request (for "back here")."""
    params = result.params.copy()
    if result.page_obj is not None and result.page_obj.number > 1:
        params["page"] = str(result.page_obj.number)
    return f"{request.path}?{params.urlencode()}" if params else request.path


def _export_query(result, topic) -> str:
    """The query string that gives these results as BibTeX or JSON (topic included)."""
    params = QueryDict(mutable=True)
    if topic is not None:
        params.appendlist("topic", topic.slug)
    for name, values in result.params.lists():
        if name != "more":
            params.setlist(name, [*params.getlist(name), *values])
    return params.urlencode()
