"""Writes of collections. Keyword-only functions named ``<noun>_<verb>``."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from papers.core import derived
from papers.core.models import Paper

from ..models import Collection, CollectionItem
from ..text import render_member_markdown

DEFAULT_NAME = "Reading list"
MAX_COLLECTIONS = 200
MAX_ITEMS = 5000


class CollectionRefused(ValueError):
    """A change the site does not make; the message says why, for the member."""


def _slug_for(owner, name: str) -> str:
    """A slug for ``name`` that none of ``owner``'s collections has (``-2``, ``-3``...)."""
    base = slugify(name)[:100] or "collection"
    taken = set(
        Collection.objects.filter(owner=owner, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def collection_create(
    *, owner, name: str, description: str = "", is_public: bool = False
) -> Collection:
    name = name.strip()
    if not name:
        raise CollectionRefused("Give the collection a name.")
    if Collection.objects.filter(owner=owner).count() >= MAX_COLLECTIONS:
        raise CollectionRefused(f"You have {MAX_COLLECTIONS} collections, the most one can keep.")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                collection = Collection.objects.create(
                    owner=owner,
                    name=name,
                    slug=_slug_for(owner, name),
                    description=description,
                    description_html=render_member_markdown(description),
                    is_public=is_public,
                )
        except IntegrityError:  # the same slug was taken a moment ago
            continue
        if is_public:
            derived.community_changed()  # the member's profile lists it
        return collection
    raise CollectionRefused("That name is taken by another of your collections.")


def collection_update(
    *, collection: Collection, name: str, description: str, is_public: bool
) -> Collection:
    """Rename, describe, publish or hide a collection. Its address (slug) stays: links to
    it and follows keep working."""
    name = name.strip()
    if not name:
        raise CollectionRefused("Give the collection a name.")
    fields = {
        "name": name,
        "description": description,
        "description_html": render_member_markdown(description),
        "is_public": is_public,
        "updated_at": timezone.now(),
    }
    Collection.objects.filter(pk=collection.pk).update(**fields)
    for key, value in fields.items():
        setattr(collection, key, value)
    derived.community_changed()
    return collection


def collection_delete(*, collection: Collection) -> None:
    collection.delete()
    derived.community_changed()


def default_collection(*, owner) -> Collection:
    """The member's first collection, or a new private "Reading list"."""
    existing = Collection.objects.filter(owner=owner).order_by("created_at", "pk").first()
    return existing or collection_create(owner=owner, name=DEFAULT_NAME)


def collection_add(*, collection: Collection, paper: Paper) -> bool:
    """Add ``paper`` at the end of ``collection``; False when it was there already."""
    with transaction.atomic():
        # Lock the collection: two adds at once must not take the same position.
        Collection.objects.select_for_update().filter(pk=collection.pk).values_list("pk").get()
        if CollectionItem.objects.filter(collection=collection).count() >= MAX_ITEMS:
            raise CollectionRefused(f"A collection holds at most {MAX_ITEMS:,} papers.")
        last = CollectionItem.objects.filter(collection=collection).aggregate(n=Max("position"))
        try:
            with transaction.atomic():
                CollectionItem.objects.create(
                    collection=collection, paper=paper, position=(last["n"] or 0) + 1
                )
        except IntegrityError:
            return False
        Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
    if collection.is_public:
        derived.community_changed()
    return True


def collection_remove(*, collection: Collection, paper: Paper) -> bool:
    deleted, _ = CollectionItem.objects.filter(collection=collection, paper=paper).delete()
    if deleted:
        Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
        if collection.is_public:
            derived.community_changed()
    return bool(deleted)


def collection_move(*, collection: Collection, paper_id: int, direction: str) -> bool:
    """Move a paper one place ``up`` or ``down``, or to the ``top`` or ``bottom``."""
    with transaction.atomic():
        Collection.objects.select_for_update().filter(pk=collection.pk).values_list("pk").get()
        items = list(
            CollectionItem.objects.filter(collection=collection).order_by("position", "pk")
        )
        index = next((n for n, item in enumerate(items) if item.paper_id == paper_id), None)
        if index is None:
            return False
        target = {
            "up": index - 1,
            "down": index + 1,
            "top": 0,
            "bottom": len(items) - 1,
        }.get(direction)
        if target is None or not 0 <= target < len(items) or target == index:
            return False
        items.insert(target, items.pop(index))
        changed = [item for n, item in enumerate(items, start=1) if item.position != n]
        for n, item in enumerate(items, start=1):
            item.position = n
        CollectionItem.objects.bulk_update(changed, ["position"])
        Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
    if collection.is_public:
        derived.community_changed()
    return True
