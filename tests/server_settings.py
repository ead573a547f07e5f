"""Settings for the real servers the heavy tests start (gunicorn on 127.0.0.1).

The test settings, with what a multi-process server needs: the Redis cache when
``REDIS_URL`` is set (rate limits and the page cache shared by the workers) and
cookies that plain HTTP on loopback may carry.
"""

import os

from catalogue.settings.test import *  # noqa: F403

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "catalogue-tests"),
        }
    }
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
