"""What the members' write views share: JSON or a page, logging in first, coming back."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from papers.web import ratelimit


def wants_json(request) -> bool:
    """A ``fetch`` from the site's scripts asks for JSON; a form post does not."""
    return "application/json" in request.headers.get("Accept", "")


def login_first(request, next_url: str, *, message: str = "Log in first."):
    """Visitors are sent to log in and come back to ``next_url`` (401 for ``fetch``)."""
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
    if wants_json(request):
        return JsonResponse(
            {"error": "login_required", "message": message, "login_url": login_url}, status=401
        )
    return redirect(login_url)


def limited(request, policy: str):
    """The 429 answer when ``request`` is over the rate limit ``policy``, else None."""
    decision = ratelimit.check(request, policy)
    if decision.allowed:
        return None
    return ratelimit.too_many_requests(request, decision, json=wants_json(request))


def safe_next(request, default: str) -> str:
    """The ``next`` address the form sent, if it is on this site; else ``default``."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def json_error(message: str, *, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"error": "invalid", "message": message, **extra}, status=status)
