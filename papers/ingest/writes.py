"""The import engine: papers as sources state them, written in bulk.

Importers (papers/ingest/), the demo loader and the admin's arXiv upload turn
their input into ``PaperRecord`` and ``CodeLinkRecord`` values and write them
with ``papers_import`` and ``code_links_import``: a constant number of queries
per batch whatever its size, rows by ``COPY`` on PostgreSQL
(papers/core/bulk.py), and one ``derived.papers_changed`` call for every paper
touched. Importing the same data twice writes nothing.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from papers.core import arxiv, derived
from papers.core.bulk import chunks, objects_insert, objects_update, rows_insert
from papers.core.models import (
    Author,
    AuthorAlias,
    Authorship,
    Category,
    Paper,
)
from papers.core.names import ascii_slug, clean_name, name_key
from papers.core.services import topics_get_or_create

from .code_links import (  # noqa: F401 (part of the engine's interface)
    CODE_LINK_FLAGS,
    CodeLinkRecord,
    code_links_import,
    repositories_get_or_create,
)


@dataclass(frozen=True)
class AuthorCredit:
    name: str
    affiliation: str = ""


def _blank(value) -> bool:
    return value is None or value == ""


@dataclass
class PaperRecord:
    """One paper as a source states it; what the source does not carry is left out.

    ``fields`` holds plain Paper fields (title, abstract, published, ...);
    ``None`` for ``primary_category``, ``categories`` or ``authors`` means the
    source does not carry them. ``live_fields`` are figures the source owns and
    refreshes on every import (Hugging Face upvotes). ``topics`` are topic names
    the paper is added to (never taken off: curators own topics). A paper not on
    arXiv (``arxiv_id`` None) is matched by its exact title among such papers.
    """

    arxiv_id: str | None
    fields: dict = field(default_factory=dict)
    version: int | None = None
    primary_category: str | None = None
    categories: list[str] | None = None
    authors: list[AuthorCredit] | None = None
    listed_on: dt.date | None = None
    live_fields: dict = field(default_factory=dict)
    code_links: list[CodeLinkRecord] = field(default_factory=list)
    topics: list[str] | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the paper: its arXiv id, else its title."""
        if self.arxiv_id:
            return ("arxiv", self.arxiv_id)
        return ("title", self.fields.get("title", ""))


def categories_get_or_create(*, codes: Iterable[str]) -> dict[str, Category]:
    """The categories for ``codes`` by code; missing ones are created in one query."""
    codes = set(codes)
    found = {}
    for chunk in chunks(codes):
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
    for keys in chunks(wanted):
        for author in Author.objects.filter(name_key__in=keys).order_by("-pk"):
            found[author.name_key] = author  # the oldest is seen last and wins
    missing = [key for key in wanted if key not in found]
    for keys in chunks(missing):
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
    for chunk in chunks(set(bases)):
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


def papers_import(
    *, records: Sequence[PaperRecord], listed_on: dt.date, authoritative: bool = False
) -> list[tuple[str, int]]:
    """Create or bring up to date the papers of ``records`` (distinct keys), in bulk.

    - An arXiv id not in the catalogue creates a published paper listed on
      ``record.listed_on``, or ``listed_on`` when the record has none.
    - A record with a newer arXiv version than the catalogue's overwrites every
      field it carries (authors and categories included). Votes, topics,
      status, featured, the listed date and fields it does not carry stay.
    - A record of the same version (or without one) only fills what is empty
      in the catalogue: importing the same data again writes nothing, and
      curators' edits stay. A record of an older version fills nothing.
    - ``authoritative``: the records are the reference (the demo data set):
      every field they carry is set, as for a newer version.
    - ``live_fields`` are refreshed whenever they differ; code links are added
      as ``code_links_import`` does.

    Returns ``(outcome, paper_id)`` for each record, the outcome being
    ``"created"``, ``"updated"`` or ``"unchanged"``.
    """
    if len({record.key for record in records}) != len(records):
        raise ValueError("records must have distinct arXiv ids (or titles, without one)")
    for record in records:
        _published_precision(record)
    existing: dict[tuple[str, str], Paper] = {}
    for ids in chunks(record.arxiv_id for record in records if record.arxiv_id):
        existing.update((("arxiv", p.arxiv_id), p) for p in Paper.objects.filter(arxiv_id__in=ids))
    titles = [record.key[1] for record in records if not record.arxiv_id]
    for chunk in chunks(titles):
        for paper in Paper.objects.filter(arxiv_id__isnull=True, title__in=chunk).order_by("-pk"):
            existing[("title", paper.title)] = paper  # the oldest is seen last and wins
    current_authors = _authorship_lists(p.pk for p in existing.values())
    current_categories = _category_sets(p.pk for p in existing.values())
    categories = categories_get_or_create(
        codes={code for record in records for code in record.categories or ()}
        | {record.primary_category for record in records if record.primary_category}
    )
    plans = [
        _ImportPlan.make(record, existing.get(record.key), authoritative=authoritative)
        for record in records
    ]
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
    # written once (``derived.papers_changed`` below then finds nothing to change).
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
    topics_added = _topics_add(plans)

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
            or pk in topics_added
        ):
            outcomes.append(("updated", pk))
            touched.add(pk)
        else:
            outcomes.append(("unchanged", pk))
    bump = touched - {paper.pk for paper in updated} - linked
    for ids in chunks(bump):
        Paper.objects.filter(pk__in=ids).update(updated_at=now)
    derived.papers_changed(paper_ids={plan.paper.pk for plan in created} | touched)
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
    def make(
        cls, record: PaperRecord, paper: Paper | None, *, authoritative: bool = False
    ) -> "_ImportPlan":
        older = (
            paper is not None
            and None not in (record.version, paper.arxiv_version)
            and record.version < paper.arxiv_version
        )
        return cls(
            record=record,
            paper=paper,
            created=paper is None,
            newer=paper is not None
            and (_is_newer(record.version, paper.arxiv_version) or (authoritative and not older)),
            older=older,
            wants_authors=record.authors is not None,
            wants_categories=record.categories is not None,
        )


PUBLISHED_FIELDS = ("published", "published_precision")


def _published_precision(record: PaperRecord) -> None:
    """Give a record's published date its precision: the day a source states, else the
    month of its arXiv id (``2411.04983`` → November 2024), never the listing date."""
    if "published_precision" in record.fields:
        return
    if record.fields.get("published"):
        record.fields = {**record.fields, "published_precision": "day"}
        return
    month = arxiv.submission_date(record.arxiv_id)
    fields = {k: v for k, v in record.fields.items() if k != "published"}
    if month is not None:
        fields.update(published=month, published_precision="month")
    record.fields = fields


def _published_rule(paper: Paper, record: PaperRecord) -> tuple[set[str], set[str]]:
    """Which published fields a record must set and which it must leave: a known day
    replaces a month, a month fills an unknown date, a month never replaces a day."""
    precision = record.fields.get("published_precision")
    if precision is None:
        return set(), set()
    paper_day = paper.published is not None and paper.published_precision == "day"
    if precision == "month" and paper_day:
        return set(), set(PUBLISHED_FIELDS)
    if precision == "day" and not paper_day:
        return set(PUBLISHED_FIELDS), set()
    if precision == "month" and paper.published is None:
        return set(PUBLISHED_FIELDS), set()
    return set(), set()


def _paper_apply(
    paper: Paper, record: PaperRecord, *, primary, newer: bool, older: bool
) -> list[str]:
    """Set the record's values on an existing paper as ``papers_import`` describes."""
    changed = []
    force, leave = _published_rule(paper, record)
    for name, value in record.fields.items() if not older else ():
        current = getattr(paper, name)
        if name in leave:
            continue
        if name in force:
            if current != value:
                setattr(paper, name, value)
                changed.append(name)
            continue
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
    if _is_newer(record.version, paper.arxiv_version):
        paper.arxiv_version = record.version
        changed.append("arxiv_version")
    for name, value in record.live_fields.items():
        if value is not None and getattr(paper, name) != value:
            setattr(paper, name, value)
            changed.append(name)
    return changed


def _topics_add(plans: list[_ImportPlan]) -> set[int]:
    """Add the records' topics their papers lack; returns the ids of the papers that gained one.

    Topics are found by name and created when missing (papers/core/services.py).
    """
    wanted_names = {name for plan in plans for name in plan.record.topics or ()}
    if not wanted_names:
        return set()
    topics = topics_get_or_create(names=wanted_names)
    through = Paper.topics.through
    paper_ids = [plan.paper.pk for plan in plans if plan.record.topics]
    have = set()
    for ids in chunks(paper_ids):
        have.update(through.objects.filter(paper_id__in=ids).values_list("paper_id", "topic_id"))
    new = {
        (plan.paper.pk, topics[name].pk) for plan in plans for name in plan.record.topics or ()
    } - have
    rows_insert(through, ["paper", "topic"], sorted(new))
    return {paper_id for paper_id, _ in new}


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
    for ids in chunks(paper_ids):
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
    for ids in chunks(paper_ids):
        for paper_id, category_id in through.objects.filter(paper_id__in=ids).values_list(
            "paper_id", "category_id"
        ):
            sets[paper_id].add(category_id)
    return sets


def _authorships_replace(lists: list[tuple[int, list[tuple[int, str]]]], *, replace: list[int]):
    for ids in chunks(replace):
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
    for ids in chunks(replace):
        through.objects.filter(paper_id__in=ids).delete()
    rows_insert(
        through,
        ["paper", "category"],
        [(paper_id, category_id) for paper_id, ids in sets for category_id in sorted(ids)],
    )
