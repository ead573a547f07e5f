"""Rate limits on Django's cache: per client IP, per member, per account name.

Counters live in the ``default`` cache, so several app processes share them when
``REDIS_URL`` points the cache at Redis (with the local-memory cache each
process counts on its own). Two algorithms, both one ``add`` and one ``incr``
per hit:

- **fixed window**: at most ``limit`` hits per aligned window of ``period``
  seconds;
- **sliding window** (the default): the current window's hits plus the previous
  window's hits weighted by how much of it still overlaps the last ``period``
  seconds. No burst of ``2 × limit`` across a window edge.

The interface, for views and services::

    # A named policy from settings.RATE_LIMITS: counts one hit under each of its keys.
    decision = ratelimit.check(request, "login", account=username)
    if not decision.allowed:
        return ratelimit.too_many_requests(request, decision)  # 429 + Retry-After
    ratelimit.reset_account("login", username)   # forget an account's hits

    # Any scope, key and rate:
    decision = ratelimit.hit("api", key, "100/h")      # count one, then decide
    decision = ratelimit.peek("api", key, "100/h")     # decide without counting
    ratelimit.reset("api", key, "100/h")

``settings.RATE_LIMITS`` maps a policy name to rates per kind of key:
``"ip"`` (the client address, see :func:`client_ip`), ``"user"`` (the member
who is logged in; skipped for anonymous visitors) and ``"account"`` (a value
the caller passes, such as the username typed into the login form; NFKC-folded
and case-folded as the forms fold it, so look-alike spellings count together).

Hits over the limit are counted too, so a client that keeps hammering stays
out. If the cache is unreachable the limiter lets requests through and logs a
warning: an outage of Redis must not lock every member out.
"""

import hashlib
import ipaddress
import logging
import math
import re
import time
import unicodedata
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

# The limiter reads the time here (tests stop and move it with time-machine).
clock = time.time

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """``limit`` hits per ``period`` seconds; parsed from ``"5/m"``, ``"10/15m"``, ``"3/d"``."""

    limit: int
    period: int

    @classmethod
    def parse(cls, value: "str | Rate") -> "Rate":
        if isinstance(value, Rate):
            return value
        match = _RATE_RE.match(value or "")
        if not match:
            raise ValueError(f"{value!r} is not a rate such as '5/m', '10/15m' or '100/d'")
        count, multiple, unit = match.groups()
        period = int(multiple or 1) * _UNITS[unit]
        if period <= 0:
            raise ValueError(f"{value!r} has an empty period")
        return cls(limit=int(count), period=period)

    def __str__(self):
        return f"{self.limit}/{self.period}s"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until a hit would be allowed again; 0 when allowed
    scope: str = ""

    @property
    def retry_after_text(self) -> str:
        """``retry_after`` in words: "40 seconds", "3 minutes", "2 hours"."""
        seconds = max(self.retry_after, 1)
        size, unit = next(
            (size, unit)
            for size, unit in ((3600, "hour"), (60, "minute"), (1, "second"))
            if seconds >= size
        )
        amount = math.ceil(seconds / size)
        return f"{amount} {unit}{'' if amount == 1 else 's'}"


# What a disabled policy, a policy with no applicable key or a cache outage answers.
ALLOWED = Decision(allowed=True, limit=0, remaining=0, retry_after=0)


def _cache_key(scope: str, key: str, window: int) -> str:
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"rl:{scope}:{window}:{digest}"


def _count(scope: str, key: str, rate: Rate, *, add: int, sliding: bool, now: float) -> Decision:
    window, elapsed = divmod(now, rate.period)
    window = int(window)
    current_key = _cache_key(scope, key, window)
    # Keep a window's counter long enough to serve as "previous" for the next one.
    ttl = rate.period * (2 if sliding else 1) + 1
    try:
        if add:
            cache.add(current_key, 0, ttl)
            try:
                current = cache.incr(current_key, add)
            except ValueError:  # expired between add and incr
                cache.add(current_key, add, ttl)
                current = add
        else:
            current = cache.get(current_key, 0)
        previous = cache.get(_cache_key(scope, key, window - 1), 0) if sliding else 0
    except Exception:  # the cache is down: fail open, loudly
        logger.warning("rate limit %s not enforced: the cache is unavailable", scope, exc_info=True)
        return ALLOWED

    used = current + previous * (1 - elapsed / rate.period) if sliding else current
    # hit() asks whether this hit fitted; peek() whether one more would.
    allowed = used <= rate.limit if add else used + 1 <= rate.limit
    retry_after = (
        0 if allowed else _seconds_until_next_hit(current, previous, rate, elapsed, sliding)
    )
    remaining = max(0, math.floor(rate.limit - used))
    return Decision(allowed, rate.limit, remaining, retry_after, scope)


def _seconds_until_next_hit(current, previous, rate: Rate, elapsed: float, sliding: bool) -> int:
    """When one more hit fits, if nothing else is counted meanwhile."""
    period, limit = rate.period, rate.limit
    to_next_window = period - elapsed
    if limit <= 0:
        return math.ceil(to_next_window + period)
    if not sliding:
        return max(1, math.ceil(to_next_window))
    # Sliding: allowed at time t of a window when hits + 1 + previous * (1 - t/period) <= limit.
    room = limit - current - 1
    if room >= 0 and previous:
        return max(1, math.ceil(period * (1 - room / previous) - elapsed))
    # Not in this window: in the next one, this window's hits become "previous".
    fade = period * (1 - (limit - 1) / current) if current else 0
    return max(1, math.ceil(to_next_window + max(fade, 0)))


def hit(scope: str, key: str, rate: "str | Rate", *, sliding: bool = True) -> Decision:
    """Count one hit for ``key`` in ``scope`` and say whether it is within ``rate``."""
    return _count(scope, str(key), Rate.parse(rate), add=1, sliding=sliding, now=clock())


def peek(scope: str, key: str, rate: "str | Rate", *, sliding: bool = True) -> Decision:
    """Whether one more hit would be allowed, without counting it."""
    return _count(scope, str(key), Rate.parse(rate), add=0, sliding=sliding, now=clock())


def reset(scope: str, key: str, rate: "str | Rate") -> None:
    """Forget the hits of ``key`` in ``scope`` (e.g. after a successful password reset)."""
    period = Rate.parse(rate).period
    window = int(clock() // period)
    try:
        cache.delete_many([_cache_key(scope, str(key), w) for w in (window, window - 1)])
    except Exception:
        logger.warning("rate limit %s not reset: the cache is unavailable", scope, exc_info=True)


def client_ip(request) -> str:
    """The client's address; an IPv6 client is grouped by its /64 network.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, the address is the one that
    many entries from the right of ``X-Forwarded-For`` (the entries further left
    are whatever the client chose to send, so they are never trusted).
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def policy(name: str) -> dict[str, list[Rate]]:
    """The rates of a named policy in ``settings.RATE_LIMITS``, by kind of key.

    Each kind maps to a rate or a list of rates (``{"user": ["30/m", "500/d"]}``).
    """
    rates = getattr(settings, "RATE_LIMITS", {}).get(name)
    if rates is None:
        raise KeyError(f"no rate limit policy named {name!r} in settings.RATE_LIMITS")
    return {
        kind: [Rate.parse(r) for r in ([value] if isinstance(value, str | Rate) else value)]
        for kind, value in rates.items()
    }


def check(request, name: str, *, account: str | None = None, count: bool = True) -> Decision:
    """Apply the policy ``name`` to this request: count one hit under each of its keys and rates.

    Returns the decision of the key that is furthest over its limit (or, when all
    allow it, the one with the fewest hits left). ``count=False`` only peeks.
    """
    if not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return ALLOWED
    decisions = []
    for kind, rates in policy(name).items():
        if kind == "ip":
            key = client_ip(request)
        elif kind == "user":
            user = getattr(request, "user", None)
            if not (user and user.is_authenticated):
                continue
            key = str(user.pk)
        elif kind == "account":
            if not account:
                continue
            key = account_key(account)
        else:
            raise ValueError(f"unknown key kind {kind!r} in rate limit policy {name!r}")
        for rate in rates:
            scope = f"{name}:{kind}:{rate.period}"
            decisions.append((hit if count else peek)(scope, key, rate))
    if not decisions:
        return ALLOWED
    refused = [d for d in decisions if not d.allowed]
    if refused:
        return max(refused, key=lambda d: d.retry_after)
    return min(decisions, key=lambda d: d.remaining)


def account_key(account: str) -> str:
    """An account name as typed, counted as the forms read it: Django folds usernames
    to NFKC (``ｍ０６`` and ``𝐦𝟎𝟔`` are ``m06``), and case does not tell people apart."""
    return unicodedata.normalize("NFKC", account).strip().casefold()


def reset_account(name: str, account: str) -> None:
    """Forget the ``account`` hits of policy ``name`` (e.g. after a successful log in)."""
    for rate in policy(name).get("account", []):
        reset(f"{name}:account:{rate.period}", account_key(account), rate)


def too_many_requests(request, decision: Decision, *, json: bool = False):
    """The 429 answer: JSON for scripts, the ``429.html`` page otherwise; with Retry-After."""
    message = f"Too many requests. Please try again in {decision.retry_after_text}."
    if json:
        response = JsonResponse(
            {"error": "rate_limited", "message": message, "retry_after": decision.retry_after},
            status=429,
        )
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(decision.retry_after)
    return response


def metered(name: str, *, only_if=None):
    """A view decorator: count each request under the policy ``name`` (all of them, or
    those for which ``only_if(request)`` is true) and answer 429 past its limits,
    before any cache is consulted."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if only_if is None or only_if(request):
                decision = check(request, name)
                if not decision.allowed:
                    json = request.path.startswith("/api/")
                    return too_many_requests(request, decision, json=json)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
