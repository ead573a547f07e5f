"""Writes to the catalogue. Keyword-only functions named ``<noun>_<verb>``.

Importers, the demo loader and the admin use these so that there is one way to
create an author, a repository or a paper's author list.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, router, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from . import arxiv, pagecache, search, trending
from .models import (
    Author,
    AuthorAlias,
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
    """The author with this normalised name (or alias), or a new one.

    Matching is deliberately conservative (see ``names.name_key``); curators
    merge the remaining duplicates in the admin, which records the merged
    spelling as an alias of the survivor.
    """
    display = clean_name(name)
    if not display:
        raise ValueError("an author needs a name")
    key = name_key(display)
    author = Author.objects.filter(name_key=key).order_by("pk").first()
    if author:
        return author, False
    alias = AuthorAlias.objects.filter(name_key=key).select_related("author").first()
    if alias:
        return alias.author, False
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
        search.index_papers([paper.pk])
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
            transaction.on_commit(pagecache.votes_changed)
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
        pagecache.votes_changed()
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
    if updated:
        transaction.on_commit(pagecache.catalogue_changed)  # it joins today's pages
    return bool(updated)


def submission_reject(*, paper: Paper) -> bool:
    """Mark a pending paper rejected (it stays, so the same id cannot be resubmitted)."""
    updated = Paper.objects.filter(pk=paper.pk, status=Paper.Status.PENDING).update(
        status=Paper.Status.REJECTED, updated_at=timezone.now()
    )
    return bool(updated)


# Bulk writes --------------------------------------------------------------
#
# Importers, admin bulk actions and merges write many rows at once with
# bulk_create, bulk_update and QuerySet.update, so model signals and save()
# do not run for them. Each of them calls ``papers_after_bulk_write`` with the
# papers it touched, inside its transaction.

IN_LIST_SIZE = 900  # rows per ``__in`` lookup: within SQLite's bound-parameter limit
POSITION_PARKING_OFFSET = 1_000_000  # see authorships_renumber


def papers_after_bulk_write(*, paper_ids: Collection[int]) -> None:
    """Hook for derived data after writes that bypass ``save()`` on these papers.

    Called inside the writer's transaction with every paper whose row, authors,
    categories, topics or code links a bulk write changed. Derived data that
    follows those rows is refreshed from here: the search text and index.
    """
    search.index_papers(paper_ids)
    transaction.on_commit(pagecache.catalogue_changed)


def _chunks(values: Iterable, size: int = IN_LIST_SIZE) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _blank(value) -> bool:
    return value is None or value == ""


@dataclass(frozen=True)
class CodeLinkRecord:
    """A repository for a paper as a source states it."""

    url: str
    is_official: bool = False
    mentioned_in_paper: bool = False
    mentioned_in_github: bool = False
    framework: str = ""
    stars: int | None = None  # a live figure: refreshed whenever given


@dataclass
class PaperRecord:
    """One paper as a source states it; what the source does not carry is left out.

    ``fields`` holds plain Paper fields (title, abstract, published, ...);
    ``None`` for ``primary_category``, ``categories`` or ``authors`` means the
    source does not carry them. ``live_fields`` are figures the source owns and
    refreshes on every import (Hugging Face upvotes).
    """

    arxiv_id: str
    fields: dict = field(default_factory=dict)
    version: int | None = None
    primary_category: str | None = None
    categories: list[str] | None = None
    authors: list[AuthorCredit] | None = None
    listed_on: dt.date | None = None
    live_fields: dict = field(default_factory=dict)
    code_links: list[CodeLinkRecord] = field(default_factory=list)


def categories_get_or_create(*, codes: Iterable[str]) -> dict[str, Category]:
    """The categories for ``codes`` by code; missing ones are created in one query."""
    codes = set(codes)
    found = {}
    for chunk in _chunks(codes):
        found.update((c.code, c) for c in Category.objects.filter(code__in=chunk))
    new = [
        Category(code=code, name=arxiv.CATEGORY_NAMES.get(code, ""))
        for code in sorted(codes - found.keys())
    ]
    Category.objects.bulk_create(new)
    found.update((c.code, c) for c in new)
    return found


def authors_get_or_create(*, names: Iterable[str]) -> dict[str, Author]:
    """The authors for ``names`` keyed by ``names.name_key``; missing ones are created in bulk.

    Matches exactly as ``author_get_or_create`` does: the oldest author with the
    normalised name, else the author holding it as an alias, else a new author
    named with the first spelling met.
    """
    wanted: dict[str, str] = {}
    for name in names:
        display = clean_name(name)
        if not display:
            raise ValueError("an author needs a name")
        wanted.setdefault(name_key(display), display)
    found: dict[str, Author] = {}
    for keys in _chunks(wanted):
        for author in Author.objects.filter(name_key__in=keys).order_by("-pk"):
            found[author.name_key] = author  # the oldest is seen last and wins
    missing = [key for key in wanted if key not in found]
    for keys in _chunks(missing):
        for alias in AuthorAlias.objects.filter(name_key__in=keys).select_related("author"):
            found[alias.name_key] = alias.author
    missing = [key for key in missing if key not in found]
    if missing:
        displays = [wanted[key] for key in missing]
        new = [
            Author(name=display, name_key=key, slug=slug)
            for display, key, slug in zip(
                displays, missing, _unique_author_slugs(displays), strict=True
            )
        ]
        objects_insert(Author, new)
        found.update(zip(missing, new, strict=True))
    return found


def _unique_author_slugs(names: Sequence[str]) -> list[str]:
    """Slugs for new authors, unique among existing authors and among each other."""
    bases = [ascii_slug(name, fallback="author") for name in names]
    taken = set()
    for chunk in _chunks(set(bases)):
        taken.update(Author.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    widened = set()
    slugs = []
    for base in bases:
        slug = base
        if slug in taken:
            if base not in widened:  # a collision: learn every "base-N" already used
                taken.update(
                    Author.objects.filter(slug__startswith=f"{base}-").values_list(
                        "slug", flat=True
                    )
                )
                widened.add(base)
            n = 2
            while f"{base}-{n}" in taken:
                n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _is_newer(version: int | None, than: int | None) -> bool:
    """Whether ``version`` is known and later than ``than`` (an unknown version is oldest)."""
    return version is not None and (than is None or version > than)


def papers_import(*, records: Sequence[PaperRecord], listed_on: dt.date) -> list[tuple[str, int]]:
    """Create or bring up to date the papers of ``records`` (distinct arXiv ids), in bulk.

    - An arXiv id not in the catalogue creates a published paper listed on
      ``record.listed_on``, or ``listed_on`` when the record has none.
    - A record with a newer arXiv version than the catalogue's overwrites every
      field it carries (authors and categories included). Votes, topics,
      status, featured, the listed date and fields it does not carry stay.
    - A record of the same version (or without one) only fills what is empty
      in the catalogue: importing the same data again writes nothing, and
      curators' edits stay. A record of an older version fills nothing.
    - ``live_fields`` are refreshed whenever they differ; code links are added
      as ``code_links_import`` does.

    Returns ``(outcome, paper_id)`` for each record, the outcome being
    ``"created"``, ``"updated"`` or ``"unchanged"``.
    """
    if len({record.arxiv_id for record in records}) != len(records):
        raise ValueError("records must have distinct arXiv ids")
    existing: dict[str, Paper] = {}
    for ids in _chunks(record.arxiv_id for record in records):
        existing.update((p.arxiv_id, p) for p in Paper.objects.filter(arxiv_id__in=ids))
    current_authors = _authorship_lists(p.pk for p in existing.values())
    current_categories = _category_sets(p.pk for p in existing.values())
    categories = categories_get_or_create(
        codes={code for record in records for code in record.categories or ()}
        | {record.primary_category for record in records if record.primary_category}
    )
    plans = [_ImportPlan.make(record, existing.get(record.arxiv_id)) for record in records]
    for plan in plans:
        if plan.paper is not None:
            fill = not plan.older
            plan.wants_authors &= plan.replace or (fill and not current_authors.get(plan.paper.pk))
            plan.wants_categories &= plan.replace or (
                fill and not current_categories.get(plan.paper.pk)
            )
    names = {c.name for plan in plans if plan.wants_authors for c in plan.record.authors}
    keys = {name: name_key(name) for name in names}
    authors = authors_get_or_create(names=names)
    authors = {name: authors[key] for name, key in keys.items()}

    changed_fields: set[str] = set()
    for plan in plans:
        record = plan.record
        primary = categories[record.primary_category] if record.primary_category else None
        if plan.paper is None:
            plan.paper = Paper(
                arxiv_id=record.arxiv_id,
                arxiv_version=record.version,
                listed_on=record.listed_on or listed_on,
                primary_category=primary,
                **record.fields,
                **{k: v for k, v in record.live_fields.items() if v is not None},
            )
        else:
            plan.fields = _paper_apply(
                plan.paper, record, primary=primary, newer=plan.newer, older=plan.older
            )
            changed_fields.update(plan.fields)
        pk = plan.paper.pk
        if plan.wants_authors:
            wanted = _credited_authors(record.authors, authors)
            if pk is None or wanted != current_authors.get(pk, []):
                plan.authors = wanted
        if plan.wants_categories:
            wanted_ids = {categories[code].pk for code in record.categories}
            if pk is None or wanted_ids != current_categories.get(pk, set()):
                plan.categories = wanted_ids

    now = timezone.now()
    created = [plan for plan in plans if plan.created]
    # New rows carry their search text from the start, so the search index is
    # written once (``index_papers`` below then finds nothing to change).
    author_names = {author.pk: author.name for author in authors.values()}
    for plan in created:
        plan.paper.authors_text = ", ".join(author_names[pk] for pk, _ in plan.authors or ())
        plan.paper.year = plan.paper.derive_year()
    objects_insert(Paper, [plan.paper for plan in created])
    updated = [plan.paper for plan in plans if plan.fields]
    for paper in updated:
        paper.updated_at = now
    objects_update(Paper, updated, sorted(changed_fields | {"updated_at"}))
    new_authors = [plan for plan in plans if plan.authors is not None]
    _authorships_replace(
        [(plan.paper.pk, plan.authors) for plan in new_authors],
        replace=[plan.paper.pk for plan in new_authors if not plan.created],
    )
    new_categories = [plan for plan in plans if plan.categories is not None]
    _categories_replace(
        [(plan.paper.pk, plan.categories) for plan in new_categories],
        replace=[plan.paper.pk for plan in new_categories if not plan.created],
    )
    link_outcomes, linked = code_links_import(
        links=[(plan.paper.pk, link) for plan in plans for link in plan.record.code_links]
    )
    links_changed = {paper_id for paper_id, outcome in link_outcomes if outcome != "unchanged"}

    outcomes = []
    touched = set()
    for plan in plans:
        pk = plan.paper.pk
        if plan.created:
            outcomes.append(("created", pk))
        elif (
            plan.fields
            or plan.authors is not None
            or plan.categories is not None
            or pk in links_changed
        ):
            outcomes.append(("updated", pk))
            touched.add(pk)
        else:
            outcomes.append(("unchanged", pk))
    bump = touched - {paper.pk for paper in updated} - linked
    for ids in _chunks(bump):
        Paper.objects.filter(pk__in=ids).update(updated_at=now)
    papers_after_bulk_write(paper_ids={plan.paper.pk for plan in created} | touched)
    return outcomes


@dataclass
class _ImportPlan:
    """What ``papers_import`` does with one record."""

    record: PaperRecord
    paper: Paper | None
    created: bool
    newer: bool
    older: bool
    wants_authors: bool
    wants_categories: bool
    fields: list[str] = field(default_factory=list)  # changed fields of an existing paper
    authors: list[tuple[int, str]] | None = None  # an author list to write
    categories: set[int] | None = None  # a category set to write

    @property
    def replace(self) -> bool:
        return self.created or self.newer

    @classmethod
    def make(cls, record: PaperRecord, paper: Paper | None) -> "_ImportPlan":
        return cls(
            record=record,
            paper=paper,
            created=paper is None,
            newer=paper is not None and _is_newer(record.version, paper.arxiv_version),
            older=paper is not None
            and None not in (record.version, paper.arxiv_version)
            and record.version < paper.arxiv_version,
            wants_authors=record.authors is not None,
            wants_categories=record.categories is not None,
        )


def _paper_apply(
    paper: Paper, record: PaperRecord, *, primary, newer: bool, older: bool
) -> list[str]:
    """Set the record's values on an existing paper as ``papers_import`` describes."""
    changed = []
    for name, value in record.fields.items() if not older else ():
        current = getattr(paper, name)
        if (newer and current != value) or (not newer and _blank(current) and not _blank(value)):
            setattr(paper, name, value)
            changed.append(name)
    if (
        primary is not None
        and paper.primary_category_id != primary.pk
        and (newer or (not older and paper.primary_category_id is None))
    ):
        paper.primary_category = primary
        changed.append("primary_category")
    if newer:
        paper.arxiv_version = record.version
        changed.append("arxiv_version")
    for name, value in record.live_fields.items():
        if value is not None and getattr(paper, name) != value:
            setattr(paper, name, value)
            changed.append(name)
    return changed


def _credited_authors(credits, authors: dict[str, Author]) -> list[tuple[int, str]]:
    """``(author_id, affiliation)`` in order; a person listed twice keeps the first place.

    ``authors`` maps each credited name as written to its author.
    """
    wanted, seen = [], set()
    for credit in credits:
        author = authors[credit.name]
        if author.pk not in seen:
            seen.add(author.pk)
            wanted.append((author.pk, credit.affiliation))
    return wanted


def _authorship_lists(paper_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    lists = defaultdict(list)
    for ids in _chunks(paper_ids):
        rows = (
            Authorship.objects.filter(paper_id__in=ids)
            .order_by("paper_id", "position")
            .values_list("paper_id", "author_id", "affiliation")
        )
        for paper_id, author_id, affiliation in rows:
            lists[paper_id].append((author_id, affiliation))
    return lists


def _category_sets(paper_ids: Iterable[int]) -> dict[int, set[int]]:
    sets = defaultdict(set)
    through = Paper.categories.through
    for ids in _chunks(paper_ids):
        for paper_id, category_id in through.objects.filter(paper_id__in=ids).values_list(
            "paper_id", "category_id"
        ):
            sets[paper_id].add(category_id)
    return sets


def _authorships_replace(lists: list[tuple[int, list[tuple[int, str]]]], *, replace: list[int]):
    for ids in _chunks(replace):
        Authorship.objects.filter(paper_id__in=ids).delete()
    rows_insert(
        Authorship,
        ["paper", "author", "position", "affiliation"],
        [
            (paper_id, author_id, position, affiliation)
            for paper_id, wanted in lists
            for position, (author_id, affiliation) in enumerate(wanted, start=1)
        ],
    )


def _categories_replace(sets: list[tuple[int, set[int]]], *, replace: list[int]):
    through = Paper.categories.through
    for ids in _chunks(replace):
        through.objects.filter(paper_id__in=ids).delete()
    rows_insert(
        through,
        ["paper", "category"],
        [(paper_id, category_id) for paper_id, ids in sets for category_id in sorted(ids)],
    )


PLAIN_FIELD_TYPES = {
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def objects_insert(model, objs: list) -> None:
    """``bulk_create`` for new rows of a plain model (no many-to-many, no signals).

    On PostgreSQL the rows go by ``COPY`` with primary keys drawn from the
    table's sequence first, which is several times faster than the
    parameterised ``INSERT`` for thousands of rows; elsewhere ``bulk_create``.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(opts.db_table), opts.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        # Plain values go to psycopg as they are; other fields (and timestamps
        # set on save) are prepared as Django prepares them.
        plain = [
            field.get_internal_type() in PLAIN_FIELD_TYPES
            and not getattr(field, "auto_now", False)
            and not getattr(field, "auto_now_add", False)
            for field in fields
        ]
        attnames = [field.attname for field in fields]
        columns = ", ".join(quote(field.column) for field in [opts.pk, *fields])
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row(
                    [
                        obj.pk,
                        *(
                            values[attname]
                            if is_plain
                            else field.get_db_prep_save(field.pre_save(obj, True), connection)
                            for field, attname, is_plain in zip(
                                fields, attnames, plain, strict=True
                            )
                        ),
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def objects_update(model, objs: list, fields: list[str], *, using: str | None = None) -> None:
    """``bulk_update`` of ``fields`` on ``objs`` (in the database ``using``).

    On PostgreSQL the new values go by ``COPY`` into a temporary table and are
    applied by one ``UPDATE ... FROM``: Django's ``bulk_update`` builds a
    ``CASE`` per field and row, which costs more than the import itself.
    """
    if not objs:
        return
    connection = connections[using or router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.using(connection.alias).bulk_update(objs, fields)
        return
    opts = model._meta
    quote = connection.ops.quote_name
    targets = [opts.get_field(name) for name in fields]
    columns = [quote(field.column) for field in [opts.pk, *targets]]
    table, temporary = quote(opts.db_table), quote(f"bulk_update_{opts.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temporary} ({', '.join(columns)}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        obj.pk,
                        *(
                            field.get_db_prep_save(getattr(obj, field.attname), connection)
                            for field in targets
                        ),
                    ]
                )
        assignments = ", ".join(f"{column} = source.{column}" for column in columns[1:])
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} AS source "
            f"WHERE {table}.{columns[0]} = source.{columns[0]}"
        )
        cursor.execute(f"DROP TABLE {temporary}")


def rows_insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert plain rows (no ids needed back, no defaults to fill) in bulk.

    For link rows an import writes by the thousand, building a model instance
    per row is most of ``bulk_create``'s cost. PostgreSQL gets them by
    ``COPY``; other databases by multi-row ``INSERT``. Values must be complete;
    constraints are checked by the database as usual.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        row_sql = f"({', '.join(['%s'] * len(fields))})"
        params_limit = min(connection.features.max_query_params or 999, 30000)
        per_statement = max(1, min(1000, params_limit // len(fields)))
        for chunk in _chunks(rows, per_statement):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}",
                [value for row in chunk for value in row],
            )


def _repository_key(parts: dict) -> tuple[str, str, str]:
    return parts["host"], parts["owner"].lower(), parts["name"].lower()


def repositories_get_or_create(
    *, links: Sequence[CodeLinkRecord]
) -> tuple[dict[tuple, Repository], set[tuple]]:
    """The repositories of ``links`` keyed by (host, owner, name) in lower case.

    Matches as ``repository_get_or_create`` does (owner and name in any case)
    and creates the missing ones in bulk. A link's stars refresh the
    repository's; its framework fills an empty one. Returns the repositories
    and the keys of existing ones that were refreshed.
    """
    wanted: dict[tuple, dict] = {}
    for link in links:
        parts = parse_repository_url(link.url)
        wanted.setdefault(_repository_key(parts), parts)
    found: dict[tuple, Repository] = {}
    for chunk in _chunks(parts["url"] for parts in wanted.values()):
        for repository in Repository.objects.filter(url__in=chunk).order_by("pk"):
            found.setdefault(_repository_key(vars(repository)), repository)
    missing = [key for key in wanted if key not in found]
    for chunk in _chunks(missing, 200):
        query = Q()
        for host, owner, name in chunk:
            query |= Q(host=host, owner__iexact=owner, name__iexact=name)
        for repository in Repository.objects.filter(query).order_by("pk"):
            found.setdefault(_repository_key(vars(repository)), repository)
    new = {key: Repository(**parts) for key, parts in wanted.items() if key not in found}
    for link in links:
        key = _repository_key(parse_repository_url(link.url))
        if key in new:
            new[key].stars = link.stars if link.stars is not None else new[key].stars
            new[key].framework = new[key].framework or link.framework
    Repository.objects.bulk_create(new.values())
    refreshed = set()
    for link in links:
        key = _repository_key(parse_repository_url(link.url))
        repository = found.get(key)
        if repository is None:
            continue
        if link.stars is not None and repository.stars != link.stars:
            repository.stars = link.stars
            refreshed.add(key)
        if link.framework and not repository.framework:
            repository.framework = link.framework
            refreshed.add(key)
    Repository.objects.bulk_update([found[key] for key in refreshed], ["stars", "framework"])
    found.update(new)
    return found, refreshed


CODE_LINK_FLAGS = ("is_official", "mentioned_in_paper", "mentioned_in_github")


def code_links_import(
    *, links: Sequence[tuple[int, CodeLinkRecord]]
) -> tuple[list[tuple[int, str]], set[int]]:
    """Link papers to repositories in bulk; ``links`` are ``(paper_id, record)`` pairs.

    A new link takes the record's flags; an existing one only gains flags (a
    curator's "not official" is not overturned by silence, only by a source
    that says it is). Returns ``(paper_id, outcome)`` per link — ``"created"``,
    ``"updated"`` (a flag gained or its repository's stars or framework
    refreshed) or ``"unchanged"`` — and the ids of papers whose links changed.
    """
    if not links:
        return [], set()
    repositories, refreshed = repositories_get_or_create(links=[record for _, record in links])
    pairs = []
    for paper_id, record in links:
        key = _repository_key(parse_repository_url(record.url))
        pairs.append((paper_id, repositories[key], record, key in refreshed))
        refreshed.discard(key)  # one refresh is reported once
    existing: dict[tuple[int, int], CodeLink] = {}
    paper_ids = {paper_id for paper_id, *_ in pairs}
    repository_ids = {repository.pk for _, repository, *_ in pairs}
    for ids in _chunks(paper_ids):
        for link in CodeLink.objects.filter(paper_id__in=ids, repository_id__in=repository_ids):
            existing[(link.paper_id, link.repository_id)] = link
    new: dict[tuple[int, int], CodeLink] = {}
    changed: dict[tuple[int, int], CodeLink] = {}
    outcomes = []
    for paper_id, repository, record, repository_refreshed in pairs:
        key = (paper_id, repository.pk)
        link = existing.get(key) or new.get(key)
        if link is None:
            new[key] = CodeLink(
                paper_id=paper_id,
                repository=repository,
                **{flag: getattr(record, flag) for flag in CODE_LINK_FLAGS},
            )
            outcomes.append((paper_id, "created"))
            continue
        gained = [f for f in CODE_LINK_FLAGS if getattr(record, f) and not getattr(link, f)]
        for flag in gained:
            setattr(link, flag, True)
        if key in new:  # the same link twice in one batch: one link with both rows' flags
            outcomes.append((paper_id, "unchanged"))
            continue
        if gained:
            changed[key] = link
        outcomes.append((paper_id, "updated" if gained or repository_refreshed else "unchanged"))
    CodeLink.objects.bulk_create(new.values())
    CodeLink.objects.bulk_update(changed.values(), list(CODE_LINK_FLAGS))
    linked = {paper_id for paper_id, _ in new} | {paper_id for paper_id, _ in changed}
    now = timezone.now()
    for ids in _chunks(linked):
        Paper.objects.filter(pk__in=ids).update(updated_at=now)
        Paper.objects.filter(pk__in=ids, has_code=False).update(has_code=True)
    return outcomes, linked


# Curation -----------------------------------------------------------------


def _papers_touch(paper_ids: Collection[int], **values) -> None:
    now = timezone.now()
    for ids in _chunks(paper_ids):
        Paper.objects.filter(pk__in=ids).update(updated_at=now, **values)
    papers_after_bulk_write(paper_ids=paper_ids)


@transaction.atomic
def papers_set_status(*, papers: QuerySet[Paper], status: str) -> list[Paper]:
    """Give ``papers`` this status. Returns the papers that changed."""
    status = Paper.Status(status)
    changed = list(
        papers.exclude(status=status).order_by("pk").select_related(None).only("pk", "title")
    )
    _papers_touch([paper.pk for paper in changed], status=status)
    return changed


@transaction.atomic
def papers_set_featured(*, papers: QuerySet[Paper], featured: bool) -> list[Paper]:
    """Feature or unfeature ``papers``. Returns the papers that changed."""
    changed = list(
        papers.exclude(featured=featured).order_by("pk").select_related(None).only("pk", "title")
    )
    _papers_touch([paper.pk for paper in changed], featured=featured)
    return changed


@transaction.atomic
def papers_add_topic(*, papers: QuerySet[Paper], topic: Topic) -> list[Paper]:
    """Tag ``papers`` with ``topic``. Returns the papers that did not have it."""
    through = Paper.topics.through
    changed = list(
        papers.exclude(topics=topic).order_by("pk").select_related(None).only("pk", "title")
    )
    through.objects.bulk_create(through(paper_id=p.pk, topic_id=topic.pk) for p in changed)
    _papers_touch([paper.pk for paper in changed])
    return changed


@transaction.atomic
def papers_remove_topic(*, papers: QuerySet[Paper], topic: Topic) -> list[Paper]:
    """Untag ``papers``. Returns the papers that had the topic."""
    through = Paper.topics.through
    changed = list(
        Paper.objects.filter(pk__in=papers.values("pk"), topics=topic)
        .order_by("pk")
        .only("pk", "title")
    )
    for ids in _chunks(paper.pk for paper in changed):
        through.objects.filter(topic=topic, paper_id__in=ids).delete()
    _papers_touch([paper.pk for paper in changed])
    return changed


def authorships_renumber(*, paper_ids: Collection[int]) -> None:
    """Number each paper's authors 1, 2, 3... in their current order, closing gaps."""
    for ids in _chunks(paper_ids):
        rows = list(Authorship.objects.filter(paper_id__in=ids).order_by("paper_id", "position"))
        # Park the rows beyond any real position first so that no intermediate
        # state collides on (paper, position).
        Authorship.objects.filter(paper_id__in=ids).update(
            position=F("position") + POSITION_PARKING_OFFSET
        )
        position, paper_id = 0, None
        for row in rows:
            position = position + 1 if row.paper_id == paper_id else 1
            paper_id = row.paper_id
            row.position = position
        Authorship.objects.bulk_update(rows, ["position"])


@dataclass(frozen=True)
class AuthorMerge:
    survivor: Author
    merged: list[Author]
    moved: int  # authorships moved to the survivor
    duplicates: int  # authorships dropped because the survivor was already on the paper
    paper_ids: list[int]  # every paper whose author list changed


AUTHOR_PROFILE_FIELDS = ("affiliation", "homepage", "orcid", "user")


@transaction.atomic
def author_merge(*, survivor: Author, others: Iterable[Author]) -> AuthorMerge:
    """Merge ``others`` into ``survivor``, which keeps its name and slug.

    Authorships move to the survivor at their positions, so each paper's author
    order stays. Where several of the merged authors are on one paper, the
    earliest place is kept (with its affiliation, or a dropped row's when it
    has none), the others are removed and the paper's positions renumbered
    without gaps. The survivor's empty profile fields are filled from the
    others; their names become aliases of the survivor so importers find it.
    """
    others = [author for author in others if author.pk != survivor.pk]
    if not others:
        raise ValueError("choose at least one author to merge into the survivor")
    merged_ids = [author.pk for author in others]
    rows = list(
        Authorship.objects.select_for_update()
        .filter(author_id__in=[survivor.pk, *merged_ids])
        .order_by("paper_id", "position")
    )
    by_paper = defaultdict(list)
    for row in rows:
        by_paper[row.paper_id].append(row)
    dropped, kept_affiliations, conflicts = [], [], []
    for paper_id, paper_rows in by_paper.items():
        if len(paper_rows) < 2:
            continue
        conflicts.append(paper_id)
        keep, *drop = paper_rows
        dropped.extend(row.pk for row in drop)
        if not keep.affiliation:
            keep.affiliation = next((row.affiliation for row in drop if row.affiliation), "")
            if keep.affiliation:
                kept_affiliations.append(keep)
    Authorship.objects.filter(pk__in=dropped).delete()
    Authorship.objects.bulk_update(kept_affiliations, ["affiliation"])
    moved = Authorship.objects.filter(author_id__in=merged_ids).update(author_id=survivor.pk)
    authorships_renumber(paper_ids=conflicts)

    AuthorAlias.objects.filter(author_id__in=merged_ids).update(author=survivor)
    for other in others:
        if name_key(other.name) != survivor.name_key:
            AuthorAlias.objects.update_or_create(
                name_key=name_key(other.name), defaults={"name": other.name, "author": survivor}
            )
    filled = {}
    for name in AUTHOR_PROFILE_FIELDS:
        attname = Author._meta.get_field(name).attname
        if _blank(getattr(survivor, attname)):
            value = next(
                (getattr(o, attname) for o in others if not _blank(getattr(o, attname))), None
            )
            if value is not None:
                filled[attname] = value
    Author.objects.filter(pk__in=merged_ids).delete()
    for attname, value in filled.items():
        setattr(survivor, attname, value)
    survivor.save()
    paper_ids = sorted({row.paper_id for row in rows if row.author_id in merged_ids})
    papers_after_bulk_write(paper_ids=paper_ids)
    return AuthorMerge(
        survivor=survivor, merged=others, moved=moved, duplicates=len(dropped), paper_ids=paper_ids
    )


@dataclass(frozen=True)
class TopicMerge:
    survivor: Topic
    merged: list[Topic]
    paper_ids: list[int]  # papers that now carry the survivor instead of a merged topic
    child_ids: list[int]  # topics re-parented to the survivor


@transaction.atomic
def topic_merge(*, survivor: Topic, others: Iterable[Topic]) -> TopicMerge:
    """Merge ``others`` into ``survivor``: their papers (and any other many-to-many
    links to topics, such as digest subscriptions) and child topics move over,
    then they are deleted. The survivor keeps its name; an empty description is
    filled from the first merged topic that has one.
    """
    others = [topic for topic in others if topic.pk != survivor.pk]
    if not others:
        raise ValueError("choose at least one topic to merge into the survivor")
    merged_ids = [topic.pk for topic in others]
    paper_ids = []
    for relation in Topic._meta.related_objects:
        if relation.many_to_many:
            moved = _m2m_move(relation, merged_ids, survivor.pk)
            if relation.related_model is Paper:
                paper_ids = moved
        elif relation.one_to_many and not relation.related_model._meta.auto_created:
            if relation.remote_field is Topic._meta.get_field("parent"):
                continue
            relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__in": merged_ids}
            ).update(**{relation.field.name: survivor})

    # The survivor cannot become its own ancestor: if it sat under a merged
    # topic, it moves up to the nearest ancestor that is not being merged.
    parents = dict(Topic.objects.values_list("pk", "parent_id"))
    parent_id, seen = survivor.parent_id, set()
    while parent_id in merged_ids and parent_id not in seen:
        seen.add(parent_id)
        parent_id = parents.get(parent_id)
    children = Topic.objects.filter(parent_id__in=merged_ids).exclude(pk=survivor.pk)
    child_ids = sorted(children.values_list("pk", flat=True))
    children.update(parent=survivor, updated_at=timezone.now())
    survivor.parent_id = parent_id
    if not survivor.description:
        survivor.description = next((t.description for t in others if t.description), "")
    Topic.objects.filter(pk__in=merged_ids).delete()
    survivor.save()
    _papers_touch(paper_ids)
    return TopicMerge(survivor=survivor, merged=others, paper_ids=paper_ids, child_ids=child_ids)


def _m2m_move(relation, from_ids: list[int], to_id: int) -> list[int]:
    """Re-point a many-to-many relation's rows from ``from_ids`` to ``to_id``.

    Returns the ids on the other side that gained a link to ``to_id`` or lost
    one to a merged object.
    """
    through = relation.through
    field_name = relation.field.m2m_reverse_field_name()  # the side being merged
    other_name = relation.field.m2m_field_name()
    linked = set(
        through.objects.filter(**{f"{field_name}_id__in": from_ids}).values_list(
            f"{other_name}_id", flat=True
        )
    )
    have = set(
        through.objects.filter(**{f"{field_name}_id": to_id}).values_list(
            f"{other_name}_id", flat=True
        )
    )
    through.objects.bulk_create(
        through(**{f"{field_name}_id": to_id, f"{other_name}_id": other_id})
        for other_id in sorted(linked - have)
    )
    through.objects.filter(**{f"{field_name}_id__in": from_ids}).delete()
    return sorted(linked)


def topic_descendant_ids(*, topic_ids: Collection[int]) -> set[int]:
    """Every topic below ``topic_ids`` in the taxonomy (the taxonomy is small)."""
    children = defaultdict(list)
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, stack = set(), list(topic_ids)
    while stack:
        for child in children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


@transaction.atomic
def topics_reparent(*, topics: Iterable[Topic], parent: Topic | None) -> list[Topic]:
    """Move ``topics`` under ``parent`` (``None``: to the top level). Returns those that moved.

    Raises ``ValidationError`` when a topic would end up under itself.
    """
    topics = list(topics)
    ids = {topic.pk for topic in topics}
    if parent is not None and (
        parent.pk in ids or parent.pk in topic_descendant_ids(topic_ids=ids)
    ):
        raise ValidationError(f"“{parent}” is one of these topics or below one of them.")
    parent_id = parent.pk if parent else None
    changed = [topic for topic in topics if topic.parent_id != parent_id]
    Topic.objects.filter(pk__in=[topic.pk for topic in changed]).update(
        parent_id=parent_id, updated_at=timezone.now()
    )
    return changed
