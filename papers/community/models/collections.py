"""Members' named collections of papers, public or private, in the member's order."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from papers.core.models import Paper


class Collection(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_collections"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120)
    description = models.TextField(blank=True, max_length=2000, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    is_public = models.BooleanField(
        "public", default=False, help_text="Anyone can see a public collection and follow it."
    )
    papers = models.ManyToManyField(Paper, through="CollectionItem", related_name="collections")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "slug"], name="collection_unique_slug"),
            models.CheckConstraint(condition=~Q(name=""), name="collection_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("collection_detail", args=[self.owner.username, self.slug])


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="collection_items")
    position = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "paper"], name="collectionitem_unique"),
        ]
        indexes = [
            models.Index(fields=["collection", "position"], name="collectionitem_order_idx"),
            models.Index(fields=["collection", "-added_at"], name="collectionitem_recent_idx"),
            models.Index(fields=["paper"], name="collectionitem_paper_idx"),
        ]

    def __str__(self):
        return f"{self.paper_id} in {self.collection}"
