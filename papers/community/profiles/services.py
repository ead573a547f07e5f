"""Writes of profiles. Keyword-only functions named ``<noun>_<verb>``."""

from django.contrib.auth import get_user_model

from papers.core import derived

from ..text import render_member_markdown


def profile_update(
    *,
    user,
    display_name: str,
    bio: str,
    affiliation: str,
    links: list[str],
    email_notifications: bool,
):
    """Save what a member shows of themselves; the bio is rendered once, sanitised."""
    fields = {
        "display_name": display_name.strip(),
        "bio": bio.strip(),
        "bio_html": render_member_markdown(bio),
        "affiliation": affiliation.strip(),
        "links": list(links),
        "email_notifications": email_notifications,
    }
    get_user_model().objects.filter(pk=user.pk).update(**fields)
    for name, value in fields.items():
        setattr(user, name, value)
    derived.community_changed()  # names shown on cards, comments and pages
    return user
