"""Template tags for the members' side of pages.

{% avatar member %}                 a member's generated avatar (initials, colour)
{% member_link member %}            their shown name, linked to their profile
{{ comment|editable_by:user }}      whether ``user`` may still edit ``comment``
{% paper_comments_url paper %}      where a paper's comment form posts
{% comment_limit %}                 the longest comment, in characters
{% save_menu paper as menu %}       the member's collections for a card's save menu
{{ menu|save_entries:paper }}       its entries for one paper; ``menu|is_saved:paper``
{% follow_state target as state %}  whether the member follows a topic/author/collection
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..collections import selectors as collection_selectors
from ..discussion.services import can_edit
from ..following import selectors as follow_selectors
from ..profiles import avatar as avatars

register = template.Library()


@register.simple_tag
def avatar(member, size="small"):
    """Initials on the member's colour; decorative (the name is always beside it)."""
    if member is None:
        return format_html(
            '<span class="avatar avatar-gone avatar-{}" aria-hidden="true">?</span>', size
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-{}" aria-hidden="true">{}</span>',
        avatars.colour(member.username),
        size,
        avatars.initials(member.shown_name),
    )


@register.simple_tag
def member_link(member):
    if member is None:
        return mark_safe('<span class="muted">a former member</span>')
    return format_html(
        '<a class="member-link" href="{}">{}</a>',
        reverse("member_detail", args=[member.username]),
        member.shown_name,
    )


@register.filter
def editable_by(comment, user):
    return can_edit(comment, user)


@register.simple_tag
def comment_limit():
    return settings.COMMENT_MAX_LENGTH


@register.simple_tag
def paper_comments_url(paper):
    if paper.arxiv_id:
        return reverse("paper_comments", args=[paper.arxiv_id])
    return reverse("paper_comments_by_pk", args=[paper.pk])


@register.simple_tag(takes_context=True)
def save_menu(context, paper):
    """The member's save menu for ``paper``'s card. Worked out once per request for the
    whole page (its ``page_obj``, else ``menu_papers``): two queries per page for a
    member, none for a visitor."""
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return None
    menus = request.__dict__.setdefault("_save_menus", {})
    page = context.get("page_obj") or context.get("menu_papers") or ()
    key = ("page", id(page))
    if key not in menus:
        ids = [item.pk for item in page]
        menus[key] = (set(ids), collection_selectors.save_menu(user, ids) if ids else None)
    ids, menu = menus[key]
    if paper.pk in ids:
        return menu
    key = ("paper", paper.pk)
    if key not in menus:
        menus[key] = ({paper.pk}, collection_selectors.save_menu(user, [paper.pk]))
    return menus[key][1]


@register.filter
def save_entries(menu, paper):
    """``[(collection, holds the paper)]`` of a save menu, for ``paper``."""
    return menu.entries_for(paper.pk) if menu else []


@register.filter
def is_saved(menu, paper):
    return bool(menu and menu.saved_anywhere(paper.pk))


@register.simple_tag(takes_context=True)
def follow_state(context, target):
    """Whether the member follows ``target`` (one query for a member, none for a visitor)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return follow_selectors.is_following(user, target)
