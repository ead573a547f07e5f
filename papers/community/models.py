"""Members and what they do: the site's user model, upvotes, the moderation queue."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from papers.core.models import Paper

from .identity import username_skeleton


class User(AbstractUser):
    """A member. Email addresses are unique whatever their case (empty ones aside:
    ``createsuperuser`` may leave it empty), and so are usernames' confusable
    skeletons (papers/community/identity.py): ``аlice`` cannot join beside ``alice``."""

    username_skeleton = models.CharField(max_length=600, unique=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def save(self, *args, **kwargs):
        self.username_skeleton = username_skeleton(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        super().save(*args, **kwargs)


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
