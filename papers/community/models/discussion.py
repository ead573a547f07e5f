"""The discussion under a paper: comments and one level of replies, their votes and
the reports members make about them.

``Paper.comment_count`` counts the comments everyone can see (status visible, not
deleted); every change of a comment's visibility moves it by ``F()`` in the same
transaction (papers/community/discussion/services.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from papers.core.models import Paper


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        PENDING = "pending", "Held for review"
        HIDDEN = "hidden", "Hidden by staff"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The comment this replies to (always a top-level comment).",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(help_text="Markdown with LaTeX math, as the member wrote it.")
    body_html = models.TextField(editable=False, help_text="Rendered once, sanitised.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    upvote_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["visible", "pending", "hidden"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="comment_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["paper", "parent", "created_at"], name="comment_thread_idx"),
            models.Index(fields=["parent", "created_at"], name="comment_replies_idx"),
            models.Index(fields=["author", "-created_at"], name="comment_author_idx"),
            models.Index(
                fields=["created_at"], name="comment_pending_idx", condition=Q(status="pending")
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.paper_id}"

    def get_absolute_url(self):
        return f"{self.paper.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_shown(self) -> bool:
        """Whether everyone sees it (and it counts in ``Paper.comment_count``)."""
        return self.status == self.Status.VISIBLE and self.deleted_at is None


class CommentVote(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="commentvote_one_per_member"),
        ]

    def __str__(self):
        return f"{self.user} ▲ comment {self.comment_id}"


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Rude, abusive or harassing"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_one_per_member"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="report_open_idx", condition=Q(resolved_at=None)
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: comment {self.comment_id}"
