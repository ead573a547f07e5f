"""The Redis cache, failing open: the site works the same, only slower, without it.

Everything the cache holds can be recomputed (pages, cards, facet counts, rate
limit counters, version numbers), so an unreachable Redis must never turn a
page or a write into an error. ``FailOpenRedisCache`` is Django's Redis
backend whose every operation, when Redis does not answer, behaves as a miss:
``get`` returns the default, ``set`` and ``add`` store nothing, ``incr`` raises
``ValueError`` as for a missing key (callers already handle that).

One warning is logged when an outage starts and one line when it ends, not a
traceback per request. While Redis is down the backend does not try again for
``RETRY_SECONDS`` (a circuit breaker), so requests do not each wait for a
connection to time out. ``available`` says whether the last attempt worked;
``ping()`` asks Redis now (for /healthz).
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
FAILURES = (RedisError, OSError)


class _Breaker:
    """Whether a Redis location is believed down, shared by every thread of the process."""

    def __init__(self, location: str):
        self.location = location
        self.down_until = 0.0
        self.down = False
        self.lock = threading.Lock()

    def closed(self) -> bool:
        """Whether an attempt may be made now."""
        return not self.down or time.monotonic() >= self.down_until

    def failed(self, error: Exception) -> None:
        with self.lock:
            self.down_until = time.monotonic() + RETRY_SECONDS
            if not self.down:
                self.down = True
                logger.warning(
                    "cache unavailable (%s): serving without it until it answers again: %s",
                    self.location,
                    error,
                )

    def worked(self) -> None:
        if self.down:
            with self.lock:
                if self.down:
                    self.down = False
                    logger.warning("cache available again (%s)", self.location)


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker(location))


def _fail_open(method, on_failure):
    def wrapped(self, *args, **kwargs):
        if not self.breaker.closed():
            return on_failure(*args)
        try:
            result = method(self, *args, **kwargs)
        except FAILURES as error:
            self.breaker.failed(error)
            return on_failure(*args)
        self.breaker.worked()
        return result

    wrapped.__name__ = method.__name__
    return wrapped


def _missing_key(*args):
    raise ValueError("the cache is unavailable")


class FailOpenRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self.breaker = _breaker(",".join(servers))

    add = _fail_open(RedisCacheClient.add, lambda *a: False)
    get = _fail_open(RedisCacheClient.get, lambda key, default=None: default)
    set = _fail_open(RedisCacheClient.set, lambda *a: None)
    touch = _fail_open(RedisCacheClient.touch, lambda *a: False)
    delete = _fail_open(RedisCacheClient.delete, lambda *a: False)
    get_many = _fail_open(RedisCacheClient.get_many, lambda *a: {})
    has_key = _fail_open(RedisCacheClient.has_key, lambda *a: False)
    incr = _fail_open(RedisCacheClient.incr, _missing_key)
    set_many = _fail_open(RedisCacheClient.set_many, lambda *a: None)
    delete_many = _fail_open(RedisCacheClient.delete_many, lambda *a: None)
    clear = _fail_open(RedisCacheClient.clear, lambda *a: False)

    def ping(self) -> bool:
        try:
            self.get_client(None, write=True).ping()
        except FAILURES as error:
            self.breaker.failed(error)
            return False
        self.breaker.worked()
        return True


class FailOpenRedisCache(RedisCache):
    """Django's ``RedisCache`` whose operations act as cache misses while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient

    @property
    def available(self) -> bool:
        return not self._cache.breaker.down

    def ping(self) -> bool:
        """Ask Redis now (whatever the circuit breaker says): True when it answers."""
        return self._cache.ping()


def cache_status(cache) -> str:
    """``"ok"`` or ``"unavailable"``, asking the cache itself (for /healthz)."""
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return "ok" if ping() else "unavailable"
    try:
        cache.set("healthz:probe", 1, 5)
        return "ok" if cache.get("healthz:probe") == 1 else "unavailable"
    except Exception:  # any backend: a cache that raises is unavailable
        return "unavailable"
