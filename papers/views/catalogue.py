"""The catalogue page: every published paper, sorted and paginated."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import selectors
from ..models import PAPER_SORTS, Paper
from ..pagination import paginate

SORT_LABELS = [("top", "Most upvoted"), ("new", "Newest"), ("trending", "Trending")]


@require_safe
def paper_list(request):
    sort = request.GET.get("sort", "top")
    if sort not in PAPER_SORTS:
        sort = "top"
    page = paginate(
        request,
        Paper.objects.published().sorted_by(sort).with_listing_data(),
        per_page=settings.PAPERS_PER_PAGE,
    )
    return render(
        request,
        "papers/paper_list.html",
        {
            "page_obj": page,
            "sort": sort,
            "sorts": SORT_LABELS,
            "voted_ids": selectors.voted_paper_ids(request.user, page),
        },
    )
