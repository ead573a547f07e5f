"""Reads of the discussion: a paper's threads for its page (a constant number of
queries), the comments of the JSON API and the feed, a member's comments."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from papers.core.models import Paper

from ..models import Comment, CommentVote

ORDERS = {
    "oldest": ("Oldest first", ("created_at", "id")),
    "newest": ("Newest first", ("-created_at", "-id")),
    "top": ("Most upvoted", ("-upvote_count", "created_at", "id")),
}
DEFAULT_ORDER = "oldest"
ORDER_PARAMETER = "comments"
PAGE_PARAMETER = "comments_page"


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class Discussion:
    """What a paper's discussion section shows."""

    paper: Paper
    threads: list[Thread]
    order: str
    page: int
    has_next: bool
    voted_ids: frozenset[int]
    author_member_ids: frozenset[int]  # members who claimed one of the paper's authors
    count: int

    @property
    def orders(self):
        return [(key, label) for key, (label, _) in ORDERS.items()]

    @property
    def next_page(self):
        return self.page + 1 if self.has_next else None

    @property
    def previous_page(self):
        return self.page - 1 if self.page > 1 else None


def _readable_by(user) -> Q:
    """The comments a viewer may see a trace of: everyone's visible, hidden and deleted
    ones (the last two as placeholders), and their own held for review; staff see all."""
    if user.is_staff:
        return Q()
    readable = Q(status__in=[Comment.Status.VISIBLE, Comment.Status.HIDDEN])
    if user.is_authenticated:
        readable |= Q(status=Comment.Status.PENDING, author=user)
    return readable


def _int(value, default=1) -> int:
    try:
        number = int(str(value)[:9])
    except (TypeError, ValueError):
        return default
    return number if number >= 1 else default


def claimed_author_member_ids(paper: Paper) -> frozenset[int]:
    """Members who claimed one of ``paper``'s authors (no query when the page prefetched
    the authorships with their authors)."""
    return frozenset(
        a.author.user_id for a in paper.authorships.all() if a.author.user_id is not None
    )


def paper_discussion(paper: Paper, *, user, params=None) -> Discussion:
    """A page of ``paper``'s threads, in the order asked for (``?comments=``), each with
    its replies oldest first. Two queries (three for a member: their comment votes)."""
    params = params or {}
    order = params.get(ORDER_PARAMETER, DEFAULT_ORDER)
    if order not in ORDERS:
        order = DEFAULT_ORDER
    page = _int(params.get(PAGE_PARAMETER))
    per_page = settings.COMMENT_THREADS_PER_PAGE
    readable = _readable_by(user)
    start = (page - 1) * per_page
    top = list(
        Comment.objects.filter(readable, paper=paper, parent=None)
        .select_related("author")
        .order_by(*ORDERS[order][1])[start : start + per_page + 1]
    )
    has_next = len(top) > per_page
    top = top[:per_page]
    replies: dict[int, list[Comment]] = {}
    if top:
        for reply in (
            Comment.objects.filter(readable, parent__in=[c.pk for c in top])
            .select_related("author")
            .order_by("created_at", "id")
        ):
            replies.setdefault(reply.parent_id, []).append(reply)
    threads = [
        Thread(comment, replies.get(comment.pk, []))
        for comment in top
        if _keeps_place(comment, replies.get(comment.pk, []), user)
    ]
    shown_ids = [c.pk for t in threads for c in (t.comment, *t.replies)]
    voted = frozenset()
    if user.is_authenticated and shown_ids:
        voted = frozenset(
            CommentVote.objects.filter(user=user, comment_id__in=shown_ids).values_list(
                "comment_id", flat=True
            )
        )
    return Discussion(
        paper=paper,
        threads=threads,
        order=order,
        page=page,
        has_next=has_next,
        voted_ids=voted,
        author_member_ids=claimed_author_member_ids(paper),
        count=paper.comment_count,
    )


def _keeps_place(comment: Comment, replies: list[Comment], user) -> bool:
    """A deleted or hidden top-level comment stays (as "deleted") only while replies hang
    from it; staff see hidden comments as they are."""
    if comment.deleted_at is None and (comment.status != Comment.Status.HIDDEN or user.is_staff):
        return True
    return bool(replies)


def comment_for_view(pk: int, *, user):
    """A comment a member acts on (edit, delete, reply to, vote, report), with its paper;
    None when it does not exist or its paper is not public."""
    return (
        Comment.objects.filter(_readable_by(user), pk=pk, paper__status=Paper.Status.PUBLISHED)
        .select_related("paper", "author")
        .first()
    )


def shown_comments(paper: Paper):
    """The comments everyone sees on ``paper``, oldest first (the API, the feed)."""
    return (
        Comment.objects.filter(paper=paper, status=Comment.Status.VISIBLE, deleted_at=None)
        .select_related("author")
        .order_by("created_at", "id")
    )


def member_comments(member, *, viewer):
    """``member``'s comments on published papers, newest first; their own held ones too."""
    comments = Comment.objects.filter(
        author=member, deleted_at=None, paper__status=Paper.Status.PUBLISHED
    )
    if viewer.pk == member.pk and not viewer.is_staff:
        comments = comments.exclude(status=Comment.Status.HIDDEN)
    elif not viewer.is_staff:
        comments = comments.filter(status=Comment.Status.VISIBLE)
    return comments.select_related("paper").order_by("-created_at", "-id")


def shown_comments_anywhere():
    """Comments everyone sees, on papers everyone sees (to upvote or report one)."""
    return Comment.objects.filter(
        status=Comment.Status.VISIBLE, deleted_at=None, paper__status=Paper.Status.PUBLISHED
    )


def comment_url(comment: Comment) -> str:
    """The address of ``comment`` on its paper's page (the page of threads it is on, in the
    default order), scrolled to it. ``comment.paper`` should be loaded."""
    thread = comment
    if comment.parent_id:
        thread = Comment.objects.only("pk", "created_at").get(pk=comment.parent_id)
    earlier = Comment.objects.filter(paper_id=comment.paper_id, parent=None).filter(
        Q(created_at__lt=thread.created_at) | Q(created_at=thread.created_at, pk__lt=thread.pk)
    )
    page = earlier.count() // settings.COMMENT_THREADS_PER_PAGE + 1
    query = f"?{PAGE_PARAMETER}={page}" if page > 1 else ""
    return f"{comment.paper.get_absolute_url()}{query}#comment-{comment.pk}"
