"""Upvotes and the submission moderation queue."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from papers.core.models import Paper


class Upvote(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upvotes"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="upvotes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="upvote_one_per_member"),
        ]
        indexes = [
            models.Index(fields=["paper", "created_at"], name="upvote_paper_time_idx"),
            models.Index(fields=["user", "-created_at"], name="upvote_user_time_idx"),
        ]

    def __str__(self):
        return f"{self.user} ▲ {self.paper}"


class PendingSubmission(Paper):
    """Papers waiting for review (members' submissions): the moderation queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = "pending submission"
        verbose_name_plural = "pending submissions"
