"""The test suite: the shared settings with fast, hermetic overrides.

DATABASE_URL still picks the database, so the same suite runs on SQLite and
PostgreSQL.
"""

from .base import *  # noqa: F403

SECRET_KEY = "tests-only-not-secret"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WHITENOISE_AUTOREFRESH = True
# Facet counts are computed afresh on every request (tests/search/test_search.py turns the
# cache on where it tests it).
SEARCH_FACET_CACHE_SECONDS = 0
# Similar papers are worked out on every request (tests/search/test_similar.py turns the
# cache on where it tests it).
SIMILAR_CACHE_SECONDS = 0
# Tests see every change at once; tests/web/test_pagecache.py switches the cache on.
PAGE_CACHE_SECONDS = 0
# Time limits far above what the small test data needs, so that a busy machine
# never sends a test down a fallback path; the tests of those paths lower them.
SEARCH_FACET_TIME_LIMIT_MS = 10_000
SEARCH_RANK_TIME_LIMIT_MS = 10_000
SIMILAR_TIME_LIMIT_MS = 10_000
