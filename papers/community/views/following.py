"""Following topics, authors and public collections; the "For you" page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from papers.core.models import Author, Topic

from .. import selectors
from ..following import foryou, services
from ..models import Collection
from .common import limited, login_first, safe_next, wants_json

TARGETS = {"topic": Topic, "author": Author, "collection": Collection}


def _target(kind: str, raw_id: str):
    model = TARGETS.get(kind)
    try:
        pk = int(raw_id[:18])
    except (TypeError, ValueError):
        pk = 0
    target = model.objects.filter(pk=pk).first() if model and pk > 0 else None
    if target is None or (kind == "collection" and not target.is_public):
        raise Http404("Nothing to follow there.")
    return target


@require_POST
def follow(request):
    """Follow (``action=follow``) or stop following (``action=unfollow``) a topic, an
    author or a public collection (``kind`` and ``target``, its id)."""
    target = _target(request.POST.get("kind", ""), request.POST.get("target", ""))
    back = safe_next(request, target.get_absolute_url()).split("#")[0]
    if not request.user.is_authenticated:
        return login_first(request, back, message="Log in to follow.")
    refusal = limited(request, "collect")
    if refusal:
        return refusal
    following = request.POST.get("action") != "unfollow"
    try:
        services.follow_set(user=request.user, target=target, following=following)
    except services.FollowRefused as refusal:
        if wants_json(request):
            return JsonResponse({"error": "refused", "message": str(refusal)}, status=400)
        messages.error(request, str(refusal))
        return redirect(back)
    text = f"You follow {target}." if following else f"You no longer follow {target}."
    if wants_json(request):
        return JsonResponse({"following": following, "message": text})
    messages.success(request, text)
    return redirect(f"{back}#follow")


@login_required
@require_safe
def for_you(request):
    feed = foryou.for_you(request.user)
    papers = [pick.paper for pick in (*feed.followed, *feed.recommended)]
    return render(
        request,
        "community/for_you.html",
        {
            "feed": feed,
            "menu_papers": papers,
            "voted_ids": selectors.voted_paper_ids(request.user, papers),
        },
    )
