"""Members' writes: upvotes and submissions. Keyword-only functions named ``<noun>_<verb>``."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from papers.core import arxiv, derived
from papers.core.models import Paper
from papers.ingest import tasks as ingest_tasks

from . import trending
from .models import Comment, CommentVote, Upvote


@dataclass(frozen=True)
class VoteResult:
    voted: bool  # whether the member's upvote exists after the call
    changed: bool  # whether this call added or removed it
    upvote_count: int


def paper_upvote(*, paper: Paper, user, voted: bool | None = None) -> VoteResult:
    """Add or remove ``user``'s upvote on ``paper``: toggle, or set it when ``voted`` is given.

    The Upvote row, ``Paper.upvote_count`` (by ``F()``) and the trending score
    change in one transaction that first locks the paper row, so concurrent
    votes on a paper are applied one after the other: none is lost or counted
    twice. The (user, paper) unique constraint is the last line of defence.
    """
    now = timezone.now()
    with transaction.atomic():
        # Serialise the votes on this paper (a no-op on SQLite, where writers are serial).
        stored = (
            Paper.objects.select_for_update()
            .filter(pk=paper.pk)
            .values_list("trending_score", flat=True)
            .get()
        )
        existing = Upvote.objects.filter(user=user, paper_id=paper.pk)
        cast_at = existing.values_list("created_at", flat=True).first()
        has_vote = cast_at is not None
        want = (not has_vote) if voted is None else voted
        changed = False
        if want and not has_vote:
            try:
                with transaction.atomic():
                    Upvote.objects.create(user=user, paper_id=paper.pk, created_at=now)
            except IntegrityError:  # a concurrent vote won without the lock (SQLite)
                pass
            else:
                Paper.objects.filter(pk=paper.pk).update(upvote_count=F("upvote_count") + 1)
                changed, cast_at = True, now
        elif not want and has_vote:
            deleted, _ = existing.delete()
            if deleted:
                Paper.objects.filter(pk=paper.pk).update(
                    upvote_count=Greatest(F("upvote_count") - 1, 0)
                )
                changed = True
        if changed:
            trending.paper_vote_changed(
                paper_id=paper.pk, stored=stored, vote_at=cast_at, added=want, now=now
            )
            derived.votes_changed()
        count = Paper.objects.filter(pk=paper.pk).values_list("upvote_count", flat=True).get()
    paper.upvote_count = count
    return VoteResult(voted=want, changed=changed, upvote_count=count)


def paper_recount_upvotes(*, paper_ids: Iterable[int] | None = None) -> int:
    """Set ``upvote_count`` from the Upvote rows where they differ; returns how many changed.

    Finds drifted papers in one query, then fixes each under the same row lock
    the vote takes, so a vote cast meanwhile is neither lost nor counted twice.
    """
    rows = (
        Upvote.objects.filter(paper=OuterRef("pk"))
        .order_by()
        .values("paper")
        .annotate(n=Count("pk"))
        .values("n")
    )
    papers = Paper.objects.all() if paper_ids is None else Paper.objects.filter(pk__in=paper_ids)
    drifted = list(
        papers.annotate(actual=Coalesce(Subquery(rows), 0))
        .exclude(upvote_count=F("actual"))
        .values_list("pk", flat=True)
    )
    fixed = 0
    for pk in drifted:
        with transaction.atomic():
            Paper.objects.select_for_update().filter(pk=pk).values_list("pk").first()
            actual = Upvote.objects.filter(paper_id=pk).count()
            fixed += (
                Paper.objects.filter(pk=pk).exclude(upvote_count=actual).update(upvote_count=actual)
            )
    if fixed:
        derived.votes_changed()
    return fixed


class SubmissionRefused(ValueError):
    """A submission the catalogue does not accept; the message says why, for the member."""


def submission_placeholder_title(arxiv_id: str) -> str:
    return f"arXiv:{arxiv_id} (awaiting metadata)"


def submission_create(*, user, arxiv_id: str) -> Paper:
    """Queue the arXiv paper ``arxiv_id`` (versionless) for moderation, submitted by ``user``.

    Its arXiv metadata (title, authors in order, abstract, dates, categories) is
    fetched by a background task queued in the same transaction
    (papers/ingest/tasks.py); until it arrives the paper has a placeholder title and
    the month of its arXiv id as its published date.

    Raises ``SubmissionRefused`` when the paper is already in the catalogue or the
    member reached ``SUBMISSIONS_PER_DAY`` today. The member's row is locked while
    counting, so parallel submissions cannot pass the daily limit together.
    """
    limit = settings.SUBMISSIONS_PER_DAY
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        if submissions_today(user=user) >= limit:
            raise SubmissionRefused(
                f"You have submitted {limit} papers today, the daily limit. Thank you! "
                "Please come back tomorrow."
            )
        month = arxiv.submission_date(arxiv_id)
        try:
            with transaction.atomic():
                paper = Paper.objects.create(
                    arxiv_id=arxiv_id,
                    title=submission_placeholder_title(arxiv_id),
                    status=Paper.Status.PENDING,
                    submitted_by=user,
                    listed_on=timezone.localdate(),
                    published=month,
                    published_precision="month" if month else "day",
                )
        except IntegrityError as exc:
            raise SubmissionRefused(f"arXiv:{arxiv_id} is already in the catalogue.") from exc
        ingest_tasks.arxiv_fetch_enqueue(papers=[paper])
        return paper


def submissions_today(*, user) -> int:
    return Paper.objects.filter(submitted_by=user, created_at__date=timezone.localdate()).count()


def submission_approve(*, paper: Paper) -> bool:
    """List a pending paper in today's edition. Returns False if it was not pending.

    Raises ``SubmissionRefused`` while the title is still the placeholder: the arXiv
    metadata has not arrived yet (the worker fetches it) or could not be fetched.
    """
    if paper.title == submission_placeholder_title(paper.arxiv_id or ""):
        raise SubmissionRefused(
            f"{paper.title}: its arXiv metadata has not arrived yet (see “last arXiv "
            "fetch”; “Fetch metadata from arXiv” queues it again), or fill it in by hand."
        )
    updated = Paper.objects.filter(pk=paper.pk, status=Paper.Status.PENDING).update(
        status=Paper.Status.PUBLISHED, listed_on=timezone.localdate(), updated_at=timezone.now()
    )
    if updated:
        derived.papers_changed(paper_ids=[paper.pk])  # it joins today's pages
    return bool(updated)


def submission_reject(*, paper: Paper) -> bool:
    """Mark a pending paper rejected (it stays, so the same id cannot be resubmitted)."""
    updated = Paper.objects.filter(pk=paper.pk, status=Paper.Status.PENDING).update(
        status=Paper.Status.REJECTED, updated_at=timezone.now()
    )
    return bool(updated)


@transaction.atomic
def member_delete(*, user) -> None:
    """Delete a member's account; their upvotes come off the papers' counts and trending
    scores in the same transaction (under the papers' row locks, as votes take them), and
    their comment upvotes off the comments'. Their comments stay, by "a former member"."""
    paper_ids = sorted(Upvote.objects.filter(user=user).values_list("paper_id", flat=True))
    list(Paper.objects.select_for_update().filter(pk__in=paper_ids).values_list("pk"))
    comment_ids = sorted(CommentVote.objects.filter(user=user).values_list("comment_id", flat=True))
    list(Comment.objects.select_for_update().filter(pk__in=comment_ids).values_list("pk"))
    user.delete()
    if comment_ids:
        Comment.objects.filter(pk__in=comment_ids).update(
            upvote_count=Greatest(F("upvote_count") - 1, 0)
        )
        derived.community_changed()
    if not paper_ids:
        return
    Paper.objects.filter(pk__in=paper_ids).update(upvote_count=Greatest(F("upvote_count") - 1, 0))
    now = timezone.now()
    for paper_id in paper_ids:
        trending.paper_refresh_trending(paper_id=paper_id, now=now)
    derived.votes_changed()
