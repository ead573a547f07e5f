"""The JSON API's representations and errors (read-only, ``/api/v1/``).

Field names here are the API's contract: add fields freely, never rename or
remove one without a new version. Views are in ``papers/api/views.py``;
docs/api.md documents every field.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone

from papers.community import trending
from papers.search.filters import FILTER_NAMES, MULTI_VALUED

MAX_PER_PAGE = 100


class ApiError(Exception):
    """A 4xx answer: ``{"error": code, "message": message, ...extra}``."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self) -> JsonResponse:
        return JsonResponse(
            {"error": self.code, "message": self.message, **self.extra},
            status=self.status,
            json_dumps_params={"ensure_ascii": False},
        )


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, parameter=name)


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def int_parameter(params, name: str, *, default: int, minimum: int, maximum: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_parameter(name, f"{name} must be a whole number, not {raw[:20]!r}.") from None
    if not minimum <= value <= maximum:
        raise bad_parameter(name, f"{name} must be between {minimum} and {maximum}.")
    return value


@dataclass
class PageRequest:
    number: int
    per_page: int


def page_request(params) -> PageRequest:
    return PageRequest(
        number=int_parameter(params, "page", default=1, minimum=1, maximum=1_000_000),
        per_page=int_parameter(
            params,
            "per_page",
            default=settings.PAPERS_PER_PAGE,
            minimum=1,
            maximum=MAX_PER_PAGE,
        ),
    )


def paginate(request, object_list, wanted: PageRequest):
    """One page of ``object_list``; 404 JSON for a page past the end."""
    paginator = Paginator(object_list, wanted.per_page)
    try:
        return paginator.page(wanted.number)
    except InvalidPage:
        raise ApiError(
            404,
            "page_not_found",
            f"There is no page {wanted.number}: the results have {paginator.num_pages} page"
            + ("s." if paginator.num_pages != 1 else "."),
            parameter="page",
        ) from None


def page_links(request, page) -> dict:
    """``next`` and ``previous``: absolute URLs of the neighbouring pages, or ``None``."""

    def link(number):
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
    }


def expanded_facets(params) -> list[str]:
    """``more=<facet>`` (repeatable): list up to 50 options of that facet instead of 8."""
    names = list(dict.fromkeys(params.getlist("more")))
    for name in names:
        if name not in FILTER_NAMES:
            raise bad_parameter("more", f"more takes a facet name: {', '.join(FILTER_NAMES)}.")
    return names


def catalogue_error(result) -> ApiError:
    """The 400 for a catalogue request with values that could not be used.

    ``errors`` lists every problem as ``{"parameter", "message"}`` (``parameter``
    is ``null`` when the problem is not tied to one).
    """
    filterset = result.filterset
    errors = []
    for name in MULTI_VALUED:
        field = filterset.form.fields[name]
        errors += [
            {"parameter": name, "message": field.error_messages["invalid_choice"] % {"value": v}}
            for v in getattr(field, "unknown", [])
        ]
    for name, messages in filterset.form.errors.items():
        errors += [{"parameter": name, "message": str(m)} for m in messages]
    errors += [{"parameter": None, "message": m} for m in filterset.input_errors]
    if not errors:  # anything else the page would report
        errors = [{"parameter": None, "message": m} for m in result.messages]
    first = errors[0]
    return ApiError(
        400, "invalid_parameter", first["message"], parameter=first["parameter"], errors=errors
    )


def facet_lists(facets) -> dict:
    """``facets``: for each facet name, the selected options then the others, as
    ``{"value", "label", "count", "selected"}``, with the meaning of the counts on the page.
    Also which facets list only their first options, which were counted on a sample
    (estimates), and which could not be counted."""
    return {
        "facets": {
            facet.name: [{**o.as_dict(), "selected": True} for o in facet.selected]
            + [{**o.as_dict(), "selected": False} for o in facet.options]
            for facet in facets.facets
        },
        "facets_truncated": [facet.name for facet in facets.facets if facet.truncated],
        "facets_estimated": [facet.name for facet in facets.facets if facet.estimated],
        "facets_unavailable": [facet.name for facet in facets.facets if not facet.available],
    }


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _api_path(paper) -> str:
    """The path of a paper in the API: by arXiv id, else by primary key."""
    if paper.arxiv_id:
        return reverse("api_paper", args=[paper.arxiv_id])
    return reverse("api_paper_by_pk", args=[paper.pk])


def _comments_path(paper) -> str:
    if paper.arxiv_id:
        return reverse("api_paper_comments", args=[paper.arxiv_id])
    return reverse("api_paper_comments_by_pk", args=[paper.pk])


def comment_item(request, comment, *, author_member_ids=frozenset()) -> dict:
    """A comment everyone sees (``discussion.selectors.shown_comments``: no query)."""
    author = comment.author
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "author": (
            {
                "username": author.username,
                "name": author.shown_name,
                "url": request.build_absolute_uri(reverse("member_detail", args=[author.username])),
                "is_paper_author": author.pk in author_member_ids,
            }
            if author
            else None
        ),
        "body": comment.body,
        "body_html": comment.body_html,
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "upvotes": comment.upvote_count,
        "url": request.build_absolute_uri(comment.get_absolute_url()),
    }


def comment_list(request, paper, page, *, author_member_ids) -> dict:
    """A page of a paper's comments (``comment_item`` each)."""
    for comment in page:
        comment.paper = paper
    return {
        "paper": request.build_absolute_uri(_api_path(paper)),
        "count": page.paginator.count,
        **page_links(request, page),
        "results": [comment_item(request, c, author_member_ids=author_member_ids) for c in page],
    }


def paper_links(request, paper) -> dict:
    absolute = request.build_absolute_uri
    if paper.arxiv_id:
        bibtex = reverse("paper_bibtex", args=[paper.arxiv_id])
    else:
        bibtex = reverse("paper_bibtex_by_pk", args=[paper.pk])
    return {
        "page": absolute(paper.get_absolute_url()),
        "api": absolute(_api_path(paper)),
        "bibtex": absolute(bibtex),
        "arxiv": paper.arxiv_url or None,
        "pdf": paper.pdf_link or None,
        "project_page": paper.project_page or None,
        "doi": f"https://doi.org/{paper.doi}" if paper.doi else None,
    }


def author_brief(request, author) -> dict:
    return {
        "slug": author.slug,
        "name": author.name,
        "url": request.build_absolute_uri(author.get_absolute_url()),
    }


def topic_brief(request, topic) -> dict:
    return {
        "slug": topic.slug,
        "name": topic.name,
        "url": request.build_absolute_uri(topic.get_absolute_url()),
    }


def paper_summary(request, paper, *, now: dt.datetime | None = None) -> dict:
    """A paper in a list (loaded ``with_listing_data()``: no query)."""
    now = now or timezone.now()
    return {
        "id": paper.pk,
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "abstract": paper.abstract,
        "published": _date(paper.published),
        # "day", or "month" when only the month is known (from the arXiv id): then
        # "published" is the month's first day.
        "published_precision": paper.published_precision if paper.published else None,
        "arxiv_updated": _date(paper.arxiv_updated),
        "listed_on": _date(paper.listed_on),
        "primary_category": paper.primary_category.code if paper.primary_category_id else None,
        "authors": [author_brief(request, a.author) for a in paper.authorships.all()],
        "topics": [topic_brief(request, t) for t in paper.topics.all()],
        "has_code": paper.has_code,
        "upvotes": paper.upvote_count,
        "comments": paper.comment_count,
        "trending_score": round(trending.score_from_stored(paper.trending_score, now), 6),
        "links": paper_links(request, paper),
    }


def similar_item(request, item) -> dict:
    """One of a paper's similar papers (``similar.SimilarPaper``)."""
    paper = item.paper
    return {
        "id": paper.pk,
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "reasons": item.reasons,
        "links": {
            "page": request.build_absolute_uri(paper.get_absolute_url()),
            "api": request.build_absolute_uri(_api_path(paper)),
        },
    }


def paper_detail(request, paper, *, explanation: trending.TrendingExplanation, similar=()) -> dict:
    """A paper with everything its page shows (loaded by ``selectors.paper_detail``);
    ``similar``: its similar papers (``similar.similar_papers``)."""
    authorships = list(paper.authorships.all())
    code_links = list(paper.code_links.all())
    topics = list(paper.topics.all())
    data = paper_summary(request, paper)
    data["authors"] = [
        {**author_brief(request, a.author), "affiliation": a.affiliation or a.author.affiliation}
        for a in authorships
    ]
    data["topics"] = [topic_brief(request, t) for t in sorted(topics, key=lambda t: t.name)]
    data.update(
        {
            "categories": paper_categories(paper),
            "repositories": [
                {
                    "url": link.repository.url,
                    "host": link.repository.host,
                    "owner": link.repository.owner,
                    "name": link.repository.name,
                    "stars": link.repository.stars,
                    "language": link.repository.language or None,
                    "framework": link.repository.framework or None,
                    "is_official": link.is_official,
                }
                for link in code_links
            ],
            "doi": paper.doi or None,
            "journal_ref": paper.journal_ref or None,
            "comment": paper.comment or None,
            "counts": {
                "upvotes": paper.upvote_count,
                "upvotes_last_day": explanation.votes_last_day,
                "upvotes_last_week": explanation.votes_last_week,
                "hf_upvotes": paper.hf_upvotes,
                "comments": paper.comment_count,
                "authors": len(authorships),
                "repositories": len(code_links),
                "topics": len(topics),
            },
        }
    )
    data["trending_score"] = round(explanation.score, 6)
    data["similar"] = [similar_item(request, item) for item in similar]
    data["links"]["comments"] = request.build_absolute_uri(_comments_path(paper))
    data["links"]["similar"] = (
        request.build_absolute_uri(reverse("api_papers") + f"?like={paper.arxiv_id}")
        if paper.arxiv_id
        else None
    )
    return data


def paper_categories(paper) -> list[dict]:
    """The primary category first, then the others (as on the paper's page)."""
    primary = paper.primary_category if paper.primary_category_id else None
    others = [c for c in paper.categories.all() if c != primary]
    return [
        {"code": c.code, "name": c.name, "primary": c == primary}
        for c in ([primary] if primary else []) + others
    ]


def topic_item(request, topic) -> dict:
    """A topic with ``paper_count`` annotated (``selectors.topics_with_counts``)."""
    return {
        **topic_brief(request, topic),
        "description": topic.description,
        "parent": topic.parent.slug if topic.parent_id else None,
        "paper_count": topic.paper_count,
        "links": {
            "papers": request.build_absolute_uri(reverse("api_papers") + f"?topic={topic.slug}"),
            "atom": request.build_absolute_uri(reverse("feed_topic_atom", args=[topic.slug])),
            "rss": request.build_absolute_uri(reverse("feed_topic_rss", args=[topic.slug])),
        },
    }


def author_item(request, author) -> dict:
    """An author with ``paper_count`` annotated (``selectors.authors_with_counts``)."""
    return {
        **author_brief(request, author),
        "affiliation": author.affiliation or None,
        "homepage": author.homepage or None,
        "orcid": author.orcid or None,
        "paper_count": author.paper_count,
        "links": {
            "papers": request.build_absolute_uri(reverse("api_papers") + f"?author={author.slug}"),
            "atom": request.build_absolute_uri(reverse("feed_author_atom", args=[author.slug])),
            "rss": request.build_absolute_uri(reverse("feed_author_rss", args=[author.slug])),
        },
    }
