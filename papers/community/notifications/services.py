"""Recording notifications and marking them read."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from papers.core.models import Author, Paper

from ..models import Comment, Notification


def recipients_for(comment: Comment) -> dict[int, str]:
    """``{member id: kind}``: who hears about ``comment`` and why (the first reason wins:
    a reply, then authorship, then submission). Never its own author. Three small queries."""
    wanted: dict[int, str] = {}
    if comment.parent_id:
        parent_author = (
            Comment.objects.filter(pk=comment.parent_id).values_list("author_id", flat=True).first()
        )
        if parent_author:
            wanted[parent_author] = Notification.Kind.REPLY
    for user_id in Author.objects.filter(
        authorships__paper_id=comment.paper_id, user__isnull=False
    ).values_list("user_id", flat=True):
        wanted.setdefault(user_id, Notification.Kind.AUTHORED)
    submitter = Paper.objects.filter(pk=comment.paper_id).values_list("submitted_by", flat=True)
    submitter = submitter.first()
    if submitter:
        wanted.setdefault(submitter, Notification.Kind.SUBMITTED)
    wanted.pop(comment.author_id, None)
    return wanted


def notify_comment(*, comment: Comment) -> list[int]:
    """Record who is told about ``comment`` (now visible); call inside its transaction.
    Members who chose email get it from the task once the transaction commits. Returns
    the recipients' ids."""
    wanted = recipients_for(comment)
    if not wanted:
        return []
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                comment_id=comment.pk,
                paper_id=comment.paper_id,
                actor_id=comment.author_id,
                created_at=comment.created_at,
            )
            for user_id, kind in wanted.items()
        ],
        ignore_conflicts=True,  # told about this comment before (hidden, then restored)
    )
    from django.contrib.auth import get_user_model

    emailed = list(
        get_user_model()
        .objects.filter(pk__in=list(wanted), email_notifications=True, is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    if emailed:
        transaction.on_commit(lambda: _enqueue_emails(emailed))
    return list(wanted)


def _enqueue_emails(user_ids: list[int]) -> None:
    from ..tasks import notification_emails_send

    notification_emails_send.enqueue(user_ids=user_ids)


# Notifications about comments hidden or deleted since are not shown (nor emailed).
SHOWN_COMMENT = Q(comment__status=Comment.Status.VISIBLE, comment__deleted_at=None)


def unread_count(user) -> int:
    return Notification.objects.filter(SHOWN_COMMENT, recipient=user, read_at=None).count()


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark ``user``'s notifications read (all of them, or those of ``ids``)."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def member_notifications(user):
    """The member's notifications, newest first, with what their list shows (one query:
    the comment's paper comes with it, for its title and address)."""
    return (
        Notification.objects.filter(SHOWN_COMMENT, recipient=user)
        .select_related("actor", "comment__paper")
        .order_by("-created_at", "-id")
    )
