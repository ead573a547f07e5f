"""Members' reads: their votes on a page of papers, their upvoted papers, their submissions."""

from django.db.models import F

from papers.core.models import Paper

from .models import Upvote


def voted_paper_ids(user, papers) -> frozenset[int]:
    """Which of ``papers`` (a page, list or queryset of papers) ``user`` upvoted: one query.

    List views pass the result to templates as ``voted_ids``; the vote button reads it.
    """
    if not user.is_authenticated:
        return frozenset()
    ids = [paper.pk for paper in papers]
    if not ids:
        return frozenset()
    return frozenset(
        Upvote.objects.filter(user=user, paper_id__in=ids).values_list("paper_id", flat=True)
    )


def member_upvoted_papers(member):
    """The published papers ``member`` upvoted, most recent vote first."""
    return (
        Paper.objects.published()
        .filter(upvotes__user=member)
        .annotate(voted_at=F("upvotes__created_at"))
        .order_by("-voted_at", "-id")
    )


def member_submissions(member, *, viewer):
    """Papers ``member`` submitted; pending and rejected ones only for themselves and staff."""
    papers = Paper.objects.filter(submitted_by=member).order_by("-created_at", "-id")
    if not (viewer.is_staff or viewer.pk == member.pk):
        papers = papers.published()
    return papers
