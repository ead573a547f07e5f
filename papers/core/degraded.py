"""What a request had to do without: the parts of a response that are a fallback.

When a query runs out of its time limit (papers/core/timelimit.py) or a cached
"ran out of time just now" marker is used, the part of the page it fed is
degraded: facet counts shown as unavailable, results most upvoted first instead
of by relevance, no similar papers. Such a response must not be cached as if
it were whole. Code that degrades calls ``note(part)``; the page cache and the
HTTP layer (papers/web/) read ``parts()`` for the current request: they skip
caching and send ``X-Degraded: facets, ranking``.

The record is per request (a context variable), opened by ``tracking()``.
Outside one, ``note`` does nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

FACETS = "facets"
RANKING = "ranking"
SIMILAR = "similar"
AUTHORS = "authors"

_parts: ContextVar[set[str] | None] = ContextVar("degraded_parts", default=None)


@contextmanager
def tracking():
    """Record degraded parts until the block ends (a block inside another shares its record)."""
    if _parts.get() is not None:
        yield _parts.get()
        return
    token = _parts.set(set())
    try:
        yield _parts.get()
    finally:
        _parts.reset(token)


def note(part: str) -> None:
    parts = _parts.get()
    if parts is not None:
        parts.add(part)


def parts() -> list[str]:
    """The parts degraded so far in this request, sorted."""
    return sorted(_parts.get() or ())
