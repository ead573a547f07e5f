"""Curators' writes to the catalogue: statuses, topics, merges, the topic tree.

Keyword-only functions named ``<noun>_<verb>``; each runs in one transaction and
ends with ``derived.papers_changed`` for the papers it touched, so search text,
``has_code`` and cached pages follow (papers/core/derived.py). Imports write
through papers/ingest/writes.py.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from . import derived
from .bulk import chunks
from .markdown import render_markdown
from .models import Author, AuthorAlias, Authorship, Paper, Topic
from .names import ascii_slug, name_key

POSITION_PARKING_OFFSET = 1_000_000  # see authorships_renumber


def topics_get_or_create(
    *, names: Iterable[str], descriptions: dict[str, str] | None = None
) -> dict[str, Topic]:
    """The topics named ``names`` (in any case), keyed by the names as given; missing ones
    are created together, with unique slugs and their markdown description rendered (as
    ``Topic.save`` does). The taxonomy is small: it is read in one query."""
    descriptions = descriptions or {}
    existing = {topic.name.lower(): topic for topic in Topic.objects.all()}
    taken = {topic.slug for topic in existing.values()}
    found, missing = {}, []
    for name in dict.fromkeys(names):
        topic = existing.get(name.lower())
        if topic is None:
            description = descriptions.get(name, "")
            topic = Topic(
                name=name,
                slug=_free_slug(ascii_slug(name, fallback="topic"), taken),
                description=description,
                description_html=render_markdown(description),
            )
            taken.add(topic.slug)
            existing[name.lower()] = topic
            missing.append(topic)
        found[name] = topic
    Topic.objects.bulk_create(missing)
    return found


def _free_slug(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _blank(value) -> bool:
    return value is None or value == ""


# Curation -----------------------------------------------------------------


def _papers_touch(paper_ids: Collection[int], **values) -> None:
    now = timezone.now()
    for ids in chunks(paper_ids):
        Paper.objects.filter(pk__in=ids).update(updated_at=now, **values)
    derived.papers_changed(paper_ids=paper_ids)


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
    for ids in chunks(paper.pk for paper in changed):
        through.objects.filter(topic=topic, paper_id__in=ids).delete()
    _papers_touch([paper.pk for paper in changed])
    return changed


def authorships_renumber(*, paper_ids: Collection[int]) -> None:
    """Number each paper's authors 1, 2, 3... in their current order, closing gaps."""
    for ids in chunks(paper_ids):
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
    derived.papers_changed(paper_ids=paper_ids)
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
