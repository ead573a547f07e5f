"""BibTeX for one paper (``/papers/<arxiv_id>/bibtex/``, ``/papers/id/<n>/bibtex/``) and
for a catalogue list (``/papers/bibtex/?<the /papers/ query string>``)."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from papers.core import bibtex
from papers.core.models import Authorship, Paper
from papers.search.catalogue import catalogue_search
from papers.web import ratelimit
from papers.web.httpcache import public_cache

BIBTEX_MAX_AGE = 60 * 60
LIST_MAX_AGE = 5 * 60
LIST_MAX_ENTRIES = 500


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


@require_safe
@ratelimit.metered("export")
@public_cache(LIST_MAX_AGE)
def paper_list_bibtex(request):
    """The papers ``/papers/`` shows for this query string, in its order, up to 500."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("more", None)
    result = catalogue_search(params, per_page=LIST_MAX_ENTRIES)
    if result.is_bad_request:
        text = "Part of this address could not be used:\n" + "\n".join(
            f"- {message}" for message in result.messages
        )
        return HttpResponseBadRequest(text + "\n", content_type=bibtex.MEDIA_TYPE)
    papers = list(result.page_obj or [])
    query = result.params.urlencode()
    source = request.build_absolute_uri(reverse("paper_list")) + (f"?{query}" if query else "")
    more = f" (the first {len(papers)} of {result.total})" if result.total > len(papers) else ""
    header = (
        f"% {len(papers)} paper{'s' if len(papers) != 1 else ''}{more} from {source}\n"
        f"% exported {timezone.now():%Y-%m-%d}\n\n"
    )
    text = header + bibtex.papers_bibtex(papers, site_url=site_url(request))
    return bibtex_response(text, filename="papers.bib", attachment=True)
