"""The test suite: the shared settings with fast, hermetic overrides.

DATABASE_URL still picks the database, so the same suite runs on SQLite and
PostgreSQL.
"""

import tempfile

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

# Tasks run at once, inside the test (django.tasks' immediate backend): a test sees
# their effect without a worker. tests/ingest/test_flow.py runs the real database
# queue and its worker where the queue itself is under test.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Thumbnails go to a throwaway folder, served like development does.
MEDIA_ROOT = tempfile.mkdtemp(prefix="catalogue-test-media-")
SERVE_MEDIA = True
# No test reaches the internet (tests/conftest.py refuses any connection that is not
# to this machine): upstreams point at a closed local port unless a test starts a
# fake server (tests/ingest/upstream.py) and points them at it.
ARXIV_API_URL = "http://127.0.0.1:9/arxiv-api-not-served"
ARXIV_PDF_URL = "http://127.0.0.1:9/arxiv-pdf-not-served"
HF_API_URL = "http://127.0.0.1:9/hf-api-not-served"
GITHUB_API_URL = "http://127.0.0.1:9/github-api-not-served"
GITHUB_TOKEN = ""
ARXIV_REQUEST_INTERVAL = 0
HTTP_RETRIES = 1
HTTP_BACKOFF_SECONDS = 0.01
HTTP_READ_TIMEOUT = 2
HTTP_CONNECT_TIMEOUT = 2
# Comments are published at once; tests/community/test_moderation.py turns review on.
COMMENT_REVIEW_FIRST = 0
