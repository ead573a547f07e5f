"""HTTP caching for responses that are the same for every visitor (feeds, the API, robots.txt).

``public_cache(max_age)`` marks a successful GET ``Cache-Control: public,
max-age=...``, gives it an ``ETag`` (a hash of the body) and answers ``304 Not
Modified`` when the client already has that version (``If-None-Match``, or
``If-Modified-Since`` against a ``Last-Modified`` the view set). Views wrapped
with it must not depend on the user or the session.
"""

from functools import wraps

from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe


def public_cache(max_age: int):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if (
                request.method not in {"GET", "HEAD"}
                or response.status_code != 200
                or response.streaming
            ):
                return response
            patch_cache_control(response, public=True, max_age=max_age)
            if not response.has_header("ETag"):
                set_response_etag(response)
            last_modified = response.get("Last-Modified")
            return get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=parse_http_date_safe(last_modified) if last_modified else None,
                response=response,
            )

        return wrapped

    return decorator
