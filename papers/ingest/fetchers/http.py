"""HTTP for every fetcher: one policy around httpx.

- Time-outs: connect and read (``HTTP_CONNECT_TIMEOUT``, ``HTTP_READ_TIMEOUT``), and a
  limit on one whole response (``HTTP_TOTAL_TIMEOUT``), so a server that drips bytes
  cannot hold a worker.
- Connection errors are retried by httpx's transport (``retries``: it only retries
  failed connects, which never reached the server). Everything after a connection —
  a 429 or 5xx answer, a read time-out, a body cut short — is retried here, at most
  ``HTTP_RETRIES`` times, with exponential back-off and jitter (half the delay fixed,
  half random, so parallel workers do not retry in step). A ``Retry-After`` header
  (seconds or an HTTP date) is honoured; one longer than ``HTTP_MAX_RETRY_WAIT`` is
  not waited for in the process: ``RetryLater`` says when to come back.
- A response larger than its size limit (``HTTP_MAX_RESPONSE_BYTES`` unless the
  caller says otherwise) is refused, by its Content-Length or while it streams.
- A descriptive User-Agent with a contact address (``INGEST_CONTACT``), as arXiv asks.
- ``Throttle``: a minimum interval between requests to one upstream, shared by
  every process through a row of ``RequestSlot`` (arXiv: one request every 3 s).

Why not urllib3's ``Retry`` or a retry library: the whole policy is the loop below
(thirty lines, tested against a real local server), and httpx gives the time-outs,
streaming and connect retries it needs.
"""

import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Errors after the connection was made: the request may be tried again.
RETRY_ERRORS = (httpx.TimeoutException, httpx.ReadError, httpx.RemoteProtocolError)


def pause(seconds: float) -> None:
    """Wait (tests replace this to record the waits instead)."""
    time.sleep(seconds)


class FetchError(Exception):
    """An upstream could not give what was asked; the message says what happened."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None):
        super().__init__(message)
        self.url, self.status = url, status


class RetryLater(FetchError):
    """The upstream asked us to wait longer than a process waits: come back at ``retry_at``."""

    def __init__(self, message: str, *, retry_at: dt.datetime, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_at = retry_at


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Policy:
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    retries: int
    backoff: float
    max_retry_wait: float
    max_bytes: int

    @classmethod
    def from_settings(cls, **overrides) -> "Policy":
        values = {
            "connect_timeout": settings.HTTP_CONNECT_TIMEOUT,
            "read_timeout": settings.HTTP_READ_TIMEOUT,
            "total_timeout": settings.HTTP_TOTAL_TIMEOUT,
            "retries": settings.HTTP_RETRIES,
            "backoff": settings.HTTP_BACKOFF_SECONDS,
            "max_retry_wait": settings.HTTP_MAX_RETRY_WAIT,
            "max_bytes": settings.HTTP_MAX_RESPONSE_BYTES,
        }
        return cls(**{**values, **overrides})

    def backoff_delay(self, attempt: int) -> float:
        """Exponential back-off with jitter: attempt 1 waits about ``backoff``, then 2x, 4x..."""
        delay = min(self.backoff * 2 ** (attempt - 1), self.max_retry_wait)
        return delay / 2 + random.uniform(0, delay / 2)


def user_agent() -> str:
    """``Paper Catalogue/0.1 (+https://site; mailto:someone@example.org) httpx/0.29``."""
    contact = email.utils.parseaddr(settings.INGEST_CONTACT)[1] or settings.INGEST_CONTACT
    return (
        f"{settings.SITE_NAME.replace(' ', '')}/0.1 (+{settings.SITE_URL}; mailto:{contact}) "
        f"httpx/{httpx.__version__}"
    )


def retry_after(value: str, *, now: dt.datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date), or None."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass
class Throttle:
    """At most one request every ``interval`` seconds to the upstream ``name``, across
    every process: the next slot is reserved under the RequestSlot row's lock, and the
    wait happens after the reservation's transaction has committed."""

    name: str
    interval: float
    sleep: Callable[[float], None] | None = field(default=None, repr=False)

    def wait(self) -> float:
        if self.interval <= 0:
            return 0.0
        from papers.ingest.models import RequestSlot

        with transaction.atomic():
            now = timezone.now()
            slot, _ = RequestSlot.objects.select_for_update().get_or_create(
                name=self.name, defaults={"not_before": now}
            )
            start = max(now, slot.not_before)
            slot.not_before = start + dt.timedelta(seconds=self.interval)
            slot.save(update_fields=["not_before"])
        seconds = (start - now).total_seconds()
        if seconds > 0:
            (self.sleep or pause)(seconds)
        return seconds


class HttpClient:
    """GET with the policy above. ``sleep`` is injectable (tests); ``throttle`` optional."""

    def __init__(
        self,
        *,
        policy: Policy | None = None,
        headers: dict | None = None,
        throttle: Throttle | None = None,
        sleep: Callable[[float], None] | None = None,
        follow_redirects: bool = True,
    ):
        self.policy = policy or Policy.from_settings()
        self.throttle = throttle
        self.sleep = sleep or (lambda seconds: pause(seconds))
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            transport=httpx.HTTPTransport(retries=self.policy.retries),
            headers={"User-Agent": user_agent(), **(headers or {})},
            follow_redirects=follow_redirects,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(
        self,
        url: str,
        *,
        params: dict | None = None,
        headers: dict | None = None,
        accept: frozenset[int] | set[int] = frozenset({200}),
        max_bytes: int | None = None,
    ) -> Response:
        """The response to a GET of ``url``, once its status is one of ``accept``.

        Raises ``FetchError`` (or ``RetryLater``) once the retries are spent.
        """
        policy = self.policy
        limit = max_bytes or policy.max_bytes
        attempt = 0
        while True:
            attempt += 1
            if self.throttle is not None:
                self.throttle.wait()
            try:
                response = self._get_once(url, params, headers, limit, accept)
            except FetchError:
                raise
            except httpx.TransportError as error:
                what = _describe(error)
                if not isinstance(error, RETRY_ERRORS) or attempt > policy.retries:
                    raise FetchError(
                        f"{url}: {what} (after {attempt} attempt{'s' if attempt > 1 else ''})",
                        url=url,
                    ) from error
                delay = policy.backoff_delay(attempt)
                logger.info("%s: %s; trying again in %.1f s", url, what, delay)
                self.sleep(delay)
                continue
            if response.status not in RETRY_STATUSES or response.status in accept:
                return response
            wait = retry_after(response.header("Retry-After"), now=timezone.now())
            if wait is not None and wait > policy.max_retry_wait:
                raise RetryLater(
                    f"{url}: HTTP {response.status}, asked to come back in {wait:.0f} s",
                    url=url,
                    status=response.status,
                    retry_at=timezone.now() + dt.timedelta(seconds=wait),
                )
            if attempt > policy.retries:
                raise FetchError(
                    f"{url}: HTTP {response.status} (after {attempt} attempts)",
                    url=url,
                    status=response.status,
                )
            delay = wait if wait is not None else policy.backoff_delay(attempt)
            logger.info("%s: HTTP %s; trying again in %.1f s", url, response.status, delay)
            self.sleep(delay)

    def _get_once(self, url, params, headers, limit, accept) -> Response:
        started = time.monotonic()
        with self.client.stream("GET", url, params=params, headers=headers) as response:
            status = response.status_code
            if status not in accept and status not in RETRY_STATUSES:
                raise FetchError(f"{url}: HTTP {status}", url=url, status=status)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    f"{url}: the response is {int(declared):,} bytes, over the "
                    f"{limit:,}-byte limit",
                    url=url,
                    status=status,
                )
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        f"{url}: the response is over the {limit:,}-byte limit",
                        url=url,
                        status=status,
                    )
                if time.monotonic() - started > self.policy.total_timeout:
                    raise FetchError(
                        f"{url}: the response took over {self.policy.total_timeout:.0f} s",
                        url=url,
                        status=status,
                    )
                chunks.append(chunk)
            return Response(str(response.url), status, response.headers, b"".join(chunks))


def _describe(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.ConnectTimeout):
        return "connecting timed out"
    if isinstance(error, httpx.TimeoutException):
        return "timed out waiting for the server"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the connection closed before the whole response arrived ({error})"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({error})"
    return f"{type(error).__name__}: {error}"
