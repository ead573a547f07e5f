"""robots.txt (sitemap.xml is django.contrib.sitemaps, configured in papers/sitemaps.py)."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

DISALLOWED = (
    "/admin/",
    "/accounts/",
    "/subscribe/",
    "/submit/",
    "/api/",
    "/papers/bibtex/",
    "/*/bibtex/",
    "/*/upvote/",
)


@require_safe
@cache_control(public=True, max_age=24 * 3600)
def robots_txt(request):
    """Crawl everything public; skip accounts, forms, the API and exports. No query."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
