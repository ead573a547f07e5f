"""Writes of follows. Keyword-only functions named ``<noun>_<verb>``."""

from django.db import IntegrityError, transaction

from ..models import FOLLOWED, Collection, Follow

MAX_FOLLOWS = 500


class FollowRefused(ValueError):
    """A follow the site does not make; the message says why, for the member."""


def follow_set(*, user, target, following: bool) -> bool:
    """Follow (or stop following) ``target``: a Topic, an Author or a public Collection of
    another member. Returns whether anything changed."""
    kind = type(target).__name__.lower()
    if kind not in FOLLOWED:
        raise FollowRefused("Only topics, authors and collections can be followed.")
    if not following:
        deleted, _ = Follow.objects.filter(user=user, **{kind: target}).delete()
        return bool(deleted)
    if isinstance(target, Collection) and (not target.is_public or target.owner_id == user.pk):
        raise FollowRefused("You can follow other members' public collections.")
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise FollowRefused(f"You follow {MAX_FOLLOWS} things already, the most one can.")
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **{kind: target})
    except IntegrityError:  # followed already (a double click)
        return False
    return True
