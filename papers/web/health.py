"""``/healthz``: liveness for load balancers and monitoring.

200 ``{"status": "ok", "database": "ok", "cache": "ok"}`` when everything answers;
200 with ``"status": "degraded"`` when only the cache is down (the site works
without it, slower); 503 when the database is down (nothing works without it).
"""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .cache import cache_status


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    report = {"database": database, "cache": cache_status(cache)}
    if database != "ok":
        return JsonResponse({"status": "error", **report}, status=503)
    status = "ok" if report["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **report})
