"""Whole-page cache for visitors who are not logged in.

Most readers are anonymous and see exactly the same page for the same address,
so the rendered page is kept in Django's cache (Redis in production, shared by
all app processes) for ``PAGE_CACHE_SECONDS``.

Invalidation: every cached page is stored under the current *catalogue
version* (papers/core/versions.py), which any change a page could show moves
on — a vote, a paper saved or imported, an author, topic or repository edited
(every write goes through papers/core/derived.py). A page rendered before the
change is never served after it; the expiry time only bounds how long unused
entries stay around.

What is never cached: requests with a session (members: their vote buttons
differ), with pending flash messages, other methods than GET/HEAD, responses
other than 200, responses that set cookies, pages whose rendering asked for
a CSRF token or a CSP nonce (neither may be shared between visitors), and
pages with a degraded part (papers/core/degraded.py: facet counts that ran out
of time, a relevance fallback...): the next visitor gets a fresh attempt.
Pages are kept per host and scheme as well as per path, and per theme (light,
dark or the system's: papers/web/theme.py).
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers

from papers.core import degraded
from papers.core.versions import catalogue_version

from .theme import theme_from

KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag")


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _key(request, version: int) -> str:
    # The host and scheme too: a page names its own address (canonical link, og:url),
    # so a page rendered for one allowed host is never served to another. And the
    # reader's theme, which the page carries (papers/web/theme.py).
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    address = f"{theme_from(request)} {address}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"pagecache:page:{version}:{digest}"


def cache_for_visitors(view):
    """Serve ``view``'s page from the cache to visitors who are not logged in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            response = view(request, *args, **kwargs)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True)
            return response
        key = _key(request, catalogue_version())
        entry = cache.get(key)
        if entry is not None:
            response = _response_from(entry)
            response["X-Page-Cache"] = "hit"
        else:
            with degraded.tracking():
                response = view(request, *args, **kwargs)
                whole = not degraded.parts()
            if whole and _cacheable_response(request, response):
                cache.set(key, _entry_for(response), settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
        if response.status_code == 200:
            # Browsers and proxies may keep it but must ask again (a 304 when the
            # page is unchanged: ConditionalGetMiddleware compares ETags).
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response

    return wrapped


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)  # a nonce belongs to one response
    )


def _entry_for(response) -> dict:
    return {
        "content": response.content,
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    }


def _response_from(entry: dict):
    from django.http import HttpResponse

    response = HttpResponse(entry["content"])
    for name, value in entry["headers"].items():
        response[name] = value
    return response
