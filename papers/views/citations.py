"""BibTeX for one paper (``/papers/<arxiv_id>/bibtex/``, ``/papers/id/<n>/bibtex/``)."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from .. import bibtex
from ..caching import public_cache
from ..models import Authorship, Paper

BIBTEX_MAX_AGE = 60 * 60


def citable(papers):
    """What an entry needs: authors in order and the primary category (two queries)."""
    return papers.select_related("primary_category").prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author").order_by("position"),
        )
    )


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def bibtex_response(text: str, *, filename: str, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(text, content_type=bibtex.MEDIA_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _entry(request, **lookup):
    paper = citable(Paper.objects.published()).filter(**lookup).first()
    if paper is None:
        raise Http404("No such paper in the catalogue.")
    key = bibtex.base_key(paper)
    text = bibtex.paper_entry(paper, key=key, site_url=site_url(request))
    return bibtex_response(text, filename=f"{key}.bib")


@require_safe
@public_cache(BIBTEX_MAX_AGE)
def paper_bibtex(request, arxiv_id):
    return _entry(request, arxiv_id=arxiv_id)


@require_safe
@public_cache(BIBTEX_MAX_AGE)
def paper_bibtex_by_pk(request, pk):
    paper = Paper.objects.published().filter(pk=pk).only("arxiv_id").first()
    if paper is not None and paper.arxiv_id:
        return redirect("paper_bibtex", arxiv_id=paper.arxiv_id, permanent=True)
    return _entry(request, pk=pk)
