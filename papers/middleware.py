"""Observability: a ``Server-Timing`` header with the request's database work.

Enabled by ``SERVER_TIMING=true``. Browsers' developer tools show the header;
the benchmark reads the query count of every page from it. Off by default in
production because it tells clients how the server spends its time.
"""

import time

from django.db import connections


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
