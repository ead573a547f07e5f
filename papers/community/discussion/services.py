"""Writes of the discussion. Keyword-only functions named ``<noun>_<verb>``.

``Paper.comment_count`` is the number of the paper's comments everyone sees
(visible and not deleted). Each write that can change that locks the comment's
row, compares before and after and moves the count by ``F()`` in the same
transaction, so it stays exact under concurrent posting, deleting and moderation;
``paper_recount_comments`` (``manage.py recount_comments``) repairs drift from
rows edited by hand. Every such write ends with ``derived.community_changed()``
(cached pages go; cached card bodies stay: they do not show the count).
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from papers.core import derived
from papers.core.models import Paper

from ..models import Comment, CommentReport, CommentVote
from ..notifications import services as notifications
from ..text import render_member_markdown


class CommentRefused(ValueError):
    """A comment the site does not accept; the message says why, for the member."""


SHOWN = Q(status=Comment.Status.VISIBLE, deleted_at=None)


def _check_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise CommentRefused("Write something first.")
    limit = settings.COMMENT_MAX_LENGTH
    if len(body) > limit:
        raise CommentRefused(
            f"Comments are at most {limit:,} characters long; this one has {len(body):,}."
        )
    return body


def _check_author(author) -> None:
    if not author.is_active or author.posting_banned:
        raise CommentRefused(
            "You can no longer post comments here. If you think this is a mistake, "
            "write to the site's staff."
        )


def held_for_review(author, *, now: dt.datetime | None = None) -> bool:
    """Whether ``author``'s next comment waits for staff: one of a new account's first
    ``COMMENT_REVIEW_FIRST`` comments (accounts younger than ``COMMENT_REVIEW_ACCOUNT_DAYS``)."""
    first = settings.COMMENT_REVIEW_FIRST
    if first <= 0 or author.is_staff:
        return False
    now = now or timezone.now()
    if author.date_joined < now - dt.timedelta(days=settings.COMMENT_REVIEW_ACCOUNT_DAYS):
        return False
    approved = Comment.objects.filter(author=author, status=Comment.Status.VISIBLE).count()
    return approved < first


def comment_create(
    *, paper: Paper, author, body: str, parent: Comment | None = None, now=None
) -> Comment:
    """Post ``author``'s comment on ``paper`` (a reply when ``parent`` is given).

    A reply to a reply joins the thread of its top-level comment (one level of
    replies). Raises ``CommentRefused`` for an empty or too long body, a member
    banned from posting, or a parent that is not shown on this paper.
    """
    _check_author(author)
    body = _check_body(body)
    now = now or timezone.now()
    if parent is not None:
        if parent.paper_id != paper.pk:
            raise CommentRefused("That comment is not in this paper's discussion.")
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
        if not parent.is_shown:
            raise CommentRefused("That comment was removed: it can no longer be replied to.")
    status = Comment.Status.PENDING if held_for_review(author, now=now) else Comment.Status.VISIBLE
    with transaction.atomic():
        _lock_paper(paper.pk)
        comment = Comment.objects.create(
            paper_id=paper.pk,
            parent=parent,
            author=author,
            body=body,
            body_html=render_member_markdown(body),
            status=status,
            created_at=now,
        )
        if comment.is_shown:
            _count(paper_id=paper.pk, delta=1)
            notifications.notify_comment(comment=comment)
    comment.paper = paper
    return comment


def _lock_paper(paper_id: int) -> None:
    """Take the paper's row lock first, in every write that moves its comment count: the
    writes of one paper's discussion then queue instead of deadlocking (the insert of a
    comment also share-locks the paper's and its parent's rows, for their foreign keys).
    ``NO KEY UPDATE`` leaves those share locks of other writers alone."""
    Paper.objects.select_for_update(no_key=True).filter(pk=paper_id).values_list("pk").first()


def _count(*, paper_id: int, delta: int) -> None:
    count = F("comment_count") + delta if delta > 0 else Greatest(F("comment_count") + delta, 0)
    Paper.objects.filter(pk=paper_id).update(comment_count=count)
    derived.community_changed()


def _change(comment: Comment, change: Callable[[Comment], dict | None]) -> Comment | None:
    """Apply ``change`` (which returns the fields to set, or None) to the comment's locked
    row; move the paper's count if the comment's visibility changed. The comment as it
    is now, or None when nothing changed."""
    paper_id = comment.paper_id or (
        Comment.objects.filter(pk=comment.pk).values_list("paper_id", flat=True).first()
    )
    if paper_id is None:
        return None
    with transaction.atomic():
        _lock_paper(paper_id)
        row = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if row is None:
            return None
        was_shown = row.is_shown
        fields = change(row)
        if not fields:
            return None
        for name, value in fields.items():
            setattr(row, name, value)
        row.save(update_fields=list(fields))
        if row.is_shown != was_shown:
            _count(paper_id=row.paper_id, delta=1 if row.is_shown else -1)
            if row.is_shown:
                notifications.notify_comment(comment=row)
        elif "body_html" in fields:
            derived.community_changed()
    return row


def can_edit(comment: Comment, user, *, now=None) -> bool:
    """Members edit their own comment for ``COMMENT_EDIT_MINUTES`` after posting it."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=settings.COMMENT_EDIT_MINUTES)
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.deleted_at is None
        and comment.status != Comment.Status.HIDDEN
        and now - comment.created_at <= window
        and not user.posting_banned
    )


def comment_edit(*, comment: Comment, user, body: str, now=None) -> Comment:
    """Replace the text of ``user``'s own comment (within the edit window); marks it edited."""
    body = _check_body(body)
    now = now or timezone.now()

    def change(row):
        if not can_edit(row, user, now=now):
            raise CommentRefused(
                f"Comments can be edited for {settings.COMMENT_EDIT_MINUTES} minutes after "
                "posting, by their author."
            )
        if row.body == body:
            return None
        return {"body": body, "body_html": render_member_markdown(body), "edited_at": now}

    return _change(comment, change) or comment


def comment_delete(*, comment: Comment, user, now=None) -> bool:
    """Delete ``user``'s own comment (staff may delete any): its text goes, its place stays
    while it has replies ("deleted"). Returns whether it was deleted now."""
    now = now or timezone.now()

    def change(row):
        if not (user.is_staff or row.author_id == user.pk):
            raise CommentRefused("Only its author can delete a comment.")
        if row.deleted_at is not None:
            return None
        return {"deleted_at": now, "body": "", "body_html": ""}

    return _change(comment, change) is not None


def comment_hide(*, comment: Comment) -> bool:
    """Staff: hide a comment from everyone (its place stays while it has replies)."""
    hidden = Comment.Status.HIDDEN
    return (
        _change(comment, lambda row: None if row.status == hidden else {"status": hidden})
        is not None
    )


def comment_restore(*, comment: Comment) -> bool:
    """Staff: show a hidden comment again, or approve one held for review."""
    visible = Comment.Status.VISIBLE
    return (
        _change(comment, lambda row: None if row.status == visible else {"status": visible})
        is not None
    )


def comment_purge(*, comment: Comment) -> None:
    """Delete the comment's row and its replies' (the admin's delete), keeping the count."""
    paper_id = comment.paper_id
    with transaction.atomic():
        _lock_paper(paper_id)
        rows = Comment.objects.select_for_update().filter(Q(pk=comment.pk) | Q(parent=comment.pk))
        shown = rows.filter(SHOWN).count()
        rows.delete()
        if shown:
            _count(paper_id=paper_id, delta=-shown)


def comment_upvote(*, comment: Comment, user, voted: bool | None = None) -> tuple[bool, int]:
    """Add or remove ``user``'s upvote on a comment (toggle, or set with ``voted``);
    returns ``(voted, count)``. The comment's row is locked, as a paper's is for votes."""
    with transaction.atomic():
        Comment.objects.select_for_update().filter(pk=comment.pk).values_list("pk").get()
        existing = CommentVote.objects.filter(user=user, comment_id=comment.pk)
        has_vote = existing.exists()
        want = (not has_vote) if voted is None else voted
        if want and not has_vote:
            try:
                with transaction.atomic():
                    CommentVote.objects.create(user=user, comment_id=comment.pk)
            except IntegrityError:
                pass
            else:
                Comment.objects.filter(pk=comment.pk).update(upvote_count=F("upvote_count") + 1)
                derived.community_changed()
        elif not want and has_vote and existing.delete()[0]:
            Comment.objects.filter(pk=comment.pk).update(
                upvote_count=Greatest(F("upvote_count") - 1, 0)
            )
            derived.community_changed()
        count = Comment.objects.filter(pk=comment.pk).values_list("upvote_count", flat=True).get()
    return want, count


def comment_report(*, comment: Comment, reporter, reason: str, note: str = "") -> CommentReport:
    """A member tells staff about a comment; reporting it twice changes nothing."""
    if comment.author_id == reporter.pk:
        raise CommentRefused("That is your own comment: you can edit or delete it instead.")
    try:
        with transaction.atomic():
            return CommentReport.objects.create(
                comment=comment, reporter=reporter, reason=reason, note=note.strip()[:500]
            )
    except IntegrityError:
        return CommentReport.objects.get(comment=comment, reporter=reporter)


def reports_resolve(*, reports, staff) -> int:
    return reports.filter(resolved_at=None).update(resolved_at=timezone.now(), resolved_by=staff)


def member_posting_ban(*, users: Iterable, banned: bool = True) -> int:
    """Staff: stop (or let again) members from posting comments."""
    from django.contrib.auth import get_user_model

    ids = [user.pk for user in users]
    return get_user_model().objects.filter(pk__in=ids).update(posting_banned=banned)


def paper_recount_comments(*, paper_ids: Iterable[int] | None = None) -> int:
    """Set ``comment_count`` (and the comments' ``upvote_count``) from the rows where they
    differ; returns how many papers and comments changed. Each drifted paper is fixed
    under a lock on its row, as no comment write holds it for long."""
    shown = (
        Comment.objects.filter(SHOWN, paper=OuterRef("pk"))
        .order_by()
        .values("paper")
        .annotate(n=Count("pk"))
        .values("n")
    )
    papers = Paper.objects.all() if paper_ids is None else Paper.objects.filter(pk__in=paper_ids)
    drifted = list(
        papers.annotate(actual=Coalesce(Subquery(shown), 0))
        .exclude(comment_count=F("actual"))
        .values_list("pk", flat=True)
    )
    fixed = 0
    for pk in drifted:
        with transaction.atomic():
            _lock_paper(pk)
            actual = Comment.objects.filter(SHOWN, paper_id=pk).count()
            fixed += (
                Paper.objects.filter(pk=pk)
                .exclude(comment_count=actual)
                .update(comment_count=actual)
            )
    votes = (
        CommentVote.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    comments = Comment.objects.all()
    if paper_ids is not None:
        comments = comments.filter(paper_id__in=paper_ids)
    fixed += (
        comments.annotate(actual=Coalesce(Subquery(votes), 0))
        .exclude(upvote_count=F("actual"))
        .update(upvote_count=Coalesce(Subquery(votes), 0))
    )
    if fixed:
        derived.community_changed()
    return fixed
