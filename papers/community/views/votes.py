"""Upvotes: a POST toggles the member's vote on a paper.

A plain form POST answers with a redirect back to the page it came from; a
``fetch`` that asks for JSON (``Accept: application/json``) gets the vote and
the server's count. CSRF-protected by the middleware; GET is not allowed.
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

from .. import services

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
        login_url = resolve_url(settings.LOGIN_URL)
        login_url = f"{login_url}?{urlencode({'next': paper.get_absolute_url()})}"
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
        return JsonResponse(
            {"voted": result.voted, "upvote_count": result.upvote_count, "paper": paper.pk}
        )
    return redirect(_back_url(request, paper))


def _back_url(request, paper) -> str:
    """The page the vote came from (same site only), scrolled to the paper's vote button."""
    url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = paper.get_absolute_url()
    return f"{url.split('#')[0]}#vote-{paper.pk}"
