"""Middleware for operating the site.

- ``ServerTimingMiddleware``: a ``Server-Timing`` header with the request's
  database work. Enabled by ``SERVER_TIMING=true``. Browsers' developer tools
  show the header; the benchmark reads the query count of every page from it.
  Off by default in production because it tells clients how the server spends
  its time.
- ``DatabaseUnavailableMiddleware``: while the database cannot be reached (a
  restart, a failover) requests get ``503`` with ``Retry-After`` instead of a
  server error, as ``/healthz`` does; nothing was written, so the client may
  simply try again. Connections come back on their own (``CONN_HEALTH_CHECKS``).
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

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
        if "application/json" in request.headers.get("Accept", ""):
            response = JsonResponse({"error": "unavailable", "message": message}, status=503)
        else:
            # A page that needs nothing from the database (no context processors).
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
