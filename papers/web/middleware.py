"""Middleware for operating the site.

- ``ServerTimingMiddleware``: a ``Server-Timing`` header with the request's
  database work. Enabled by ``SERVER_TIMING=true``. Browsers' developer tools
  show the header; the benchmark reads the query count of every page from it.
  Off by default in production because it tells clients how the server spends
  its time.
- ``DegradedResponseMiddleware``: records, per request, the parts of the
  response that are a fallback (papers/core/degraded.py) and marks such a
  response ``X-Degraded: facets, ranking`` and ``Cache-Control: no-store``, so
  no browser or proxy keeps it as if it were whole.
- ``NulBytesMiddleware``: no text column takes a NUL character (PostgreSQL
  refuses it), so none enters: NUL is dropped from query-string keys and values
  (searches and filters read the rest) and a form post containing one is
  answered 400.
- ``ApiJsonErrorsMiddleware``: every answer under ``/api/`` is JSON, errors
  included (a 400, 403, 404 or 500 that Django would render as HTML).
- ``DatabaseUnavailableMiddleware``: while the database cannot be reached (a
  restart, a failover) requests get ``503`` with ``Retry-After`` instead of a
  server error, as ``/healthz`` does; nothing was written, so the client may
  simply try again. Connections come back on their own (``CONN_HEALTH_CHECKS``).
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from papers.core import degraded

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        total = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'db;dur={counter.seconds * 1000:.2f};desc="{counter.count} queries", '
            f"app;dur={total:.2f}"
        )
        response["X-DB-Queries"] = str(counter.count)
        return response


class DegradedResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with degraded.tracking():
            response = self.get_response(request)
            parts = degraded.parts()
        if parts:
            response["X-Degraded"] = ", ".join(parts)
            if "Cache-Control" in response:
                del response["Cache-Control"]
            add_never_cache_headers(response)
        return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("Database unavailable: %s", exception, extra={"status_code": 503})
        message = "The site is briefly unavailable. Please try again in a few seconds."
        if wants_json(request):
            response = JsonResponse({"error": "unavailable", "message": message}, status=503)
        else:
            # A page that needs nothing from the database (no context processors).
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def wants_json(request) -> bool:
    """Whether the client reads JSON: the API, or a script that asked for it."""
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _without_nul(data: QueryDict) -> QueryDict:
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    clean._mutable = False
    return clean


def _has_nul(data: QueryDict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


class NulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET):
            request.GET = _without_nul(request.GET)
        if request.method == "POST" and _has_nul(request.POST):
            message = "The form contained a NUL character, which no field accepts."
            if wants_json(request):
                return JsonResponse({"error": "bad_request", "message": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json_response = JsonResponse(
                {
                    "error": ERROR_CODES.get(response.status_code, "error"),
                    "message": response.reason_phrase,
                },
                status=response.status_code,
            )
            for header in ("Retry-After", "Allow"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/") or isinstance(exception, Http404):
            return None
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exception,
            extra={"status_code": 500},
        )  # fmt: skip
        return JsonResponse(
            {"error": "server_error", "message": "Something went wrong on our side."},
            status=500,
        )


ERROR_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
