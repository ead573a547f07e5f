"""Ingestion's own state: the last fetch result of each paper and repository, run locks,
and the shared request slots that keep every worker polite to an upstream."""

from django.db import models
from django.db.models import Q

from papers.core.models import Paper, Repository


class FetchStatus(models.Model):
    """The latest fetch of one paper or repository from one source: queued, or its outcome.

    The admin shows it ("last fetch from arXiv: ok, 2 h ago"); the fetchers write it
    (papers/ingest/status.py). One row per (source, object).
    """

    class Source(models.TextChoices):
        ARXIV = "arxiv", "arXiv"
        GITHUB = "github", "GitHub"
        THUMBNAIL = "thumbnail", "Thumbnail"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        OK = "ok", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        FAILED = "failed", "Failed"
        GONE = "gone", "Gone"
        WAITING = "waiting", "Waiting (rate limit)"

    source = models.CharField(max_length=10, choices=Source.choices)
    paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.CASCADE, related_name="fetch_statuses"
    )
    repository = models.ForeignKey(
        Repository,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fetch_statuses",
    )
    state = models.CharField(max_length=10, choices=State.choices)
    message = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "fetch statuses"
        constraints = [
            models.CheckConstraint(
                condition=Q(paper__isnull=True) ^ Q(repository__isnull=True),
                name="fetchstatus_one_object",
            ),
            models.UniqueConstraint(
                fields=["source", "paper"],
                condition=Q(paper__isnull=False),
                name="fetchstatus_unique_paper",
            ),
            models.UniqueConstraint(
                fields=["source", "repository"],
                condition=Q(repository__isnull=False),
                name="fetchstatus_unique_repository",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.get_state_display()}"


class Lock(models.Model):
    """A named lock held until ``expires_at`` (a crashed holder's lock runs out)."""

    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} ({self.holder})"


class RequestSlot(models.Model):
    """When the next request to an upstream may leave, shared by every process.

    arXiv asks for one request every 3 seconds from us, not from each worker; GitHub's
    rate limit is per token. A fetcher reserves the next slot under the row's lock
    (papers/ingest/fetchers/http.py), then waits for it outside any transaction.
    """

    name = models.CharField(max_length=50, primary_key=True)
    not_before = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: not before {self.not_before:%Y-%m-%d %H:%M:%S}"
