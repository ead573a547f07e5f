"""``ingest_daily``: the day's whole run, in order, under one lock.

1. Hugging Face daily papers of the day (new papers join that day's edition);
2. the newest papers of ``ARXIV_CATEGORIES`` (the last ``ARXIV_DAYS`` days);
3. arXiv metadata of members' submissions still without it;
4. stale GitHub repositories, stalest first, until the rate limit;
5. thumbnails of papers without one (``THUMBNAILS_PER_RUN``).

Every step writes through the import engine, idempotently: running the whole thing
twice changes nothing the second time, and a second run started while one is going
(cron overlapping a slow run, two machines) finds the lock taken and does nothing.
A step that fails is reported and the next one runs.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from papers.core.models import Paper

from .fetchers.arxiv import fetch_by_ids, fetch_newest
from .fetchers.github import refresh_repositories, stale_repositories
from .fetchers.hf import fetch_hf_daily
from .fetchers.report import FetchReport
from .locks import lock_held
from .thumbnails import papers_needing_thumbnails, thumbnails_make

logger = logging.getLogger(__name__)
LOCK = "ingest_daily"
LOCK_SECONDS = 6 * 3600  # a run killed mid-way frees the lock after this
REPOSITORIES_PER_RUN = 5000


def papers_awaiting_metadata():
    """Pending papers (members' submissions) whose arXiv metadata never arrived."""
    return Paper.objects.filter(
        status=Paper.Status.PENDING, arxiv_id__isnull=False, abstract=""
    ).order_by("pk")


def ingest_daily(
    *, day: dt.date | None = None, progress: Callable[[FetchReport], None] | None = None
) -> list[FetchReport] | None:
    """Run every step; their reports, or None when another run holds the lock."""
    day = day or timezone.localdate()
    with lock_held(LOCK, seconds=LOCK_SECONDS) as holder:
        if holder is None:
            return None
        steps = [
            ("Hugging Face daily papers", lambda: fetch_hf_daily(day, progress=progress)),
        ]
        if settings.ARXIV_CATEGORIES:
            steps.append(
                (
                    "arXiv newest",
                    lambda: fetch_newest(
                        settings.ARXIV_CATEGORIES, days=settings.ARXIV_DAYS, progress=progress
                    ),
                )
            )
        steps += [
            (
                "arXiv metadata of submissions",
                lambda: fetch_by_ids(
                    papers_awaiting_metadata().values_list("arxiv_id", flat=True),
                    progress=progress,
                ),
            ),
            (
                "GitHub repositories",
                lambda: refresh_repositories(
                    stale_repositories()[:REPOSITORIES_PER_RUN], progress=progress
                ),
            ),
            (
                "Thumbnails",
                lambda: thumbnails_make(
                    papers_needing_thumbnails()[: settings.THUMBNAILS_PER_RUN],
                    progress=progress,
                ),
            ),
        ]
        reports = []
        for name, step in steps:
            try:
                reports.append(step().finish())
            except Exception as error:  # one broken step does not stop the others
                logger.exception("ingest_daily: %s failed", name)
                report = FetchReport(source=name)
                report.fail(f"{type(error).__name__}: {error}")
                reports.append(report)
        return reports
