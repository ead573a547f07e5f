"""GitHub's REST API (``GITHUB_API_URL``, optional ``GITHUB_TOKEN``): a repository's stars,
language, description, topics, archived flag and last push.

- Conditional requests: the ETag of the last answer goes back as ``If-None-Match``; a
  304 means nothing changed (and, with a token, costs no rate limit).
- Rate limit: when ``X-RateLimit-Remaining`` reaches 0 (or a 403/429 says the limit
  is spent) the run stops, the time of ``X-RateLimit-Reset`` is stored in the
  ``github`` request slot, and every run before that time stops at once; the task
  queue resumes the run then (papers/ingest/tasks.py).
- A 404 marks the repository gone (``gone_at``) without deleting anything; a later
  200 clears it.
- The framework is set only when the repository's topics name exactly one framework
  (``pytorch``, ``jax``, ``tensorflow``...) and the repository has none yet: the
  language alone (Python) says nothing about it, and nothing is guessed.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from papers.core import derived
from papers.core.models import CodeLink, Repository
from papers.ingest.models import RequestSlot
from papers.ingest.status import Source, State, statuses_set

from .http import FetchError, HttpClient, RetryLater
from .report import FetchReport

SLOT = "github"
FRAMEWORK_TOPICS = {
    "pytorch": "pytorch",
    "pytorch-lightning": "pytorch",
    "pytorch-implementation": "pytorch",
    "jax": "jax",
    "flax": "jax",
    "tensorflow": "tf",
    "tensorflow2": "tf",
    "tensorflow-2": "tf",
    "mxnet": "mxnet",
    "paddlepaddle": "paddle",
    "mindspore": "mindspore",
}
LANGUAGE_MAX = Repository._meta.get_field("language").max_length
ACCEPT = frozenset({200, 304, 403, 404})


def infer_framework(topics: Iterable[str]) -> str:
    """The one framework the topics name, else "" (none, or several: not ours to pick)."""
    named = {FRAMEWORK_TOPICS[t] for t in topics if t in FRAMEWORK_TOPICS}
    return named.pop() if len(named) == 1 else ""


def github_client() -> HttpClient:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if settings.GITHUB_TOKEN:
        headers["Authorization"] = f"Bearer {settings.GITHUB_TOKEN}"
    return HttpClient(headers=headers)


def stale_repositories(*, now: dt.datetime | None = None):
    """GitHub repositories not refreshed for ``REPOSITORY_REFRESH_HOURS``, stalest first."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.REPOSITORY_REFRESH_HOURS)
    return (
        Repository.objects.filter(host="github.com")
        .filter(Q(last_synced__isnull=True) | Q(last_synced__lt=cutoff))
        .order_by(F("last_synced").asc(nulls_first=True), "pk")
    )


def rate_limited_until(now: dt.datetime | None = None) -> dt.datetime | None:
    slot = RequestSlot.objects.filter(name=SLOT).first()
    now = now or timezone.now()
    return slot.not_before if slot and slot.not_before > now else None


def _limit_reached(until: dt.datetime) -> None:
    RequestSlot.objects.update_or_create(name=SLOT, defaults={"not_before": until})


def _reset_time(response, now: dt.datetime) -> dt.datetime:
    reset = response.header("X-RateLimit-Reset")
    if reset.isdigit():
        return dt.datetime.fromtimestamp(int(reset), tz=dt.UTC)
    retry = response.header("Retry-After")
    return now + dt.timedelta(seconds=int(retry) if retry.isdigit() else 60)


def refresh_repositories(
    repositories: Iterable[Repository],
    *,
    client: HttpClient | None = None,
    progress: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    """Refresh these repositories from GitHub, one transaction each, until the rate
    limit stops the run (``report.resume_at`` then says when to go on)."""
    report = FetchReport(source="GitHub repositories", progress=progress)
    repositories = list(repositories)
    until = rate_limited_until()
    if until is not None:
        report.stopped = f"GitHub rate limit: resumes at {until:%Y-%m-%d %H:%M} UTC"
        report.resume_at = until
        _waiting(repositories, report.stopped)
        return report
    base = settings.GITHUB_API_URL.rstrip("/")
    client = client or github_client()
    with client:
        for index, repository in enumerate(repositories):
            where = str(repository)
            if repository.host != "github.com":
                report.skip("not a GitHub repository", where)
                continue
            report.read += 1
            headers = {"If-None-Match": repository.etag} if repository.etag else {}
            now = timezone.now()
            try:
                response = client.get(
                    f"{base}/repos/{repository.owner}/{repository.name}",
                    headers=headers,
                    accept=ACCEPT,
                )
            except RetryLater as error:
                _stop(report, repositories[index:], error.retry_at)
                break
            except FetchError as error:
                report.fail(str(error), where)
                _status(repository, State.FAILED, str(error))
                continue
            remaining = response.header("X-RateLimit-Remaining")
            if response.status == 403 and (remaining == "0" or response.header("Retry-After")):
                _stop(report, repositories[index:], _reset_time(response, now))
                break
            outcome = _apply(repository, response, now, report)
            if outcome:
                report.count(outcome, repository.pk)
            report.tick()
            if remaining == "0" and index + 1 < len(repositories):
                _stop(report, repositories[index + 1 :], _reset_time(response, now))
                break
    return report


def _stop(report: FetchReport, left: list[Repository], until: dt.datetime) -> None:
    _limit_reached(until)
    report.stopped = (
        f"GitHub rate limit reached: {len(left)} repositor{'y' if len(left) == 1 else 'ies'} "
        f"left for {until:%Y-%m-%d %H:%M} UTC"
    )
    report.resume_at = until
    _waiting(left, f"rate limit: resumes at {until:%Y-%m-%d %H:%M} UTC")


def _waiting(repositories: list[Repository], message: str) -> None:
    statuses_set(
        source=Source.GITHUB,
        state=State.WAITING,
        message=message,
        repository_ids=[r.pk for r in repositories if r.pk],
    )


def _status(repository: Repository, state: str, message: str = "") -> None:
    statuses_set(source=Source.GITHUB, state=state, message=message, repository_ids=[repository.pk])


def _apply(repository: Repository, response, now: dt.datetime, report: FetchReport) -> str:
    """Write what GitHub said about ``repository``; the import outcome, or "" if it failed."""
    where = str(repository)
    if response.status == 403:
        report.fail("HTTP 403 (access refused)", where)
        _status(repository, State.FAILED, "HTTP 403 (access refused)")
        return ""
    values: dict = {"last_synced": now}
    if response.status == 404:
        values.update(gone_at=repository.gone_at or now, etag="")
        state, message = State.GONE, "GitHub answers 404: gone (nothing deleted)"
    elif response.status == 304:
        values["gone_at"] = None
        state, message = State.UNCHANGED, "not modified (304)"
    else:
        try:
            values.update(_repository_values(json.loads(response.content), repository))
        except (ValueError, TypeError, KeyError) as error:
            reason = f"not a GitHub repository JSON: {error}"
            report.fail(reason, where)
            _status(repository, State.FAILED, reason)
            return ""
        values.update(etag=response.header("ETag")[:200], gone_at=None)
        state, message = State.OK, ""
    shown = {"stars", "language", "description", "framework", "archived", "gone_at"}
    changed = {k for k, v in values.items() if getattr(repository, k) != v}
    with transaction.atomic():
        Repository.objects.filter(pk=repository.pk).update(**values)
        if changed & shown:
            derived.papers_changed(
                paper_ids=CodeLink.objects.filter(repository=repository).values_list(
                    "paper_id", flat=True
                )
            )
        if state == State.OK and not changed & (shown | {"topics", "pushed_at"}):
            state, message = State.UNCHANGED, "same as before"
        _status(repository, state, message)
    for key, value in values.items():
        setattr(repository, key, value)
    if state == State.GONE:
        return "updated" if "gone_at" in changed else "unchanged"
    return "updated" if changed & (shown | {"topics", "pushed_at"}) else "unchanged"


def _repository_values(data, repository: Repository) -> dict:
    if not isinstance(data, dict) or not isinstance(data.get("stargazers_count"), int):
        raise ValueError("no stargazers_count")
    topics = [t for t in data.get("topics") or [] if isinstance(t, str)]
    pushed = data.get("pushed_at")
    values = {
        "stars": max(0, data["stargazers_count"]),
        "language": (data.get("language") or "")[:LANGUAGE_MAX],
        "description": data.get("description") or "",
        "topics": topics,
        "archived": data.get("archived") is True,
        "pushed_at": dt.datetime.fromisoformat(pushed) if pushed else None,
    }
    framework = infer_framework(topics)
    if framework and not repository.framework:
        values["framework"] = framework
    return values
