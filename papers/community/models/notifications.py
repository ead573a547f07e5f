"""What a member is told about: replies to their comments, comments on their papers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from papers.core.models import Paper

from .discussion import Comment


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "replied to your comment"
        SUBMITTED = "submitted", "commented on a paper you submitted"
        AUTHORED = "authored", "commented on your paper"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One notification per comment and member, whatever the reasons to tell them.
            models.UniqueConstraint(fields=["recipient", "comment"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["reply", "submitted", "authored"]),
                name="notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
            models.Index(
                fields=["recipient"], name="notification_unread_idx", condition=Q(read_at=None)
            ),
            models.Index(
                fields=["recipient"],
                name="notification_unemailed_idx",
                condition=Q(read_at=None, emailed_at=None),
            ),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_kind_display()} ({self.recipient})"
