"""Reads of follows: whether a member follows something, what they follow."""

from ..models import Follow


def is_following(user, target) -> bool:
    if not user.is_authenticated:
        return False
    kind = type(target).__name__.lower()
    return Follow.objects.filter(user=user, **{kind: target}).exists()


def member_follows(user):
    """What ``user`` follows, newest first, with the names the page shows (one query)."""
    return (
        Follow.objects.filter(user=user)
        .select_related("topic", "author", "collection__owner")
        .order_by("-created_at", "-pk")
    )
