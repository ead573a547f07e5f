"""Reads of collections: one collection for its page, a member's list, the save menu."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q

from papers.core.models import Paper

from ..models import Collection, CollectionItem

MENU_SIZE = 12  # collections offered in a card's save menu (most recently changed first)


def collection_for(username: str, slug: str, *, viewer) -> Collection | None:
    """The collection ``slug`` of member ``username``, if ``viewer`` may see it (public,
    or their own); None otherwise (a private collection is not told apart from none)."""
    collection = (
        Collection.objects.filter(owner__username=username, owner__is_active=True, slug=slug)
        .select_related("owner")
        .first()
    )
    if collection is None or not (collection.is_public or collection.owner_id == viewer.pk):
        return None
    return collection


def collection_papers(collection: Collection):
    """The collection's published papers in its order (``position`` annotated)."""
    return (
        Paper.objects.published()
        .filter(collection_items__collection=collection)
        .annotate(
            position=F("collection_items__position"), added_at=F("collection_items__added_at")
        )
        .order_by("position", "collection_items__pk")
    )


def member_collections(member, *, viewer):
    """``member``'s collections with ``paper_count``: the public ones, or all for themselves."""
    collections = Collection.objects.filter(owner=member)
    if viewer.pk != member.pk:
        collections = collections.filter(is_public=True)
    return (
        collections.select_related("owner")
        .annotate(paper_count=Count("items", filter=Q(items__paper__status=Paper.Status.PUBLISHED)))
        .order_by("-updated_at", "-pk")
    )


@dataclass
class SaveMenu:
    """A member's collections for the save menus of a page's cards, and which of the
    page's papers each holds."""

    collections: list[Collection] = field(default_factory=list)
    saved: dict[int, set[int]] = field(default_factory=dict)  # paper id -> collection ids
    more: bool = False

    def entries_for(self, paper_id: int) -> list[tuple[Collection, bool]]:
        held = self.saved.get(paper_id, set())
        return [(collection, collection.pk in held) for collection in self.collections]

    def saved_anywhere(self, paper_id: int) -> bool:
        return bool(self.saved.get(paper_id))


def save_menu(user, paper_ids) -> SaveMenu | None:
    """The save menu for ``user`` over ``paper_ids``: two queries, none for visitors."""
    if not user.is_authenticated:
        return None
    collections = list(
        Collection.objects.filter(owner=user)
        .only("pk", "name", "slug", "is_public", "owner_id")
        .order_by("-updated_at", "-pk")[: MENU_SIZE + 1]
    )
    menu = SaveMenu(collections=collections[:MENU_SIZE], more=len(collections) > MENU_SIZE)
    ids = list(paper_ids)
    if ids and collections:
        for paper_id, collection_id in CollectionItem.objects.filter(
            collection__owner=user, paper_id__in=ids
        ).values_list("paper_id", "collection_id"):
            menu.saved.setdefault(paper_id, set()).add(collection_id)
    return menu


def owned_collection(user, collection_id) -> Collection | None:
    if not user.is_authenticated:
        return None
    try:
        collection_id = int(collection_id)
    except (TypeError, ValueError):
        return None
    if not 0 < collection_id < 2**62:
        return None
    return Collection.objects.filter(owner=user, pk=collection_id).first()


def active_member(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()
