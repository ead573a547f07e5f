"""Ingestion as background tasks (``django.tasks``), run by the worker (``make worker``,
``manage.py db_worker``) from the queue in the database (django-tasks-db).

Each task returns its summary (a JSON dict, kept with the task's result). The
``*_enqueue`` services put work on the queue and mark the objects "queued" in
their ``FetchStatus``, in the caller's transaction: with the database queue the
task row commits together with the write that asked for it, or not at all.
"""

import datetime as dt

from django.db import transaction
from django.tasks import task

from papers.core.models import Paper, Repository

from .daily import ingest_daily
from .fetchers.arxiv import fetch_by_ids, fetch_newest
from .fetchers.github import refresh_repositories, stale_repositories
from .fetchers.hf import fetch_hf_daily
from .status import Source, State, statuses_set
from .thumbnails import papers_needing_thumbnails, thumbnails_make


@task()
def arxiv_metadata_fetch(arxiv_ids: list[str]) -> dict:
    """Fetch the arXiv metadata of these papers (a member's submission, an admin action)."""
    return fetch_by_ids(arxiv_ids).as_dict()


@task()
def arxiv_newest_fetch(categories: list[str], days: int) -> dict:
    return fetch_newest(categories, days=days).as_dict()


@task()
def hf_daily_fetch(day: str) -> dict:
    return fetch_hf_daily(dt.date.fromisoformat(day)).as_dict()


@task()
def repositories_refresh(repository_ids: list[int] | None = None, limit: int = 5000) -> dict:
    """Refresh these repositories (default: the stale ones). Stopped by GitHub's rate
    limit, the task queues itself again for when the limit resets."""
    if repository_ids:
        repositories = Repository.objects.filter(pk__in=repository_ids).order_by("pk")
    else:
        repositories = stale_repositories()[:limit]
    report = refresh_repositories(repositories)
    if report.resume_at is not None:
        _resume(repositories_refresh, report.resume_at, repository_ids, limit)
    return report.as_dict()


@task()
def thumbnails_render(paper_ids: list[int] | None = None, limit: int = 100) -> dict:
    """Make the thumbnails of these papers (default: those without one, newest first)."""
    if paper_ids:
        papers = Paper.objects.filter(pk__in=paper_ids).order_by("pk")
    else:
        papers = papers_needing_thumbnails()[:limit]
    return thumbnails_make(papers).as_dict()


@task()
def ingest_daily_run(day: str | None = None) -> dict:
    reports = ingest_daily(day=dt.date.fromisoformat(day) if day else None)
    if reports is None:
        return {"skipped": "another ingest_daily run holds the lock"}
    return {"steps": [report.as_dict() for report in reports]}


def _resume(task_function, when: dt.datetime, *args) -> None:
    """Queue ``task_function`` again for ``when``, where the backend can defer tasks (the
    database queue can; the immediate backend of the tests cannot: the next scheduled
    run picks the work up instead)."""
    if task_function.get_backend().supports_defer:
        task_function.using(run_after=when).enqueue(*args)


# Services: queue work and show it as queued ----------------------------------------


def arxiv_fetch_enqueue(*, papers) -> int:
    """Queue an arXiv metadata fetch for these papers (those with an arXiv id)."""
    pairs = [(p.pk, p.arxiv_id) for p in papers if p.arxiv_id]
    if not pairs:
        return 0
    with transaction.atomic():
        statuses_set(source=Source.ARXIV, state=State.QUEUED, paper_ids=[pk for pk, _ in pairs])
        arxiv_metadata_fetch.enqueue([arxiv_id for _, arxiv_id in pairs])
    return len(pairs)


def github_refresh_enqueue(*, repositories) -> int:
    """Queue a GitHub refresh of these repositories."""
    ids = [r.pk for r in repositories if r.host == "github.com"]
    if not ids:
        return 0
    with transaction.atomic():
        statuses_set(source=Source.GITHUB, state=State.QUEUED, repository_ids=ids)
        repositories_refresh.enqueue(ids)
    return len(ids)


def thumbnails_enqueue(*, papers) -> int:
    ids = [p.pk for p in papers]
    if not ids:
        return 0
    with transaction.atomic():
        statuses_set(source=Source.THUMBNAIL, state=State.QUEUED, paper_ids=ids)
        thumbnails_render.enqueue(ids)
    return len(ids)
