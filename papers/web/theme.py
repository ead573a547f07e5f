"""Light or dark: the reader's choice, kept in a cookie, that works without JavaScript.

``/theme/?theme=dark&next=/papers/`` (a GET form in every page's footer) keeps the
choice in the ``theme`` cookie for a year and goes back to ``next`` (an address on
this site; anything else goes to the front page). ``theme=system`` forgets the
choice. Pages read the cookie when they render (``theme`` in every template, the
``data-theme`` attribute of ``<html>``), so the page cache keeps one copy per theme
(papers/web/pagecache.py). Without a choice the stylesheet follows the system's
``prefers-color-scheme``.

A GET, not a POST: the form needs no CSRF token, so the pages that carry it can
still be cached for visitors; changing a display preference is harmless to forge.
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

COOKIE = "theme"
CHOSEN = ("light", "dark")
SYSTEM = "system"
THEMES = (SYSTEM, *CHOSEN)
MAX_AGE = 365 * 24 * 60 * 60
MAX_NEXT_LENGTH = 2000


def theme_from(request) -> str:
    """The reader's theme: ``light``, ``dark``, or ``system`` when none was chosen."""
    value = request.COOKIES.get(COOKIE)
    return value if value in CHOSEN else SYSTEM


def _safe_next(request) -> str:
    target = request.GET.get("next", "")
    if (
        target
        and len(target) <= MAX_NEXT_LENGTH
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


@never_cache
@require_safe
def theme_choose(request):
    choice = request.GET.get("theme", "")
    if choice not in THEMES:
        return HttpResponse(
            "The theme can be “light”, “dark” or “system”.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponseRedirect(_safe_next(request), status=303)
    response["X-Robots-Tag"] = "noindex"
    if choice == SYSTEM:
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            COOKIE,
            choice,
            max_age=MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
