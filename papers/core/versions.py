"""Version counters of what the site shows, kept in the cache.

Cached pages (papers/web/pagecache.py) and rendered paper cards
(papers/web/cards.py) are stored under these versions; moving a version on
makes every entry stored under the old one unreachable at once, on every app
process. Only papers/core/derived.py moves them on, after the transaction of
the write commits.

* the *catalogue version*: everything a page shows, votes included;
* the *content version*: what papers say (texts, authors, topics, code),
  votes excluded. Cards are keyed by it, so a vote does not re-render them.
"""

import time

from django.core.cache import cache

CATALOGUE_KEY = "pagecache:version"
CONTENT_KEY = "pagecache:content-version"


def _read(key: str) -> int:
    version = cache.get(key)
    if version is None:
        # A counter lost from the cache restarts from the clock, never from a
        # number that entries stored before the loss could still carry.
        cache.add(key, time.time_ns() // 1000, timeout=None)
        version = cache.get(key, 1)
    return version


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no version yet (or it was evicted): start one that differs
        cache.set(key, _read(key) + 1, timeout=None)


def catalogue_version() -> int:
    return _read(CATALOGUE_KEY)


def content_version() -> int:
    return _read(CONTENT_KEY)


def bump_catalogue() -> None:
    """Something a page could show changed, papers' texts included."""
    _bump(CATALOGUE_KEY)
    _bump(CONTENT_KEY)


def bump_votes() -> None:
    """Only votes (counts, trending scores) changed: pages go, rendered cards stay."""
    _bump(CATALOGUE_KEY)
