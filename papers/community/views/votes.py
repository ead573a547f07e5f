"""Upvotes: a POST toggles the member's vote on a paper.

A plain form POST answers with a redirect back to the page it came from; a
``fetch`` that asks for JSON (``Accept: application/json``) gets the vote, the
server's count and the paper's fresh trending figures. CSRF-protected by the
middleware; GET is not allowed.

A visitor who presses ▲ is sent to log in with the vote as an intent
(``?upvote=<paper id>``): the log-in page says "Log in to upvote <title>", and
the vote is cast once the visitor has logged in (or signed up) there: the
visitor's own, explicit action on a page that names the paper.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from papers.core.models import Paper
from papers.web import ratelimit

from .. import services, trending

# The form says which state the member asked for, so a double submit is harmless.
VOTE_VALUES = {"up": True, "down": False}


@require_POST
def upvote(request, arxiv_id):
    return _vote(request, Q(arxiv_id=arxiv_id))


@require_POST
def upvote_by_pk(request, pk):
    return _vote(request, Q(pk=pk))


def _vote(request, paper_filter: Q):
    paper = get_object_or_404(
        Paper.objects.published().only("pk", "arxiv_id", "upvote_count"), paper_filter
    )
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not request.user.is_authenticated:
        login_url = login_to_vote_url(paper)
        if wants_json:
            return JsonResponse(
                {"error": "login_required", "message": "Log in to upvote.", "login_url": login_url},
                status=401,
            )
        return redirect(login_url)

    decision = ratelimit.check(request, "vote")
    if not decision.allowed:
        return ratelimit.too_many_requests(request, decision, json=wants_json)

    result = services.paper_upvote(
        paper=paper, user=request.user, voted=VOTE_VALUES.get(request.POST.get("vote"))
    )
    if wants_json:
        explained = trending.explain(paper)
        return JsonResponse(
            {
                "voted": result.voted,
                "upvote_count": result.upvote_count,
                "paper": paper.pk,
                "trending": {
                    "votes_last_day": explained.votes_last_day,
                    "votes_last_week": explained.votes_last_week,
                    "score": round(explained.score, 2),
                },
            }
        )
    return redirect(_back_url(request, paper))


def login_to_vote_url(paper) -> str:
    """The log-in page, asked to upvote ``paper`` once the visitor is in."""
    query = urlencode({"next": paper.get_absolute_url(), "upvote": paper.pk})
    return f"{resolve_url(settings.LOGIN_URL)}?{query}"


def vote_intent(request) -> Paper | None:
    """The published paper a log-in or sign-up page was asked to upvote, if any."""
    value = request.POST.get("upvote") or request.GET.get("upvote") or ""
    if not value.isdigit():
        return None
    return Paper.objects.published().only("pk", "arxiv_id", "title").filter(pk=value).first()


def cast_intended_vote(request, paper: Paper | None) -> None:
    """After a log in or sign-up with an intent: the member's upvote on ``paper``."""
    if paper is None or not request.user.is_authenticated:
        return
    if ratelimit.check(request, "vote").allowed:
        services.paper_upvote(paper=paper, user=request.user, voted=True)


def _back_url(request, paper) -> str:
    """The page the vote came from (same site only), scrolled to the paper's vote button."""
    url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = paper.get_absolute_url()
    return f"{url.split('#')[0]}#vote-{paper.pk}"
