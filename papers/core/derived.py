"""Derived data, kept fresh by one path.

Every write that changes what the catalogue shows, one row or a million
(services, importers, admin saves and bulk actions, merges), ends by calling
``papers_changed(paper_ids=...)`` with the papers it touched, inside its
transaction; a write that only moves votes calls ``votes_changed()``. Nothing
else (no model signal, no ``save()`` override) keeps derived data: a new write
path has this one function to know.

* ``Paper.authors_text`` and ``topics_text`` follow the authorships, the topics and
  their names; ``Paper.year`` the published date and the arXiv id; ``Paper.has_code``
  the code links: ``refresh_papers`` recomputes them.
* The search index follows the title, the abstract and the two texts above, through
  database triggers (papers/search/schema.py).
* Cached pages and cards follow everything they show: the versions they are stored
  under move on at commit (papers/core/versions.py).
* ``upvote_count`` and ``trending_score`` follow the upvotes: the vote itself keeps
  them, under the paper's row lock (papers/community/services.py).
* ``comment_count`` follows the comments everyone can see: each change of a comment's
  visibility moves it in its transaction (papers/community/discussion/services.py),
  which then calls ``community_changed()``.

A failed transaction moves no version: ``on_commit`` callbacks only run after a
commit.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from itertools import batched

from django.db import router, transaction
from django.db.models import Exists, OuterRef

from . import versions
from .bulk import objects_update
from .models import Authorship, CodeLink, Paper

BATCH_SIZE = 1000
logger = logging.getLogger(__name__)


def papers_changed(*, paper_ids: Iterable[int] = (), using: str | None = None) -> int:
    """The writer changed these papers (their rows, authors, topics, categories or code
    links), or something else a page shows when ``paper_ids`` is empty (a topic's
    description, a repository's stars). Call inside the write's transaction.

    Refreshes the papers' derived columns now (so the rest of the transaction, and the
    search index's triggers, see them) and moves the cache versions on at commit.
    Returns how many papers' derived columns changed.
    """
    using = using or router.db_for_write(Paper)
    changed = refresh_papers(paper_ids, using=using)
    transaction.on_commit(_bump_catalogue, using=using)
    return changed


def votes_changed(*, using: str | None = None) -> None:
    """Only votes changed (counts, trending scores): cached pages go, cards stay."""
    transaction.on_commit(_bump_votes, using=using or router.db_for_write(Paper))


def community_changed(*, using: str | None = None) -> None:
    """Only members' contributions changed (comments and comment counts, public
    collections, profiles): like votes, cached pages go and cards stay (cards show their
    comment count and submitter outside the cached body)."""
    transaction.on_commit(_bump_votes, using=using or router.db_for_write(Paper))


def _bump_catalogue():
    versions.bump_catalogue()


def _bump_votes():
    versions.bump_votes()


def refresh_papers(paper_ids: Iterable[int], *, using: str | None = None) -> int:
    """Bring these papers' derived columns up to date; returns how many changed.

    Unknown ids are ignored. Per 1,000 papers: three reads, an update of the rows
    whose search text or year changed, and two updates of ``has_code``.
    """
    using = using or router.db_for_write(Paper)
    changed_total = 0
    for batch in batched(sorted(set(paper_ids)), BATCH_SIZE):
        authors, topics = _search_text(batch, using)
        changed = []
        for paper in (
            Paper.objects.using(using)
            .filter(pk__in=batch)
            .only("pk", "authors_text", "topics_text", "year", "published", "arxiv_id")
        ):
            fresh = (
                ", ".join(authors.get(paper.pk, [])),
                ", ".join(topics.get(paper.pk, [])),
                paper.derive_year(),
            )
            if fresh != (paper.authors_text, paper.topics_text, paper.year):
                paper.authors_text, paper.topics_text, paper.year = fresh
                changed.append(paper)
        if changed:
            with transaction.atomic(using=using):
                objects_update(Paper, changed, ["authors_text", "topics_text", "year"], using=using)
        changed_total += len(changed) + _refresh_has_code(batch, using)
    return changed_total


def _refresh_has_code(paper_ids, using) -> int:
    papers = Paper.objects.using(using).filter(pk__in=paper_ids)
    linked = Exists(CodeLink.objects.filter(paper=OuterRef("pk")))
    gained = papers.filter(linked, has_code=False).update(has_code=True)
    lost = papers.filter(~linked, has_code=True).update(has_code=False)
    return gained + lost


def _search_text(paper_ids, using):
    authors = defaultdict(list)
    for paper_id, name in (
        Authorship.objects.using(using)
        .filter(paper_id__in=paper_ids)
        .order_by("paper_id", "position")
        .values_list("paper_id", "author__name")
    ):
        authors[paper_id].append(name)
    topics = defaultdict(list)
    for paper_id, name in (
        Paper.topics.through.objects.using(using)
        .filter(paper_id__in=paper_ids)
        .order_by("paper_id", "topic__name")
        .values_list("paper_id", "topic__name")
    ):
        topics[paper_id].append(name)
    return authors, topics
