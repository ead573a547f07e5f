"""Keep derived data fresh.

* A paper's ``has_code`` flag follows its code links.
* A paper's search text (authors, topic names, year; see papers/search.py)
  follows its authorships, its topics, and renames of its authors and topics.
  Title and abstract need nothing here: database triggers re-index them.
* Upvote counts and trending scores follow the deletion of a member.
* Cached pages (papers/pagecache.py) are invalidated by any change they could show.
"""

import threading

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import pagecache, search, trending
from .models import Author, Authorship, Category, CodeLink, Paper, Repository, Topic


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
    transaction.on_commit(pagecache.votes_changed)


def _deleting_papers(origin) -> bool:
    """Whether a delete started from papers (their search text goes with them)."""
    model = getattr(origin, "model", None) or type(origin)
    return model is Paper


_pending = threading.local()


def _index_on_commit(paper_id, using):
    """Refresh after the transaction: a bulk delete fires this once per row."""
    pending = _pending.__dict__.setdefault(using, set())
    pending.add(paper_id)

    def flush():
        ids = _pending.__dict__.pop(using, set())
        if ids:
            search.index_papers(ids, using=using)

    transaction.on_commit(flush, using=using)


@receiver([post_save, post_delete], sender=Authorship)
def authorship_changed(sender, instance, origin=None, using=None, **kwargs):
    if origin is not None and _deleting_papers(origin):
        return
    if isinstance(origin, QuerySet):
        # A bulk delete (its writer should call search.index_papers; this is the net).
        _index_on_commit(instance.paper_id, using)
        return
    search.index_papers([instance.paper_id], using=using)


@receiver(m2m_changed, sender=Paper.topics.through)
def paper_topics_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action == "pre_clear" and reverse:
        # topic.papers.clear(): remember which papers lose the topic.
        instance._search_cleared_papers = list(
            instance.papers.using(using).values_list("pk", flat=True)
        )
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        paper_ids = [instance.pk]
    elif action == "post_clear":
        paper_ids = getattr(instance, "_search_cleared_papers", [])
    else:
        paper_ids = pk_set or []
    search.index_papers(paper_ids, using=using)


def _remember_old_name(sender, instance, **kwargs):
    instance._search_old_name = (
        sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        if instance.pk
        else None
    )


pre_save.connect(_remember_old_name, sender=Author, dispatch_uid="search_author_old_name")
pre_save.connect(_remember_old_name, sender=Topic, dispatch_uid="search_topic_old_name")


@receiver(post_save, sender=Author)
def author_renamed(sender, instance, created, using, **kwargs):
    if not created and getattr(instance, "_search_old_name", instance.name) != instance.name:
        search.index_papers(
            instance.authorships.using(using).values_list("paper_id", flat=True), using=using
        )


@receiver(post_save, sender=Topic)
def topic_renamed(sender, instance, created, using, **kwargs):
    if not created and getattr(instance, "_search_old_name", instance.name) != instance.name:
        search.index_papers(instance.papers.using(using).values_list("pk", flat=True), using=using)


@receiver(pre_delete, sender=Topic)
def topic_deleting(sender, instance, using, **kwargs):
    instance._search_papers = list(instance.papers.using(using).values_list("pk", flat=True))


@receiver(post_delete, sender=Topic)
def topic_deleted(sender, instance, using, **kwargs):
    search.index_papers(getattr(instance, "_search_papers", []), using=using)


def _catalogue_changed(sender, using=None, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        transaction.on_commit(pagecache.catalogue_changed, using=using)


for _model in (Paper, Author, Authorship, Category, CodeLink, Repository, Topic):
    post_save.connect(_catalogue_changed, sender=_model, dispatch_uid=f"pagecache_save_{_model}")
    post_delete.connect(_catalogue_changed, sender=_model, dispatch_uid=f"pagecache_del_{_model}")
for _through in (Paper.topics.through, Paper.categories.through):
    m2m_changed.connect(_catalogue_changed, sender=_through, dispatch_uid=f"pagecache_{_through}")
