"""The header's unread-notification count, for members: counted only if a template
shows it (one query), never for visitors."""

from functools import cache

from .notifications.services import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread():
        return unread_count(user)

    return {"unread_notifications": unread}
