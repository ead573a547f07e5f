"""What a member follows: topics, authors and other members' public collections."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from papers.core.models import Author, Topic

from .collections import Collection

FOLLOWED = ("topic", "author", "collection")


class Follow(models.Model):
    """One thing a member follows: exactly one of ``topic``, ``author``, ``collection``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(topic__isnull=False, author=None, collection=None)
                    | Q(topic=None, author__isnull=False, collection=None)
                    | Q(topic=None, author=None, collection__isnull=False)
                ),
                name="follow_exactly_one",
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", kind],
                    condition=Q(**{f"{kind}__isnull": False}),
                    name=f"follow_{kind}_once",
                )
                for kind in FOLLOWED
            ),
        ]
        indexes = [
            models.Index(fields=["topic"], name="follow_topic_idx"),
            models.Index(fields=["author"], name="follow_author_idx"),
            models.Index(fields=["collection"], name="follow_collection_idx"),
        ]

    def __str__(self):
        return f"{self.user} follows {self.kind} {self.target}"

    @property
    def kind(self) -> str:
        return next(kind for kind in FOLLOWED if getattr(self, f"{kind}_id"))

    @property
    def target(self):
        return getattr(self, self.kind)
