"""Keep derived data fresh: a paper's ``has_code`` flag follows its code links; upvote
counts and trending scores follow the deletion of a member."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import trending
from .models import CodeLink, Paper


@receiver([post_save, post_delete], sender=CodeLink)
def codelink_changed(sender, instance, **kwargs):
    Paper.objects.filter(pk=instance.paper_id).refresh_has_code()


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def member_deleted(sender, instance, **kwargs):
    """A deleted member's upvotes go with them: take them off the papers' counts.

    Runs inside the deletion's transaction, before the cascade removes the rows.
    """
    voted = Paper.objects.filter(upvotes__user=instance)
    paper_ids = list(voted.values_list("pk", flat=True))
    if not paper_ids:
        return
    Paper.objects.filter(pk__in=paper_ids).update(upvote_count=Greatest(F("upvote_count") - 1, 0))

    def refresh():
        for paper_id in paper_ids:
            trending.paper_refresh_trending(paper_id=paper_id)

    transaction.on_commit(refresh)
