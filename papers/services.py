"""Writes to the catalogue. Keyword-only functions named ``<noun>_<verb>``.

Importers, the demo loader and the admin use these so that there is one way to
create an author, a repository or a paper's author list.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from . import arxiv, trending
from .models import (
    Author,
    Authorship,
    Category,
    CodeLink,
    Paper,
    Repository,
    Topic,
    Upvote,
    parse_repository_url,
)
from .names import ascii_slug, clean_name, name_key


@dataclass(frozen=True)
class AuthorCredit:
    name: str
    affiliation: str = ""


def category_get_or_create(*, code: str) -> Category:
    category, _ = Category.objects.get_or_create(
        code=code, defaults={"name": arxiv.CATEGORY_NAMES.get(code, "")}
    )
    return category


def unique_slug(model, text: str, *, fallback: str) -> str:
    """``text`` slugified, with ``-2``, ``-3``... appended while the slug is taken."""
    base = ascii_slug(text, fallback=fallback)
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def author_get_or_create(*, name: str) -> tuple[Author, bool]:
    """The author with this normalised name, or a new one.

    Matching is deliberately conservative (see ``names.name_key``); curators
    merge the remaining duplicates in the admin.
    """
    display = clean_name(name)
    if not display:
        raise ValueError("an author needs a name")
    author = Author.objects.filter(name_key=name_key(display)).order_by("pk").first()
    if author:
        return author, False
    author = Author(name=display, slug=unique_slug(Author, display, fallback="author"))
    author.save()
    return author, True


def paper_set_authors(*, paper: Paper, credits: Sequence[AuthorCredit]) -> bool:
    """Make the paper's author list exactly ``credits``, in order. Returns whether it changed."""
    wanted = []
    seen = set()
    for credit in credits:
        author, _ = author_get_or_create(name=credit.name)
        if author.pk in seen:  # the same person listed twice: keep the first place
            continue
        seen.add(author.pk)
        wanted.append((author.pk, credit.affiliation))
    current = list(paper.authorships.order_by("position").values_list("author_id", "affiliation"))
    if current == wanted:
        return False
    with transaction.atomic():
        paper.authorships.all().delete()
        Authorship.objects.bulk_create(
            Authorship(paper=paper, author_id=author_id, position=position, affiliation=affil)
            for position, (author_id, affil) in enumerate(wanted, start=1)
        )
    return True


def repository_get_or_create(*, url: str, **defaults) -> tuple[Repository, bool]:
    parts = parse_repository_url(url)
    repository = Repository.objects.filter(
        host=parts["host"], owner__iexact=parts["owner"], name__iexact=parts["name"]
    ).first()
    if repository:
        return repository, False
    return Repository.objects.create(**parts, **defaults), True


def paper_set_code_links(*, paper: Paper, links: Iterable[tuple[str, bool]]) -> bool:
    """Add links to ``(url, is_official)`` repositories; existing links keep their other flags."""
    changed = False
    for url, is_official in links:
        repository, _ = repository_get_or_create(url=url)
        link, created = CodeLink.objects.get_or_create(
            paper=paper, repository=repository, defaults={"is_official": is_official}
        )
        if not created and link.is_official != is_official:
            link.is_official = is_official
            link.save(update_fields=["is_official"])
            changed = True
        changed = changed or created
    return changed


def topic_get_or_create(*, name: str, description: str = "") -> tuple[Topic, bool]:
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic:
        return topic, False
    topic = Topic(
        name=name, description=description, slug=unique_slug(Topic, name, fallback="topic")
    )
    topic.save()
    return topic, True


# Members: upvotes and submissions.


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
        Paper.objects.select_for_update().filter(pk=paper.pk).values_list("pk").get()
        existing = Upvote.objects.filter(user=user, paper_id=paper.pk)
        has_vote = existing.exists()
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
                changed = True
        elif not want and has_vote:
            deleted, _ = existing.delete()
            if deleted:
                Paper.objects.filter(pk=paper.pk).update(
                    upvote_count=Greatest(F("upvote_count") - 1, 0)
                )
                changed = True
        if changed:
            trending.paper_refresh_trending(paper_id=paper.pk, now=now)
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
    return fixed


class SubmissionRefused(ValueError):
    """A submission the catalogue does not accept; the message says why, for the member."""


def submission_placeholder_title(arxiv_id: str) -> str:
    return f"arXiv:{arxiv_id} (awaiting metadata)"


def submission_create(*, user, arxiv_id: str) -> Paper:
    """Queue the arXiv paper ``arxiv_id`` (versionless) for moderation, submitted by ``user``.

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
        try:
            with transaction.atomic():
                return Paper.objects.create(
                    arxiv_id=arxiv_id,
                    title=submission_placeholder_title(arxiv_id),
                    status=Paper.Status.PENDING,
                    submitted_by=user,
                    listed_on=timezone.localdate(),
                )
        except IntegrityError as exc:
            raise SubmissionRefused(f"arXiv:{arxiv_id} is already in the catalogue.") from exc


def submissions_today(*, user) -> int:
    return Paper.objects.filter(submitted_by=user, created_at__date=timezone.localdate()).count()


def submission_approve(*, paper: Paper) -> bool:
    """List a pending paper in today's edition. Returns False if it was not pending.

    Raises ``SubmissionRefused`` while the title is still the placeholder: fill in
    the metadata (by hand or with the arXiv importer) first.
    """
    if paper.title == submission_placeholder_title(paper.arxiv_id or ""):
        raise SubmissionRefused(f"{paper.title}: fill in its title and abstract first.")
    updated = Paper.objects.filter(pk=paper.pk, status=Paper.Status.PENDING).update(
        status=Paper.Status.PUBLISHED, listed_on=timezone.localdate(), updated_at=timezone.now()
    )
    return bool(updated)


def submission_reject(*, paper: Paper) -> bool:
    """Mark a pending paper rejected (it stays, so the same id cannot be resubmitted)."""
    updated = Paper.objects.filter(pk=paper.pk, status=Paper.Status.PENDING).update(
        status=Paper.Status.REJECTED, updated_at=timezone.now()
    )
    return bool(updated)
