"""Members claiming an author page: a request staff approve in the admin."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from papers.core.models import Author


class AuthorClaim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_claims"
    )
    note = models.TextField(max_length=1000, help_text="Why this page is yours, for the staff.")
    orcid = models.CharField("ORCID iD", max_length=19, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "user"],
                condition=Q(status="pending"),
                name="authorclaim_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="authorclaim_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} claims {self.author}"
